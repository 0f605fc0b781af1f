/**
 * Hostile input through the command line, in-process (runCli) with captured output: every file of the shared
 * corpus through `herald inspect` ends with exit 0 and the feed, or exit 1 and one line; so do oversized, empty,
 * control-character and unicode-heavy arguments and rules. Never a stack trace, never a hang.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli.ts';

const CORPUS = fileURLToPath(new URL('../../shared/corpus', import.meta.url));
const cwd = mkdtempSync(path.join(tmpdir(), 'herald-hostile-cli-'));
writeFileSync(path.join(cwd, 'herald.yaml'), 'subscriptions: []\n');
const FEED = path.join(cwd, 'feed.xml');
writeFileSync(FEED, '<rss version="2.0"><channel><title>Feed</title><item><title>Rust 1.80 released</title><link>https://example.com/1</link></item></channel></rss>');
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function run(argv: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { HERALD_CONFIG: path.join(cwd, 'herald.yaml') },
    cwd,
  });
  return { code, stdout, stderr };
}

const STACK_FRAME = /\n\s+at |\bat (?:async )?\S+ \(.*:\d+:\d+\)/;

/** A finished command: 0 with output, 1 with one line, 2 with one line and the usage; never a stack. */
function expectCleanEnd(result: Awaited<ReturnType<typeof run>>, label: string): void {
  expect(result.stderr, label).not.toMatch(STACK_FRAME);
  expect(result.stdout, label).not.toMatch(STACK_FRAME);
  if (result.code === 0) return;
  expect([1, 2], label).toContain(result.code);
  const lines = result.stderr.split('\n');
  expect(lines[0], label).toMatch(/^herald( inspect)?: \S/);
  // A rule's syntax error is its one line and, below it, a caret under the fault.
  if (result.code === 1) expect(result.stderr, label).toMatch(/^[^\n]+\n(?: *\^ [^\n]+\n)?$/);
  else expect(lines[1], label).toMatch(/^Usage: herald inspect/);
}

function corpusFiles(): string[] {
  return readdirSync(CORPUS, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'SOURCES.md')
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

describe('herald inspect on the shared corpus', () => {
  it('ends every file with exit 0 or a one-line error', { timeout: 180_000 }, async () => {
    const files = corpusFiles();
    expect(files.length).toBeGreaterThan(4_000);
    const outcomes = { read: 0, refused: 0 };
    for (const file of files) {
      const result = await run(['inspect', file, '--rule', 'rust OR title:"release"']);
      expectCleanEnd(result, file);
      if (result.code === 0) outcomes.read += 1;
      else outcomes.refused += 1;
    }
    // Most of the corpus is feeds; the refusals are its HTML, its broken files and its non-feeds.
    expect(outcomes.read).toBeGreaterThan(files.length * 0.7);
  });
});

const ZALGO = 'Z̷̢̛̠̱̈́a̸̡̰͓̐l̶̺̓g̵̱̈́o̷̖͋';
const arguments_: Array<[string, string[]]> = [
  ['an empty target', ['inspect', '']],
  ['a blank target', ['inspect', '   ']],
  ['a 100,000-character target', ['inspect', 'x'.repeat(100_000)]],
  ['a 100,000-character URL', ['inspect', `https://example.invalid/${'a'.repeat(100_000)}`]],
  ['a target with control characters', ['inspect', 'feed\u0000\u0007\u001b[31m.xml']],
  ['a target with a newline', ['inspect', 'feed\n.xml']],
  ['a unicode-heavy target', ['inspect', `${ZALGO.repeat(200)}.xml`]],
  ['right-to-left and zero-width characters', ['inspect', '\u202efeed\u200b\u2066.xml']],
  ['a URL with a NUL', ['inspect', 'https://exa\u0000mple.com/feed']],
  ['a URL with an unknown scheme', ['inspect', 'gopher://example.com/feed']],
  ['an empty rule', ['inspect', FEED, '--rule', '']],
  ['a 100,000-character rule', ['inspect', FEED, '--rule', 'rust '.repeat(20_000)]],
  ['a rule of 5,000 nested brackets', ['inspect', FEED, '--rule', `${'('.repeat(5_000)}rust${')'.repeat(5_000)}`]],
  ['a rule of control characters', ['inspect', FEED, '--rule', '\u0000\u0001\u001b[2J\u007f']],
  ['a rule with a newline', ['inspect', FEED, '--rule', 'rust\nOR go']],
  ['a unicode-heavy rule', ['inspect', FEED, '--rule', `${ZALGO} OR 🦀🦀🦀 OR "\u202e"`]],
  ['a rule of unmatched quotes and operators', ['inspect', FEED, '--rule', '"""AND OR NOT ( ) -']],
  ['a rule of 2,000 ORs', ['inspect', FEED, '--rule', Array.from({ length: 2_000 }, (_, index) => `w${index}`).join(' OR ')]],
  ['a regular expression that backtracks', ['inspect', FEED, '--rule', 'title:/(a+)+$/']],
  ['a 100,000-character flag', ['inspect', FEED, `--${'r'.repeat(100_000)}`]],
  ['an empty flag', ['inspect', FEED, '--']],
];

describe('hostile command-line arguments and rules', () => {
  it.each(arguments_)('%s ends with exit 0 or a one-line error', async (label, argv) => {
    const result = await run(argv);
    expectCleanEnd(result, label);
    // What the person typed never comes back longer than a screen.
    expect(result.stderr.length, label).toBeLessThan(3_000);
  });
});
