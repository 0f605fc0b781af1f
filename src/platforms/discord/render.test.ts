import { describe, expect, it } from 'vitest';
import { HeraldError } from '../../errors.ts';
import type { Item } from '../../feeds/item.ts';
import { toMessage } from '../../format/message.ts';
import { sampleItem } from '../../../test/support/sample-item.ts';
import { DISCORD_LIMITS, escapeMarkdown, renderDiscordMessage } from './render.ts';
import type { DiscordEmbed } from './render.ts';

const ROLE_ID = '123456789012345678';

const item = sampleItem;

function render(overrides: Partial<Item> = {}, feedTitle = 'Example Blog', options = {}) {
  return renderDiscordMessage(toMessage(item(overrides), feedTitle), options);
}

function onlyEmbed(payload: { embeds: DiscordEmbed[] }): DiscordEmbed {
  expect(payload.embeds).toHaveLength(1);
  return payload.embeds[0]!;
}

/** What Discord counts toward its 6000-character limit per message. */
function embedTotal(embed: DiscordEmbed): number {
  return embed.title.length + (embed.description?.length ?? 0) + embed.footer.text.length + (embed.author?.name.length ?? 0);
}

/** What a reader sees once Discord has applied the escapes (backslash before punctuation) and ZWSPs vanish. */
function asDisplayed(text: string): string {
  return text.replace(/\\([^0-9A-Za-z\s])/gu, '$1').replaceAll('\u200b', '');
}

