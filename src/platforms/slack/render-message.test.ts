import { describe, expect, it } from 'vitest';
import type { Item } from '../../feeds/item.ts';
import { toMessage } from '../../format/message.ts';
import { SAMPLE_POST_URL, sampleItem } from '../../../test/support/sample-item.ts';
import type { Message } from '../../format/message.ts';
import { renderSlackMessage, SLACK_LIMITS } from './render-message.ts';
import type { SlackContextBlock, SlackMessagePayload, SlackSectionBlock } from './render-message.ts';

const POST_URL = SAMPLE_POST_URL;
const DATE_TOKEN = /<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>]*>/gu;
const HOSTILE = '<!channel> & <@U123> <#C1> <https://evil.test|click> <!here> <!everyone> <!subteam^S1>';

const item = sampleItem;

function render(overrides: Partial<Item> = {}, feedTitle = 'Example Blog'): SlackMessagePayload {
  return renderSlackMessage(toMessage(item(overrides), feedTitle));
}

function message(overrides: Partial<Message> = {}): Message {
  return { ...toMessage(item(), 'Example Blog'), ...overrides };
}

function section(payload: SlackMessagePayload): SlackSectionBlock {
  const block = payload.blocks[0];
  expect(block?.type).toBe('section');
  return block as SlackSectionBlock;
}

function contextText(payload: SlackMessagePayload): string | undefined {
  const block = payload.blocks.find((candidate): candidate is SlackContextBlock => candidate.type === 'context');
  return block?.elements.map((element) => element.text).join('');
}

/** Every mrkdwn text Slack parses in the payload. */
function parsedTexts(payload: SlackMessagePayload): string[] {
  return [payload.text, section(payload).text.text, contextText(payload) ?? ''];
}

/** An `&` that does not start one of the three entities Slack decodes: a cut escape. */
const BROKEN_ENTITY = /&(?!amp;|lt;|gt;)/u;

