/**
 * /feed why <link>: whether Herald saw an item, and for each subscription here of the feed it came in, whether it
 * matched (which terms, or what blocked it) and whether it was posted (when), or why not.
 */
import { stringOption } from '../src/commands/definition.ts';
import type { CommandContext, OptionValues, SubcommandDefinition } from '../src/commands/definition.ts';
import { reply } from '../src/commands/reply.ts';
import type { Line, Reply, Span } from '../src/commands/reply.ts';
import type { ItemOutcome, ItemSighting } from '../src/services/explain-item.ts';

const ICONS: Readonly<Record<ItemOutcome, string>> = { posted: '✅ ', waiting: '⏳ ', 'not-posted': '❌ ' };

export const feedWhy: SubcommandDefinition = {
  name: 'why',
  description: 'Say whether an item was posted here, and why or why not',
  permission: 'member',
  options: [{ name: 'link', description: "The item's link, as posted or as in the feed", type: 'string', required: true, maxLength: 2000 }],
  run: explainItem,
};

async function explainItem(context: CommandContext, options: OptionValues): Promise<Reply> {
  const explanation = await context.services.subscriptions.why(context, stringOption(options, 'link') ?? '');
  if (explanation.sightings.length === 0) {
    return reply([
      ['No feed followed here has had an item with the link ', { code: explanation.asked }, ' (Herald keeps what it saw for 30 days).'],
      ['To see what a feed holds now and what a filter would post, try ', { code: '/feed preview <feed url> [filter]' }, '.'],
    ]);
  }
  return reply(explanation.sightings.flatMap(describeSighting));
}

function describeSighting(sighting: ItemSighting): Line[] {
  const { item } = sighting;
  const title: Span = item.link === undefined ? { bold: item.title } : { link: item.link, label: item.title };
  return [
    ['🔎 ', title, ` — first seen in ${sighting.feedTitle} ${item.firstSeenAt.slice(0, 16).replace('T', ' ')} UTC`],
    ...sighting.subscriptions.map((answer): Line => [ICONS[answer.outcome], { code: answer.subscription.id }, ' ', { channel: answer.subscription.channelId }, `: ${answer.text}`]),
  ];
}
