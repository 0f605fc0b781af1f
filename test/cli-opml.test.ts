/**
 * `herald opml import` and `herald opml export`, in-process against a feed server: a feed reader's list becomes
 * subscriptions with a progress line per feed, already-followed feeds are skipped, a failing one fails the run,
 * and the export gives the same feeds back with their rules.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOpml } from '../src/feeds/opml.ts';
import { runCli } from '../src/run-cli.ts';
import { openStore } from '../src/store/open-store.ts';
import { makeRss } from './emulators/feed-documents.ts';
import { startFeedServer } from './emulators/feed-server.ts';
import type { FeedServer } from './emulators/feed-server.ts';

let feeds: FeedServer;
const cwd = mkdtempSync(path.join(tmpdir(), 'herald-opml-'));
writeFileSync(path.join(cwd, 'herald.yaml'), 'subscriptions: []\n');
const env = { HERALD_CONFIG: path.join(cwd, 'herald.yaml'), HERALD_STORE: 'sqlite://data/herald.sqlite', HERALD_ALLOW_PRIVATE_URLS: 'true' };

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.setFeed('/kafka.xml', makeRss([{ guid: 'k1', title: 'Kafka 4', link: 'https://k.test/1', pubDate: new Date() }], { title: 'Kafka Weekly' }));
  feeds.setFeed('/cooking.xml', makeRss([{ guid: 'c1', title: 'Bread', link: 'https://c.test/1', pubDate: new Date() }, { guid: 'c2', title: 'Soup', link: 'https://c.test/2', pubDate: new Date() }], { title: 'Cooking & Co' }));
});
afterAll(async () => {
  await feeds.close();
  rmSync(cwd, { recursive: true, force: true });
});

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env, cwd });
  return { code, stdout, stderr };
}

function readerExport(): string {
  return `<?xml version="1.0"?>
<opml version="2.0" xmlns:herald="https://github.com/herald-bot/herald/opml">
  <head><title>Exported from a reader</title></head>
  <body>
    <outline text="Streaming">
      <outline type="rss" text="Kafka Weekly" xmlUrl="${feeds.url('/kafka.xml')}" herald:rule="kafka -sponsored"/>
    </outline>
    <outline type="rss" text="Cooking &amp; Co" xmlUrl="${feeds.url('/cooking.xml')}"/>
    <outline type="rss" text="Gone" xmlUrl="${feeds.url('/missing.xml')}"/>
  </body>
</opml>`;
}

describe('herald opml import', () => {
  it('subscribes the channel to each feed with a progress line, fails the run for a feed it cannot add, and skips followed ones on a rerun', async () => {
    writeFileSync(path.join(cwd, 'list.opml'), readerExport());
    const args = ['opml', 'import', 'list.opml', '--platform', 'discord', '--workspace', 'G1', '--channel', '111', '--rule', 'bread OR soup'];
    const first = await run(args);
    expect(first.stdout).toMatch(/^\[1\/3\] added Kafka Weekly \(\w+\)$/m);
    expect(first.stdout).toMatch(/^\[2\/3\] added Cooking & Co \(\w+\)$/m);
    expect(first.stdout).toMatch(/^\[3\/3\] failed: Gone <http:\/\/127\.0\.0\.1:\d+\/missing\.xml>: .*404/m);
    expect(first.stdout).toMatch(/^2 added, 0 skipped \(already followed\), 1 failed of 3 feeds\.$/m);
    expect(first.code).toBe(1);

    const store = await openStore(env.HERALD_STORE, { cwd });
    const stored = await store.subscriptions.listByWorkspace('discord', 'G1', '111');
    await store.close();
    expect(stored.map(({ feedTitle, rule, createdBy }) => ({ feedTitle, rule, createdBy }))).toEqual([
      { feedTitle: 'Kafka Weekly', rule: 'kafka -sponsored', createdBy: 'herald opml import' },
      { feedTitle: 'Cooking & Co', rule: 'bread OR soup', createdBy: 'herald opml import' },
    ]);

    feeds.setFeed('/missing.xml', makeRss([], { title: 'Gone' }));
    const again = await run(args);
    expect(again.stdout).toMatch(/^\[1\/3\] skipped Kafka Weekly: This channel already follows Kafka Weekly/m);
    expect(again.stdout).toMatch(/^1 added, 2 skipped \(already followed\), 0 failed of 3 feeds\.$/m);
    expect(again.code).toBe(0);

    const exported = await run(['opml', 'export', '--platform', 'discord', '--workspace', 'G1', '--channel', '111']);
    expect(exported.code).toBe(0);
    const list = parseOpml(exported.stdout);
    expect(list.feeds.map(({ xmlUrl, title, rule }) => ({ xmlUrl, title, rule }))).toEqual([
      { xmlUrl: feeds.url('/kafka.xml'), title: 'Kafka Weekly', rule: 'kafka -sponsored' },
      { xmlUrl: feeds.url('/cooking.xml'), title: 'Cooking & Co', rule: 'bread OR soup' },
      { xmlUrl: feeds.url('/missing.xml'), title: 'Gone', rule: 'bread OR soup' },
    ]);
  }, 30_000);

  it.each([
    [['opml'], /^herald opml: say import or export\n/],
    [['opml', 'import'], /^herald opml: name the OPML file to import\n/],
    [['opml', 'import', 'list.opml', '--platform', 'discord'], /needs --platform, --workspace and --channel/],
    [['opml', 'import', 'list.opml', '--platform', 'console', '--workspace', 'w', '--channel', 'c'], /console subscriptions come from the config file/],
    [['opml', 'import', 'list.opml', '--platfrom', 'discord'], /Unknown option '--platfrom'/],
    [['opml', 'export'], /export needs --platform and --workspace/],
  ])('refuses %j with one line and the usage', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^Usage: herald opml import <file>/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says clearly when the file is missing or is not OPML', async () => {
    const missing = await run(['opml', 'import', 'nope.opml', '--platform', 'slack', '--workspace', 'T1', '--channel', 'C1']);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/^herald: the file nope\.opml does not exist/) });
    writeFileSync(path.join(cwd, 'feed.xml'), makeRss([], { title: 'A feed, not a list' }));
    const notOpml = await run(['opml', 'import', 'feed.xml', '--platform', 'slack', '--workspace', 'T1', '--channel', 'C1']);
    expect(notOpml).toMatchObject({ code: 1, stderr: expect.stringMatching(/^herald: not a usable OPML file: its root element is <rss>, not <opml>\n$/) });
  });

  it('prints its usage with --help and in help', async () => {
    expect((await run(['opml', '--help'])).stdout).toMatch(/^Usage: herald opml import/);
    expect((await run(['help'])).stdout).toMatch(/opml import <file>/);
  });
});
