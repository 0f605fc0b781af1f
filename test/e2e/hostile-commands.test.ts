/**
 * Commands as an attacker (or a clumsy member) sends them from chat, against the real bot on the Discord emulator:
 * - previews are limited to one at a time per person and four in all, and a refused one says why, while the
 *   previews that run finish;
 * - oversized, empty, control-character and unicode-heavy URLs and rules get a clear answer, never a stack trace
 *   or silence, store nothing, and leave the bot answering everyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRss } from '../emulators/feed-documents.ts';
import { ADMIN, MEMBER, startDiscordStory } from './discord-story.ts';
import type { DiscordStory } from './discord-story.ts';

let story: DiscordStory;

beforeAll(async () => {
  story = await startDiscordStory();
}, 120_000);

afterAll(async () => {
  await story?.close();
});

/** A feed that takes `delayMs` to answer, so previews of it overlap. */
function slowFeed(path: string, delayMs: number): string {
  const body = makeRss([{ title: 'Kafka at scale', guid: 'slow-1', link: 'https://blog.test/slow-1' }], { title: 'Slow blog' });
  story.feeds.setResponse(path, { status: 200, headers: { 'content-type': 'application/rss+xml' }, body, delayMs });
  return story.feeds.url(path);
}

function member(number: number): { id: string; name: string } {
  return { id: String(300_000_000_000_000_100n + BigInt(number)), name: `member-${number}` };
}

