/**
 * The console adapter, for running Herald with no platform token: it shows the config file's console subscriptions
 * and prints what it would post (stdout), plus a line per feed when it starts watching, when a fetch fails, and
 * when it recovers. Operator logs go to stderr.
 */
import type { Writable } from 'node:stream';
import type { ActivityListener } from '../../activity.ts';
import type { MessageSender, SendOutcome } from '../../delivery/message-sender.ts';
import { userMessageOf } from '../../errors.ts';
import type { Message } from '../../format/message.ts';
import type { Subscription } from '../../store/records.ts';
import { renderConsoleMessage } from './render.ts';

export class ConsoleAdapter implements MessageSender, ActivityListener {
  readonly platform = 'console' as const;
  private readonly failing = new Set<string>();
  private subscriptions: Subscription[] = [];

  constructor(private readonly out: Writable) {}

  /** Says which of the config file's subscriptions are watched (at start, and again after the file changed). */
  show(subscriptions: readonly Subscription[], reloaded = false): void {
    this.subscriptions = subscriptions.filter((subscription) => subscription.platform === 'console');
    if (this.subscriptions.length === 0) {
      this.print(
        reloaded
          ? 'The config file now has no console subscriptions: nothing is watched until you add some under `subscriptions:`.'
          : 'No subscriptions in the config file yet: add some under `subscriptions:` (Herald reloads the file when you save it), or set DISCORD_TOKEN to run the Discord bot.',
      );
      return;
    }
    const count = `${this.subscriptions.length} feed${this.subscriptions.length === 1 ? '' : 's'}`;
    this.print(
      reloaded
        ? `The config file changed; Herald now watches ${count}:`
        : `Herald (console mode, no platform token set) is watching ${count}; new items that match are printed here:`,
    );
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