describe('renderSlackMessage', () => {
  it('renders a normal item as a linked title, summary, image and context line', () => {
    expect(render()).toEqual({
      text: `Kafka 4.0 drops ZooKeeper — ${POST_URL}`,
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `*<${POST_URL}|Kafka 4.0 drops ZooKeeper>*\nKRaft is now the only mode.`, verbatim: true },
          accessory: { type: 'image', image_url: 'https://cdn.example.org/kafka.png', alt_text: 'Kafka 4.0 drops ZooKeeper' },
        },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: 'Example Blog · Jane Doe · <!date^1742290200^{date_short_pretty} {time}|2025-03-18 09:30 UTC>', verbatim: true },
          ],
        },
      ],
      unfurl_links: false,
      unfurl_media: false,
      link_names: false,
      parse: 'none',
    });
  });

  it('lets no mention, broadcast, channel or link from feed text survive anywhere', () => {
    const payload = render({ title: HOSTILE, summary: `Hey ${HOSTILE}`, author: HOSTILE }, HOSTILE);
    for (const text of parsedTexts(payload)) {
      const withoutOwnTokens = text.replace(`<${POST_URL}|`, '').replace(DATE_TOKEN, '');
      expect(withoutOwnTokens).not.toMatch(/<[!@#]/u);
      expect(withoutOwnTokens).not.toContain('<');
      expect(text).not.toMatch(BROKEN_ENTITY);
    }
    expect(section(payload).text.text).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
    expect(section(payload).accessory?.alt_text).not.toContain('<');
  });

  it('defuses bare broadcast words in case a client ever parses the text', () => {
    const { text } = section(render({ summary: 'Ping @channel and @HERE, not @everyone.' })).text;
    expect(text).not.toMatch(/@(channel|here|everyone)/iu);
    expect(text.replaceAll('\u2060', '')).toContain('Ping @channel and @HERE, not @everyone.');
  });

  it('shows formatting characters as written instead of formatting with them', () => {
    const title = '*Breaking* _news_ ~old~ `code` ```block```';
    const payload = render({ title, summary: `${title} in snake_case_name with :white_check_mark: at https://x.test/a_b/*c*?q=_d_` });
    const sectionText = section(payload).text.text;
    // Every marker at a word edge becomes a look-alike; Slack has no escape, and these read the same.
    expect(sectionText).toContain('∗Breaking∗ ˍnewsˍ ∼old∼ ˋcodeˋ ˋˋˋblockˋˋˋ');
    expect(sectionText.split('\n')[0]).toBe(`*<${POST_URL}|∗Breaking∗ ˍnewsˍ ∼old∼ ˋcodeˋ ˋˋˋblockˋˋˋ>*`);
    // Markers inside a word are inert in Slack and stay; so does a bare URL, which must stay copyable.
    expect(sectionText).toContain('snake_case_name with :white_check_mark:');
    expect(sectionText).toContain('https://x.test/a_b/*c*?q=_d_');
    expect(payload.text.startsWith('∗Breaking∗ ˍnewsˍ')).toBe(true);
  });

  it('cuts a huge summary full of escapes to the section limit without breaking an entity', () => {
    const summary = Array.from({ length: 2500 }, (_, index) => (index % 3 === 0 ? 'R&D' : '<&>')).join(' ');
    expect(summary.length).toBeGreaterThan(9_000);
    const text = section(render({ summary })).text.text;
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(text.length).toBeGreaterThan(SLACK_LIMITS.sectionText - 100);
    expect(text).not.toMatch(BROKEN_ENTITY);
    expect(text.startsWith(`*<${POST_URL}|Kafka 4.0 drops ZooKeeper>*\n`)).toBe(true);
    expect(text.endsWith('…')).toBe(true);
  });

  it('cuts an overlong title too, keeping the link, and keeps every text within its limit', () => {
    const payload = render({ title: `Big & ${'word '.repeat(2000)}`, summary: 'summary', author: 'A&'.repeat(3000) }, 'F<'.repeat(3000));
    const sectionText = section(payload).text.text;
    expect(sectionText.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(sectionText).toMatch(new RegExp(`^\\*<${POST_URL.replaceAll('.', '\\.')}\\|Big &amp; word .*…>\\*$`, 'u'));
    expect(sectionText).not.toContain('\n');
    expect(contextText(payload)!.length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
    expect(contextText(payload)).toMatch(DATE_TOKEN);
    expect(payload.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    expect(payload.text.endsWith(` — ${POST_URL}`)).toBe(true);
    expect(section(payload).accessory!.alt_text.length).toBeLessThanOrEqual(SLACK_LIMITS.altText);
    for (const text of parsedTexts(payload)) expect(text).not.toMatch(BROKEN_ENTITY);
  });

  it('leaves the image out when there is none', () => {
    expect(section(render({ image: undefined })).accessory).toBeUndefined();
  });

  it('shows a bold title without a link when the item has none', () => {
    const payload = render({ link: undefined });
    expect(section(payload).text.text).toBe('*Kafka 4.0 drops ZooKeeper*\nKRaft is now the only mode.');
    expect(payload.text).toBe('Kafka 4.0 drops ZooKeeper');
  });

  it('keeps a URL from breaking out of its link and never links anything but http(s)', () => {
    const broken = section(renderSlackMessage(message({ url: 'https://evil.test/a|b>c d&e=1' }))).text.text;
    expect(broken.split('\n')[0]).toBe('*<https://evil.test/a%7Cb%3Ec%20d&amp;e=1|Kafka 4.0 drops ZooKeeper>*');
    const script = renderSlackMessage(message({ url: 'javascript:alert(1)', imageUrl: 'data:image/png;base64,AA' }));
    expect(section(script).text.text.split('\n')[0]).toBe('*Kafka 4.0 drops ZooKeeper*');
    expect(section(script).accessory).toBeUndefined();
    expect(script.text).toBe('Kafka 4.0 drops ZooKeeper');
  });

  it('keeps emoji and non-Latin text intact', () => {
    const title = 'Ünïcödé 日本語のニュース 🚀 новости';
    const summary = 'مرحبا بالعالم 👨‍👩‍👧‍👦 🇫🇷';
    const payload = render({ title, summary, author: 'Zoë 李' }, 'Блог ✨');
    expect(section(payload).text.text).toBe(`*<${POST_URL}|${title}>*\n${summary}`);
    expect(contextText(payload)).toMatch(/^Блог ✨ · Zoë 李 · <!date\^/u);
    expect(payload.text).toBe(`${title} — ${POST_URL}`);
  });

  it('shows the context without a date when the item has none, and a plain UTC date before 1970', () => {
    expect(contextText(render({ published: undefined }))).toBe('Example Blog · Jane Doe');
    expect(contextText(render({ author: undefined, published: new Date('1969-07-20T20:17:00Z') }))).toBe('Example Blog · 1969-07-20 20:17 UTC');
  });
});

describe('renderSlackMessage with a template', () => {
  it('puts the filled template under the bold linked title and keeps the context line', () => {
    const payload = renderSlackMessage(message({ template: '*{author}*: {summary:200} {link}' }));
    expect(section(payload).text.text).toBe(`*<${POST_URL}|Kafka 4.0 drops ZooKeeper>*\n*Jane Doe*: KRaft is now the only mode. <${POST_URL}>`);
    expect(contextText(payload)).toContain('Example Blog');
  });

  it('shows {date} as a Slack date token', () => {
    expect(section(renderSlackMessage(message({ template: 'on {date}' }))).text.text).toMatch(/\non <!date\^1742290200\^\{date_short_pretty\} \{time\}\|2025-03-18 09:30 UTC>$/u);
  });

  it('keeps hostile feed text from pinging, linking or formatting', () => {
    const text = section(renderSlackMessage(message({ template: '{title} {summary} {author}', title: `*${HOSTILE}*`, summary: HOSTILE, author: '_@channel_' }))).text.text;
    const body = text.split('\n').slice(1).join('\n');
    expect(body).not.toMatch(/<[!@#]/u);
    expect(body).not.toContain('<https://evil');
    expect(body).not.toMatch(/(^|\s)[*_]\S/u);
  });

  it("escapes Slack's control characters in the template's own text, so it cannot write <!channel> either", () => {
    const text = section(renderSlackMessage(message({ template: '<!channel> *{title}*' }))).text.text;
    expect(text).toContain('\n&lt;!channel&gt; *Kafka 4.0 drops ZooKeeper*');
  });

  it('keeps the section within 3000 characters', () => {
    const text = section(renderSlackMessage(message({ template: '{summary} & {summary}', summary: '<&> '.repeat(3000) }))).text.text;
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/u);
  });
});