async function untilFetched(path: string, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (story.feeds.requestsTo(path) < count) {
    if (Date.now() > deadline) throw new Error(`${path} was fetched ${story.feeds.requestsTo(path)} times, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Discord: previews are limited per person and in all', () => {
  it('refuses a second preview by the same member while the first runs, and finishes the first', async () => {
    const channel = story.freshChannel();
    const url = slowFeed('/slow-one.rss', 4_000);
    const first = story.command(channel, 'preview', { url, filter: 'kafka' }, MEMBER);
    await untilFetched('/slow-one.rss', 1);

    const second = await story.command(channel, 'preview', { url, filter: 'kafka' }, MEMBER);
    expect(second.content).toContain('You already have a preview running; try again in a moment.');
    expect(second.ephemeral).toBe(true);

    const answered = await first;
    expect(answered.content).toContain('Kafka at scale');
    // Once it has finished, the same member may preview again.
    const again = await story.command(channel, 'preview', { url: slowFeed('/quick.rss', 0), filter: 'kafka' }, MEMBER);
    expect(again.content).toContain('Kafka at scale');
  }, 60_000);

  it('runs four previews at once and refuses a fifth person, saying Herald is busy', async () => {
    const channel = story.freshChannel();
    const url = slowFeed('/slow-four.rss', 5_000);
    const running = [1, 2, 3, 4].map((number) => story.command(channel, 'preview', { url }, member(number)));
    await untilFetched('/slow-four.rss', 4);

    const fifth = await story.command(channel, 'preview', { url }, member(5));
    expect(fifth.content).toContain('Herald is busy with other previews right now; try again in a moment.');
    expect(fifth.ephemeral).toBe(true);
    for (const answer of await Promise.all(running)) expect(answer.content).toContain('Kafka at scale');
  }, 60_000);
});

/** What hostile input tried: each is sent as /feed add (by an admin) and /feed preview (by a member). */
const HOSTILE_URLS: ReadonlyArray<readonly [string, string]> = [
  ['an oversized URL', `https://blog.test/${'a'.repeat(5_900)}`],
  ['an empty URL', ''],
  ['a URL of spaces', '   '],
  ['a URL with control characters', 'https://blog.test/\u0000\u0007\u001b[31mred'],
  ['a URL with a line break', 'https://blog.test/feed\r\nX-Injected: 1'],
  ['a unicode-heavy URL', `https://${'ü'.repeat(60)}.test/${'東京'.repeat(500)}`],
  ['a URL of right-to-left overrides', 'https://blog.test/\u202e\u2066feed\u2069.xml'],
  ['a javascript: URL', 'javascript:alert(1)'],
  ['a file: URL', 'file:///etc/passwd'],
  ['a URL of emoji', '🚀'.repeat(1_000)],
  ['a mention for a URL', '@everyone'],
  ['a channel for a URL', '<#200000000000000001>'],
];

const HOSTILE_RULES: ReadonlyArray<readonly [string, string]> = [
  ['an oversized rule', `kafka ${'OR rust '.repeat(740)}`],
  ['a rule of 3,000 open parentheses', '('.repeat(3_000)],
  ['a rule of nested groups', `${'('.repeat(500)}kafka${')'.repeat(500)}`],
  ['a rule with control characters', 'kafka\u0000\u0007 -\u001bjobs'],
  ['a unicode-heavy rule', 'ＫＡＦＫＡ '.repeat(900)],
  ['a rule of combining marks', `k${'\u0301'.repeat(4_000)}`],
  ['an unterminated regex', 'title:/(kafka'],
  ['a regex of catastrophic backtracking', '/(a+)+$/'],
  ['an unterminated phrase', '"event streaming'],
  ['a rule of only operators', 'AND OR NOT - ( )'],
];

function expectAClearAnswer(content: string): void {
  expect(content.trim()).not.toBe('');
  // No stack trace and no internal error reaches the person.
  expect(content).not.toMatch(/\n\s+at |Error:|TypeError|RangeError|undefined|\[object Object\]/);
}

describe('Discord: hostile URLs and rules get a clear answer and store nothing', () => {
  it.each(HOSTILE_URLS)('answers %s in /feed add and /feed preview', async (_, url) => {
    const channel = story.freshChannel();
    const added = await story.command(channel, 'add', { url });
    expectAClearAnswer(added.content);
    expect(added.content).not.toContain('is now subscribed');
    if (/^<?[@#]/.test(url)) expect(added.content).toContain('is a mention or a channel, not a web address');
    const previewed = await story.command(channel, 'preview', { url }, MEMBER);
    expectAClearAnswer(previewed.content);
    const list = await story.command(channel, 'list', { channel: { channelId: channel.id } });
    expect(list.content).toContain(`No subscriptions in <#${channel.id}>`);
  }, 60_000);

  it.each(HOSTILE_RULES)('answers %s in /feed add and /feed preview', async (_, filter) => {
    const channel = story.freshChannel();
    const feed = story.freshFeed();
    const added = await story.command(channel, 'add', { url: feed.url, filter });
    expectAClearAnswer(added.content);
    const previewed = await story.command(channel, 'preview', { url: feed.url, filter }, MEMBER);
    expectAClearAnswer(previewed.content);
    // Only the catastrophic regex is a valid rule (re2js runs it in linear time); every other one is refused and stores nothing.
    const list = await story.command(channel, 'list', { channel: { channelId: channel.id } });
    if (filter === '/(a+)+$/') {
      expect(added.content).toContain('is now subscribed');
      expect(previewed.content).toContain('0 would be posted');
      expect(list.content).toContain(feed.url);
    } else {
      expect(added.content).toMatch(/ at position \d+/);
      expect(list.content).toContain(`No subscriptions in <#${channel.id}>`);
    }
  }, 60_000);

  it('logs a refusal for the operator, prints no stack trace, and still answers everyone after', async () => {
    const since = story.linesFromNow();
    const channel = story.freshChannel();
    const refused = await story.command(channel, 'add', { url: 'javascript:alert(1)' });
    expectAClearAnswer(refused.content);
    await since(/command refused/);
    const { channel: working } = await story.subscribeFreshChannel('kafka');
    const list = await story.command(working, 'list', {}, ADMIN);
    expect(list.content).toContain('Data Eng Weekly');
    expect(story.herald.stdout() + story.herald.stderr()).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
  }, 60_000);
});
