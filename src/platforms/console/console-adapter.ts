/**
 * The console adapter, for running Herald with no platform token: it watches the subscriptions of the config
 * file and prints what it would post (stdout), plus a line per feed when it starts watching, when a fetch fails,
 * and when it recovers. Operator logs go to stderr.
 */
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { ActivityListener } from '../../activity.ts';
import type { SubscriptionConfig } from '../../config/config-file.ts';
import type { MessageSender, SendOutcome } from '../../delivery/message-sender.ts';
import { userMessageOf } from '../../errors.ts';
import type { Message } from '../../format/message.ts';
import type { SubscriptionService } from '../../services/subscription-service.ts';
import type { Subscription } from '../../store/records.ts';
import { renderConsoleMessage } from './render.ts';

const WORKSPACE = { platform: 'console', workspaceId: 'console' } as const;

export class ConsoleAdapter implements MessageSender, ActivityListener {
  readonly platform = 'console' as const;
  private readonly failing = new Set<string>();
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly out: Writable,
    private readonly services: { subscriptions: SubscriptionService },
  ) {}

  /** Stores the config file's subscriptions (replacing earlier console ones) and says what is watched. */
  async watch(configured: readonly SubscriptionConfig[]): Promise<void> {
    this.subscriptions = await this.services.subscriptions.syncConfigured(
      WORKSPACE,
      configured.map((entry) => ({
        id: `cfg-${createHash('sha256').update(`${entry.url}\n${entry.rule}`).digest('hex').slice(0, 10)}`,
        url: entry.url,
        rule: entry.rule,
        channelId: entry.name ?? 'console',
        channelName: entry.name,
        createdBy: 'config',
        feedTitle: entry.name,
      })),
    );
    if (this.subscriptions.length === 0) {
      this.print('No subscriptions in the config file yet: add some under `subscriptions:` and restart, or set DISCORD_TOKEN to run the Discord bot.');
      return;
    }
    this.print(`Herald (console mode, no platform token set) is watching ${this.subscriptions.length} feed${this.subscriptions.length === 1 ? '' : 's'}; new items that match are printed here:`);
    for (const subscription of this.subscriptions) {
      this.print(`  • ${subscription.feedUrl}${subscription.rule === '' ? '  (every item)' : `  filter: ${subscription.rule}`}`);
    }
  }

  async send(channelId: string, message: Message): Promise<SendOutcome> {
    this.print(`\n${renderConsoleMessage(message, channelId)}`);
    return { kind: 'sent' };
  }

  feedPolled(event: { url: string; title: string; items: number; newItems: number; baseline: boolean }): void {
    if (!this.watches(event.url)) return;
    const recovered = this.failing.delete(event.url);
    if (event.baseline) {
      this.print(`✓ ${event.title} (${event.url}): ${event.items} items now, not printed; new matching items will appear here.`);
    } else if (recovered) {
      this.print(`✓ ${event.title} (${event.url}) can be fetched again.`);
    }
  }

  feedFailed(event: { url: string; error: unknown; consecutiveFailures: number; retryInSeconds: number }): void {
    if (!this.watches(event.url)) return;
    this.failing.add(event.url);
    this.print(`⚠ Could not fetch ${event.url}: ${userMessageOf(event.error)} Next try in ${describeSeconds(event.retryInSeconds)}; Herald keeps running.`);
  }

  private watches(url: string): boolean {
    return this.subscriptions.some((subscription) => subscription.feedUrl === url);
  }

  private print(text: string): void {
    this.out.write(`${text}\n`);
  }
}

function describeSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
