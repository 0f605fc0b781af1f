import { describe, expect, it } from 'vitest';
import { sampleItem } from '../../test/support/sample-item.ts';
import { toMessage } from './message.ts';
import type { Message } from './message.ts';
import { parseTemplate, renderTemplate, storedTemplate, templateProblem } from './template.ts';
import type { TemplateStyle } from './template.ts';

/** A style that marks each kind of part, so the tests see which text was treated how. */
const MARKED: TemplateStyle = {
  literal: (text) => text,
  text: (raw) => raw.replaceAll('*', '\\*'),
  link: (url) => `<${url}>`,
  date: (date) => date.toISOString().slice(0, 10),
};

function message(overrides: Partial<Message> = {}): Message {
  return { ...toMessage(sampleItem({ categories: ['kafka', 'streaming'] }), 'Example Blog'), ...overrides };
}

function render(source: string, overrides: Partial<Message> = {}, max = 4000): string {
  return renderTemplate(parseTemplate(source), message(overrides), MARKED, max);
}

describe('parseTemplate', () => {
  it('reads literal text, placeholders, lengths, doubled braces and \\n', () => {
    expect(parseTemplate('**{title}** {{x}}\\n{summary:200}').parts).toEqual([
      { kind: 'literal', text: '**' },
      { kind: 'placeholder', name: 'title' },
      { kind: 'literal', text: '** {x}\n' },
      { kind: 'placeholder', name: 'summary', max: 200 },
    ]);
  });

  it('accepts every documented placeholder, in any case', () => {
    expect(templateProblem('{title} {link} {summary} {summary:200} {author} {categories} {feed} {date} {TITLE}')).toBeUndefined();
  });

  it.each([
    ['{titel}', 'Unknown placeholder `{titel}` at character 1. Did you mean `{title}`?'],
    ['{sumary:100}', 'Did you mean `{summary}`?'],
    ['{cat}', 'Did you mean `{categories}`?'],
    ['{body}', 'Unknown placeholder `{body}` at character 1. Placeholders: {title}, {link}, {summary}, {author}, {categories}, {feed}, {date}.'],
    ['{}', 'has no name'],
    ['{title', 'The `{` at character 1 is never closed'],
    ['{title {link}', 'The `{` at character 1 is never closed'],
    ['{link:20}', '`{link}` cannot be shortened'],
    ['{summary:0}', 'the length must be a number of characters from 1 to 4096'],
    ['{summary:lots}', 'the length must be a number of characters from 1 to 4096'],
    ['x'.repeat(1001), 'The template is too long: 1001 characters, at most 1000.'],
  ])('refuses %s with a message that says why', (source, expected) => {
    expect(templateProblem(source)).toContain(expected);
  });

  it('gives no did-you-mean when nothing is close', () => {
    expect(templateProblem('{zzzzzz}')).not.toContain('Did you mean');
  });

  it('treats a stored template that no longer parses as the default layout', () => {
    expect(storedTemplate('{nope}')).toBeUndefined();
    expect(storedTemplate(undefined)).toBeUndefined();
    expect(storedTemplate('{title}')?.parts).toHaveLength(1);
  });
});

describe('renderTemplate', () => {
  it('fills each placeholder from the message', () => {
    expect(render('{title} by {author} in {feed} on {date} [{categories}] {link}: {summary}')).toBe(
      'Kafka 4.0 drops ZooKeeper by Jane Doe in Example Blog on 2025-03-18 [kafka, streaming] <https://blog.example.org/posts/kafka-4>: KRaft is now the only mode.',
    );
  });

  it('escapes the feed values with the style and leaves the literal text alone', () => {
    expect(render('**{title}**', { title: '**bold** claim' })).toBe('**\\*\\*bold\\*\\* claim**');
  });

  it('renders missing values as nothing, and trims what is left at the ends', () => {
    const { author: _author, url: _url, timestamp: _timestamp, ...bare } = message();
    expect(renderTemplate(parseTemplate('{author} {title} {link} {date}'), bare, MARKED, 100)).toBe('Kafka 4.0 drops ZooKeeper');
  });

  it('cuts {summary:N} to N characters at a word, with an ellipsis', () => {
    const summary = 'one two three four five six seven eight nine ten';
    const rendered = render('{summary:20}', { summary });
    expect(rendered.length).toBeLessThanOrEqual(20);
    expect(rendered).toBe('one two three four…');
  });

  it('stays within the limit by cutting the longest value and keeping short ones whole', () => {
    const summary = 'word '.repeat(2000).trim();
    const rendered = render('{author}: {summary} ({feed})', { summary }, 300);
    expect(rendered.length).toBeLessThanOrEqual(300);
    expect(rendered.startsWith('Jane Doe: word word')).toBe(true);
    expect(rendered.endsWith('… (Example Blog)')).toBe(true);
  });

  it('never cuts inside an escape when the escaped text is longer than the raw', () => {
    const rendered = render('{summary}', { summary: '*'.repeat(500) }, 101);
    expect(rendered.length).toBeLessThanOrEqual(101);
    expect(rendered).toMatch(/^(\\\*)+…$/u);
  });

  it('leaves out a link that cannot fit rather than cutting it', () => {
    expect(render('{title} {link}', {}, 40)).toBe('Kafka 4.0 drops ZooKeeper');
  });
});
