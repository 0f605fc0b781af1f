/**
 * The command line as a newcomer meets it, called in-process (runCli) with captured output: usage errors
 * are one line and the command's usage, never a stack trace; --version, help <command>, did-you-mean;
 * a missing file is called missing; an unreachable Discord API is named with the variable to check.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli.ts';

const cwd = mkdtempSync(path.join(tmpdir(), 'herald-cli-'));
writeFileSync(path.join(cwd, 'herald.yaml'), 'subscriptions: []\n');
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { HERALD_CONFIG: path.join(cwd, 'herald.yaml'), ...env },
    cwd,
  });
  return { code, stdout, stderr };
}

const INSPECT_USAGE = /^Usage: herald inspect <url\|file> \[--rule EXPR\] \[--template T\] \[--json\]$/m;

describe('a rule error', () => {
  it.each([
    ['kafka OR (rust', '('],
    ['title:/a(?=b)/ x', '('],
    ['rust AND', 'AND'],
  ])('puts the caret under the fault of %j', async (rule, fault) => {
    writeFileSync(path.join(cwd, 'one.xml'), '<rss><channel><title>t</title><item><title>a</title><guid>1</guid></item></channel></rss>');
    const result = await run(['inspect', 'one.xml', '--rule', rule]);
    expect(result.code).toBe(1);
    const [first, caretLine] = result.stderr.split('\n');
    const column = caretLine!.indexOf('^');
    const ruleStart = first!.lastIndexOf(rule);
    expect(column).toBeGreaterThanOrEqual(ruleStart);
    expect(first!.slice(column)).toMatch(new RegExp(`^${fault.replace(/[()]/g, '\\$&')}`));
  });
});

describe('usage errors', () => {
  it.each([
    [['inspect', 'feed.xml', '--rule'], /^herald inspect: Option '--rule <value>' argument missing\n/],
    [['inspect', 'feed.xml', '--frobnicate'], /^herald inspect: Unknown option '--frobnicate'/],
    [['inspect'], /^herald inspect: name a feed URL or file\n/],
  ])('%j prints one line and the usage, exit 2', async (argv, first) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(first);
    expect(result.stderr).toMatch(INSPECT_USAGE);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr.split('\n')[0]).not.toMatch(/TypeError|ERR_PARSE_ARGS/);
  });

  it('rejects flags a command does not take', async () => {
    const result = await run(['check-config', '--verbose']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^herald check-config: Unknown option '--verbose'.*\nUsage: herald check-config\n/);
  });
});

describe('help, --version and did-you-mean', () => {
  it('prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `herald ${version}\n`, stderr: '' });
  });

  it('prints one command\'s usage for help <command> and <command> --help', async () => {
    for (const argv of [['help', 'inspect'], ['inspect', '--help'], ['inspect', '-h']]) {
      const result = await run(argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(INSPECT_USAGE);
      expect(result.stdout).toMatch(/--rule EXPR/);
    }
    expect((await run(['help', 'slack:manifest'])).stdout).toMatch(/^Usage: herald slack:manifest/);
  });

  it('suggests the command meant', async () => {
    const result = await run(['inspcet', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^herald: unknown command "inspcet"; did you mean "inspect"\?\n/);
    expect((await run(['help', 'check-confg'])).stderr).toMatch(/did you mean "check-config"\?/);
  });
});

describe('inspect: file or URL', () => {
  it.each(['tmp/feed.xml', './feed.xml', 'feed.xml', 'file:///nowhere/feed.xml'])('%s that does not exist is called a missing file', async (target) => {
    const result = await run(['inspect', target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^herald: the file ${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} does not exist`));
    expect(result.stderr).not.toMatch(/server|ENOTFOUND/);
  });

  it('asks for the scheme of a host name without one rather than guessing', async () => {
    const result = await run(['inspect', 'example.org/feed']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('herald: example.org/feed is neither a file here nor a URL: to fetch it, write the scheme, as in https://example.org/feed\n');
  });
});

describe('discord:register', () => {
  it('names the API it could not reach and the variable to check, in one line', async () => {
    const result = await run(['discord:register'], { DISCORD_TOKEN: 'x.y.z', DISCORD_API_URL: 'http://127.0.0.1:9/api', LOG_LEVEL: 'error' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^herald: could not reach the Discord API at http:\/\/127\.0\.0\.1:9\/api \(ECONNREFUSED\): check DISCORD_API_URL\.\n$/);
  });
});

describe('herald inspect --template', () => {
  const feedFile = path.join(cwd, 'templated.xml');
  writeFileSync(
    feedFile,
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Night Desk</title><link>https://news.test/</link>' +
      '<item><title>Night shift</title><link>https://news.test/night</link><author>ada@news.test (Ada)</author><description>A long summary of the night shift at the desk</description></item>' +
      '</channel></rss>',
  );

  it('shows each item laid out by the template', async () => {
    const result = await run(['inspect', feedFile, '--template', '{title} ({feed})\\n{summary:20}']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('template: {title} ({feed})\\n{summary:20}');
    expect(result.stdout).toContain('   posted as:  Night shift (Night Desk)\n               A long summary of…');
  });

  it('refuses an unknown placeholder with a did-you-mean', async () => {
    const result = await run(['inspect', feedFile, '--template', '{feeed}']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Did you mean `{feed}`?');
  });
});