const LIVE_MENTION = /@(everyone|here)|<[@#/]/u;
const hasLoneSurrogate = (text: string): boolean => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u.test(text);

describe('renderDiscordMessage', () => {
  it('renders a normal item as one embed that pings nobody', () => {
    expect(render()).toEqual({
      embeds: [
        {
          title: 'Kafka 4.0 drops ZooKeeper',
          url: 'https://blog.example.org/posts/kafka-4',
          description: 'KRaft is now the only mode.',
          color: expect.any(Number),
          author: { name: 'Jane Doe' },
          image: { url: 'https://cdn.example.org/kafka.png' },
          footer: { text: 'Example Blog' },
          timestamp: '2025-03-18T09:30:00.000Z',
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('shows markup in a feed title as typed: no bold, spoiler, code or strikethrough from the feed', () => {
    const embed = onlyEmbed(render({ title: '**Big** ||secret|| `rm -rf` ~~old~~ _it_ [x](y) a\\b' }));
    expect(embed.title).toBe('\\*\\*Big\\*\\* \\|\\|secret\\|\\| \\`rm -rf\\` \\~\\~old\\~\\~ \\_it\\_ [x](y) a\\\\b');
    expect(asDisplayed(embed.title)).toBe('**Big** ||secret|| `rm -rf` ~~old~~ _it_ [x](y) a\\b');
  });

  it('lets no mention from feed text survive anywhere', () => {
    const payload = render(
      {
        title: '@everyone look <@&1> and @here',
        summary: 'Hey @everyone and @HERE: <@123> <@!456> <@&1> <#789> </deploy:42>',
        author: '<@&1> @everyone',
      },
      '@here feed <#1>',
    );
    const embed = onlyEmbed(payload);
    for (const text of [embed.title, embed.description!, embed.footer.text, embed.author!.name]) {
      expect(text).not.toMatch(LIVE_MENTION);
    }
    expect(payload.content).toBeUndefined();
    expect(payload.allowed_mentions).toEqual({ parse: [] });
    // Neutralised, not deleted: the reader still sees the words.
    expect(asDisplayed(embed.title)).toBe('@everyone look <@&1> and @here');
    expect(asDisplayed(embed.description!)).toBe('Hey @everyone and @HERE: <@123> <@!456> <@&1> <#789> </deploy:42>');
  });

  it.each([
    { name: 'masked link', summary: '[click](https://evil.example)', expected: '\\[click\\](https://evil.example)' },
    { name: 'bold', summary: '**bold** and *it*', expected: '\\*\\*bold\\*\\* and \\*it\\*' },
    { name: 'heading at line start', summary: '# heading\n## two\nnot # one', expected: '\\# heading\n\\## two\nnot # one' },
    { name: 'block quote at line start', summary: '> quoted\n>>> all\na > b', expected: '\\> quoted\n\\>>> all\na > b' },
    { name: 'subtext and lists', summary: '-# small\n- item\n1. first', expected: '\\-# small\n\\- item\n1\\. first' },
    { name: 'code, spoiler, strike, underline', summary: '`x` ||s|| ~~t~~ __u__', expected: '\\`x\\` \\|\\|s\\|\\| \\~\\~t\\~\\~ \\_\\_u\\_\\_' },
    { name: 'a backslash cannot cancel an escape', summary: 'a\\*b*', expected: 'a\\\\\\*b\\*' },
    { name: 'bare URL left intact', summary: 'see https://ex.example/a_b_(c)*d* now', expected: 'see https://ex.example/a_b_(c)*d* now' },
    { name: 'URL followed by punctuation', summary: 'at https://ex.example/x_y. *Done*', expected: 'at https://ex.example/x_y. \\*Done\\*' },
    { name: 'an @ inside a URL stays a working link', summary: 'https://mastodon.example/@everyone', expected: 'https://mastodon.example/@everyone' },
  ])('escapes markdown in the description: $name', ({ summary, expected }) => {
    const description = onlyEmbed(render({ summary })).description!;
    expect(description).toBe(expected);
    expect(asDisplayed(description)).toBe(summary);
  });

  it('shrinks a 10,000-character summary to the description limit, cut at a word', () => {
    const words = ['kafka', 'stream', 'partition', 'consumer', 'broker', 'offset'];
    const summary = Array.from({ length: 1500 }, (_, i) => words[i % words.length]).join(' ').slice(0, 10_000);
    expect(summary.length).toBeGreaterThanOrEqual(9_000);
    const embed = onlyEmbed(render({ summary }));
    const description = embed.description!;
    expect(description.length).toBeLessThanOrEqual(4096);
    expect(description.length).toBeGreaterThan(3900);
    expect(description.endsWith('…')).toBe(true);
    const kept = description.slice(0, -1);
    expect(summary.startsWith(kept)).toBe(true);
    expect(summary.charAt(kept.length)).toBe(' ');
    expect(embedTotal(embed)).toBeLessThanOrEqual(6000);
  });

  it('keeps the whole embed within 6000 when every field is at its limit, shrinking the description', () => {
    const summary = 'word '.repeat(2000);
    const embed = onlyEmbed(render({ summary, title: 'T'.repeat(400), author: 'A'.repeat(400) }, 'F'.repeat(3000)));
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect(embed.author!.name.length).toBeLessThanOrEqual(256);
    expect(embed.footer.text.length).toBeLessThanOrEqual(2048);
    expect(embed.description!.length).toBeLessThan(4096);
    expect(embedTotal(embed)).toBeLessThanOrEqual(6000);
    expect(embedTotal(embed)).toBeGreaterThan(5900);
    expect(embed.description!.endsWith('word…')).toBe(true);
  });

  it('stays within the limit when escaping makes the text longer', () => {
    const summary = '*_'.repeat(5000);
    const description = onlyEmbed(render({ summary })).description!;
    expect(description.length).toBeLessThanOrEqual(4096);
    expect(description.length).toBeGreaterThan(4000);
    expect(description.endsWith('…')).toBe(true);
    // No escape was cut in half: every backslash still has its character after it.
    expect(description.slice(0, -1)).toMatch(/^(\\[*_])+$/u);
  });

  it.each([
    { name: '300-character title', title: `${'Headline '.repeat(33)}end`, endsWith: 'Headline…' },
    { name: 'emoji at the cut', title: '🚀'.repeat(200), endsWith: '🚀…' },
    { name: 'mentions near the cut', title: '@everyone '.repeat(40), endsWith: '…' },
  ])('cuts a long title to 256: $name', ({ title, endsWith }) => {
    const embed = onlyEmbed(render({ title }));
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect(embed.title.endsWith(endsWith)).toBe(true);
    expect(hasLoneSurrogate(embed.title)).toBe(false);
    expect(embed.title).not.toMatch(LIVE_MENTION);
  });

  it('does not split an emoji at the description cut', () => {
    const description = onlyEmbed(render({ summary: `${'x'.repeat(4094)}😀😀` })).description!;
    expect(description).toBe(`${'x'.repeat(4094)}…`);
    expect(hasLoneSurrogate(description)).toBe(false);
  });

  it('drops a javascript: link and image instead of linking them', () => {
    const embed = onlyEmbed(render({ link: 'javascript:alert(1)', image: 'javascript:alert(2)' }));
    expect(embed.url).toBeUndefined();
    expect(embed.image).toBeUndefined();
    expect(JSON.stringify(embed)).not.toContain('javascript:');
  });

  it('gives an item with no title or summary a placeholder title and no description', () => {
    const embed = onlyEmbed(render({ title: '', summary: '', author: undefined, published: undefined }));
    expect(embed.title).toBe('(untitled)');
    expect(embed).not.toHaveProperty('description');
    expect(embed).not.toHaveProperty('author');
    expect(embed).not.toHaveProperty('timestamp');
  });

  it('shows author names as written: no markdown there, so no backslashes', () => {
    expect(onlyEmbed(render({ author: 'jane_doe *dev*' })).author).toEqual({ name: 'jane_doe *dev*' });
  });

  it('pings the configured role and nothing else', () => {
    const payload = render({ summary: '@everyone <@&1>' }, 'Blog', { mentionRoleId: ROLE_ID });
    expect(payload.content).toBe(`<@&${ROLE_ID}>`);
    expect(payload.allowed_mentions).toEqual({ parse: [], roles: [ROLE_ID] });
    expect(onlyEmbed(payload).description).not.toMatch(LIVE_MENTION);
  });

  it.each(['everyone', '@here', '12a', '1>  <@&2', ''])('refuses a role id that is not a snowflake: %j', (mentionRoleId) => {
    expect(() => render({}, 'Blog', { mentionRoleId })).toThrow(HeraldError);
    try {
      render({}, 'Blog', { mentionRoleId });
    } catch (error) {
      expect((error as HeraldError).code).toBe('discord.invalid_role_id');
    }
  });

  it.each([
    { name: 'short nonce kept', nonce: 'delivery-42', expected: 'delivery-42' },
    { name: 'long nonce digested to 25', nonce: '0b8e1c2a-5d4f-4e61-9a7b-3c2d1e0f9a8b:123456789', expected: undefined },
  ])('sends a nonce with enforce_nonce: $name', ({ nonce, expected }) => {
    const payload = render({}, 'Blog', { nonce });
    expect(payload.enforce_nonce).toBe(true);
    expect(payload.nonce!.length).toBeLessThanOrEqual(25);
    if (expected !== undefined) expect(payload.nonce).toBe(expected);
    // A retry of the same delivery carries the same nonce.
    expect(render({}, 'Blog', { nonce }).nonce).toBe(payload.nonce);
  });

  it('sends no nonce fields when none is given', () => {
    const payload = render();
    expect(payload).not.toHaveProperty('nonce');
    expect(payload).not.toHaveProperty('enforce_nonce');
  });
});

describe('escapeMarkdown', () => {
  it('is undone exactly by Discord for text full of markup', () => {
    const text = '> *a* _b_ ~c~ `d` |e| [f](g) \\h # i\n# j\n-# k <@1> @everyone';
    expect(asDisplayed(escapeMarkdown(text))).toBe(text);
  });
});

describe('renderDiscordMessage with a template', () => {
  const hostile = (template: string, overrides: Partial<Item> = {}) =>
    onlyEmbed(renderDiscordMessage({ ...toMessage(item(overrides), 'Example Blog'), template }));

  it('puts the filled template in the description and keeps the linked title, author and footer', () => {
    const embed = hostile('**{author}** wrote: {summary:200}\\nTags: {categories}');
    expect(embed.description).toBe('**Jane Doe** wrote: KRaft is now the only mode.\nTags: kafka');
    expect(embed.title).toBe('Kafka 4.0 drops ZooKeeper');
    expect(embed.url).toBe('https://blog.example.org/posts/kafka-4');
    expect(embed.footer.text).toBe('Example Blog');
  });

  it('shows {date} as a Discord timestamp', () => {
    expect(hostile('{date}').description).toBe(`<t:${Date.parse('2025-03-18T09:30:00Z') / 1000}:f>`);
  });

  it('keeps hostile feed text from pinging, linking or formatting', () => {
    const embed = hostile('{title}: {summary} ({author})', {
      title: '@everyone **free**',
      summary: '[x](http://evil) <@&123> @here ||spoiler||',
      author: '<@123456789012345678>',
    });
    const shown = asDisplayed(embed.description ?? '');
    expect(embed.description).not.toMatch(LIVE_MENTION);
    expect(embed.description).not.toContain('[x](');
    expect(embed.description).not.toContain('**free**');
    expect(shown).toBe('@everyone **free**: [x](http://evil) <@&123> @here ||spoiler|| (<@123456789012345678>)');
  });

  it('lets the template itself use markdown but not mention anyone', () => {
    const embed = hostile('@everyone <@&1> __{title}__');
    expect(embed.description).not.toMatch(LIVE_MENTION);
    expect(embed.description).toContain('__Kafka 4.0 drops ZooKeeper__');
  });

  it('encodes a link so it cannot leave a masked link the template wraps it in', () => {
    const embed = hostile('[read]({link})', { link: 'https://evil.example/a)[b](https://phish.example' });
    expect(embed.description).toBe('[read](https://evil.example/a%29%5Bb%5D%28https://phish.example)');
  });

  it('stays within the description and message limits with a long summary', () => {
    const payload = renderDiscordMessage({ ...toMessage(item({ summary: 'lorem ipsum '.repeat(1000), title: 'T'.repeat(300) }), 'F'.repeat(3000)), template: '{summary} — {title}' });
    const embed = onlyEmbed(payload);
    expect(embed.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    expect(embedTotal(embed)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    expect(embed.description).toMatch(/ipsum… — T{300}$/u);
  });
});
