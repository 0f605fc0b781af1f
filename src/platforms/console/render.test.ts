import { describe, expect, it } from 'vitest';
import type { Message } from '../../format/message.ts';
import { renderConsoleMessage } from './render.ts';

const base: Message = {
  title: 'Kafka 4.0 drops ZooKeeper',
  url: 'https://blog.example.org/posts/kafka-4',
  summary: 'KRaft is now the only mode.\n\nUpgrade notes follow.',
  author: 'Jane Doe',
  feedTitle: 'Example Blog',
  feedUrl: 'https://blog.example.org/feed.xml',
  timestamp: new Date('2025-03-18T09:30:00Z'),
  categories: ['kafka'],
};

describe('renderConsoleMessage', () => {
  it.each([
    {
      name: 'a full item',
      message: base,
      expected: [
        '[discord #news] Example Blog — Kafka 4.0 drops ZooKeeper',
        '  https://blog.example.org/posts/kafka-4',
        '  2025-03-18 09:30 UTC · by Jane Doe',
        '  KRaft is now the only mode. Upgrade notes follow.',
      ].join('\n'),
    },
    {
      name: 'no link, date, author or summary',
      message: { title: '(untitled)', summary: '', feedTitle: 'Example Blog', feedUrl: base.feedUrl, categories: [] },
      expected: '[discord #news] Example Blog — (untitled)',
    },
    {
      name: 'author without a date',
      message: { ...base, url: undefined, timestamp: undefined, summary: '' },
      expected: '[discord #news] Example Blog — Kafka 4.0 drops ZooKeeper\n  by Jane Doe',
    },
  ])('renders $name', ({ message, expected }) => {
    expect(renderConsoleMessage(message, 'discord #news')).toBe(expected);
  });

  it('cuts a long summary to about 300 characters at a word', () => {
    const output = renderConsoleMessage({ ...base, summary: 'streaming '.repeat(100) }, 'console');
    const summaryLine = output.split('\n').at(-1)!.trim();
    expect(summaryLine.length).toBeLessThanOrEqual(300);
    expect(summaryLine.length).toBeGreaterThan(280);
    expect(summaryLine.endsWith('streaming…')).toBe(true);
  });

  it('strips terminal control sequences and line breaks from feed text', () => {
    const output = renderConsoleMessage(
      { ...base, title: 'Red\u001b[31m alert\u0007', author: 'Eve\rMallory', summary: 'clear\u001b[2J screen' },
      'console',
    );
    expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u);
    expect(output.split('\n')).toHaveLength(4);
    expect(output).toContain('Red [31m alert');
    expect(output).toContain('by Eve Mallory');
  });
});
