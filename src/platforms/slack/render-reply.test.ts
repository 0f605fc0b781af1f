import { describe, expect, it } from 'vitest';
import { errorReply, reply } from '../../commands/reply.ts';
import type { Line } from '../../commands/reply.ts';
import { renderSlackReply, SLACK_REPLY_TEXT_LIMIT } from './render-reply.ts';

const text = (lines: readonly Line[]): string => renderSlackReply(reply(lines)).text;
const BROKEN_ENTITY = /&(?!amp;|lt;|gt;)/u;

describe('renderSlackReply', () => {
  it.each([
    { name: 'plain text is escaped', span: 'a < b & c > d', expected: 'a &lt; b &amp; c &gt; d' },
    { name: 'plain formatting characters are defused', span: '*not bold* _nor italic_', expected: '∗not bold∗ ˍnor italicˍ' },
    { name: 'bold', span: { bold: 'Tech & <News>' }, expected: '*Tech &amp; &lt;News&gt;*' },
    { name: 'code', span: { code: 'title ~ "a<b"' }, expected: '`title ~ "a&lt;b"`' },
    { name: 'code with a backtick inside', span: { code: 'ab`c' }, expected: '`abˋc`' },
    { name: 'link', span: { link: 'https://blog.test/feed?a=1&b=2', label: 'Blog & co' }, expected: '<https://blog.test/feed?a=1&amp;b=2|Blog &amp; co>' },
    { name: 'link whose URL would break out', span: { link: 'https://blog.test/a|b>c', label: 'x' }, expected: '<https://blog.test/a%7Cb%3Ec|x>' },
    { name: 'link that is not http(s)', span: { link: 'javascript:alert(1)', label: 'x' }, expected: 'x' },
    { name: 'channel', span: { channel: 'C0123ABCD' }, expected: '<#C0123ABCD>' },
    { name: 'channel that is not an id', span: { channel: 'general|x>' }, expected: '#general|x&gt;' },
    { name: 'preformatted', span: { preformatted: 'a > b\n  ^ ```here```' }, expected: '```\na &gt; b\n  ^ ˋˋˋhereˋˋˋ\n```' },
    { name: 'empty bold', span: { bold: '' }, expected: '' },
  ])('$name', ({ span, expected }) => {
    expect(text([[span]])).toBe(expected);
  });

  it('joins lines and spans, and answers ephemerally unless asked otherwise', () => {
    const lines: Line[] = [['✅ ', { channel: 'C1AB' }, ' follows ', { link: 'https://blog.test/feed', label: 'Blog' }, '.'], ['Next line']];
    expect(renderSlackReply(reply(lines))).toEqual({ text: '✅ <#C1AB> follows <https://blog.test/feed|Blog>.\nNext line', response_type: 'ephemeral' });
    expect(renderSlackReply(reply(lines, { ephemeral: false })).response_type).toBe('in_channel');
  });

  it('cannot ping with a hostile feed title anywhere in a reply', () => {
    const hostile = '<!here> <!channel> <@U1> <#C1> <!subteam^S1> @everyone';
    const rendered = text([[hostile, { bold: hostile }, { link: 'https://blog.test/feed', label: hostile }, { code: hostile }, { preformatted: hostile }]]);
    const withoutOwnLink = rendered.replace('<https://blog.test/feed|', '');
    expect(withoutOwnLink).not.toContain('<');
    expect(rendered).not.toMatch(/<[!@#]/u);
    expect(rendered.replace(/`[^`]*`/gu, '')).not.toMatch(/@everyone/u);
  });

  it('renders an error with a caret under the fault as one monospace block', () => {
    expect(text(errorReply('Unknown field "titel"\ntitel ~ "x"\n^').lines)).toBe('```\nUnknown field "titel"\ntitel ~ "x"\n^\n```');
  });

  it('cuts a long reply at a line and says how many lines were left out', () => {
    const lines = Array.from({ length: 200 }, (_, index): Line => [`${index} `, { bold: 'Feed & <news>' }, ' at ', { link: `https://blog.test/${index}`, label: 'x'.repeat(20) }]);
    const rendered = text(lines);
    expect(rendered.length).toBeLessThanOrEqual(SLACK_REPLY_TEXT_LIMIT);
    const match = /\n…and (\d+) more lines$/u.exec(rendered);
    expect(match).not.toBeNull();
    const shown = rendered.split('\n').length - 1;
    expect(shown).toBeGreaterThan(40);
    expect(shown + Number(match![1])).toBe(200);
    expect(rendered.split('\n')[shown - 1]).toBe(`${shown - 1} *Feed &amp; &lt;news&gt;* at <https://blog.test/${shown - 1}|${'x'.repeat(20)}>`);
  });

  it('cuts a single overlong line inside its span without breaking an entity, a link or a code block', () => {
    const long = text([['Rule: ', { preformatted: '<&>'.repeat(3000) }], ['after']]);
    expect(long.length).toBeLessThanOrEqual(SLACK_REPLY_TEXT_LIMIT);
    expect(long).toMatch(/^Rule: ```\n(&lt;|&amp;|&gt;)+…\n```\n…and 1 more line$/u);
    expect(long.length).toBeGreaterThan(SLACK_REPLY_TEXT_LIMIT - 50);

    const link = text([[{ link: 'https://blog.test/feed', label: 'a&b '.repeat(2000) }]]);
    expect(link.length).toBeLessThanOrEqual(SLACK_REPLY_TEXT_LIMIT);
    expect(link).toMatch(/^<https:\/\/blog\.test\/feed\|(a&amp;b )+a&amp;b…>$/u);
    expect(link).not.toMatch(BROKEN_ENTITY);
  });
});
