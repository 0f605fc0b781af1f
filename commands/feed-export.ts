/**
 * /feed export [channel]: the subscriptions of one channel, or of the whole server/workspace, as an OPML file
 * (rules kept in Herald's attribute), to take to a feed reader or to `herald opml import` elsewhere. Members may run
 * it: it shows no more than /feed list does.
 */
import { channelOption } from '../src/commands/definition.ts';
import type { CommandContext, OptionValues, SubcommandDefinition } from '../src/commands/definition.ts';
import { reply } from '../src/commands/reply.ts';
import type { Reply } from '../src/commands/reply.ts';
import { exportOpml } from '../src/services/opml-transfer.ts';

export const feedExport: SubcommandDefinition = {
  name: 'export',
  description: "Get an OPML file of this server's subscriptions, or one channel's, with their filters",
  permission: 'member',
  options: [{ name: 'channel', description: 'Only this channel', type: 'channel' }],
  run: exportSubscriptions,
};

async function exportSubscriptions(context: CommandContext, options: OptionValues): Promise<Reply> {
  const channel = channelOption(options, 'channel');
  const subscriptions = await context.services.subscriptions.list(context, channel?.id);
  if (subscriptions.length === 0) {
    return reply([channel === undefined ? ['No subscriptions here to export. Add one with /feed add.'] : ['No subscriptions in ', { channel: channel.id }, ' to export.']]);
  }
  const scope = channel === undefined ? `${context.platform} ${context.workspaceId}` : `${context.platform} ${context.workspaceId} #${channel.name ?? channel.id}`;
  const content = exportOpml(`Herald subscriptions: ${scope}`, subscriptions, (subscription) => `#${subscription.channelName ?? subscription.channelId}`);
  const count = `${subscriptions.length} ${subscriptions.length === 1 ? 'subscription' : 'subscriptions'}`;
  context.log.info('subscriptions exported', { count: subscriptions.length, channel: channel?.id, by: context.userId });
  return reply([[`📤 ${count}`, ...(channel === undefined ? [] : [' of ', { channel: channel.id }]), ' as OPML, filters kept (import it with herald opml import or a feed reader).']], {
    attachment: { filename: channel === undefined ? 'herald-subscriptions.opml' : `herald-${channel.name ?? channel.id}.opml`.replace(/[^\w.-]/g, '_'), contentType: 'text/x-opml', content },
  });
}
