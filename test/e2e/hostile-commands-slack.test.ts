/**
 * Slash command texts as an attacker (or a clumsy member) types them in Slack, against the real bot on the Slack
 * emulator: each gets a clear answer, never a stack trace or silence, stores nothing, and pings nobody; the bot
 * keeps answering everyone else. (Discord's side, and the preview limits: hostile-commands.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlashCommandResult } from '../emulators/slack/server.ts';
import { MEMBER, startSlackStory } from './slack-story.ts';
import type { SlackStory } from './slack-story.ts';

let story: SlackStory;

beforeAll(async () => {
  story = await startSlackStory('socket');
}, 120_000);

afterAll(async () => {
  await story?.close();
});

/** The answer the person ends up with: the acknowledgement, or for a deferred command what came after it. */
async function finalAnswer(result: SlashCommandResult): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (/^⏳/.test(result.visibleText()) && result.responses.length === 0) {
    if (Date.now() > deadline) throw new Error(`no answer after "${result.visibleText()}"`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (result.responses.length > 0) await result.waitForResponses(result.responses.length);
  return result.visibleText();
}

function expectAClearAnswer(text: string): void {
  expect(text.trim()).not.toBe('');
  expect(text).not.toMatch(/\n\s+at |Error:|TypeError|RangeError|undefined|\[object Object\]/);
  // Echoed input never pings: Slack's mention syntax comes back escaped.
  expect(text).not.toMatch(/<!(channel|here|everyone)>|<@U/);
}

/** Each takes the URL of a feed of its own (for the texts that need a working one) and gives the text after /feed. */
const HOSTILE_TEXTS: ReadonlyArray<readonly [string, (url: string) => string]> = [
  ['an oversized URL', () => `add <https://blog.test/${'a'.repeat(3_900)}>`],
  ['a URL with control characters', () => 'add https://blog.test/\u0000\u0007\u001b[31m'],
  ['a URL that is a channel mention', () => 'add <!channel>'],
  ['a URL that is a user mention', () => 'add <@U0ADMIN>'],
  ['a javascript: URL', () => 'add <javascript:alert(1)>'],
  ['a unicode-heavy URL', () => `add https://${'ü'.repeat(60)}.test/${'東京'.repeat(500)}`],
  ['a rule with a NUL', (url) => `add <${url}> kafka\u0000`],
  ['a rule of 2,000 open parentheses', (url) => `add <${url}> ${'('.repeat(2_000)}`],
  ['an unterminated regex', (url) => `add <${url}> title:/(kafka`],
  ['a preview with an oversized unicode rule', (url) => `preview <${url}> ${'ＫＡＦＫＡ '.repeat(300)}`],
  ['a preview of a mention', () => 'preview <!here|here>'],
  ['an unknown subcommand', () => 'frobnicate <!channel>'],
  ['nothing at all', () => ''],
  ['only spaces and line breaks', () => ' \n \t '],
];

describe('Slack: hostile slash command texts get a clear answer and store nothing', () => {
  it.each(HOSTILE_TEXTS)('answers %s', async (_, textFor) => {
    const channel = story.freshChannel();
    const feed = story.freshFeed();
    const answer = await finalAnswer(await story.command(channel, textFor(feed.url)));
    expectAClearAnswer(answer);
    expect(answer).not.toContain('is now subscribed');
    if (/^add <(!channel|@)/.test(textFor(feed.url))) expect(answer).toMatch(/is a mention or a channel, not a web address/);
    const list = await finalAnswer(await story.command(channel, `list ${channel.link}`, { user: MEMBER }));
    expect(list).toContain(`No subscriptions in <#${channel.id}>.`);
  }, 60_000);

  it('still answers everyone after all of that', async () => {
    const { channel, feed } = await story.subscribeFreshChannel('kafka');
    const list = await finalAnswer(await story.command(channel, `list ${channel.link}`, { user: MEMBER }));
    expect(list).toContain(feed.url);
    expect(story.herald.stdout() + story.herald.stderr()).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
  }, 60_000);
});
