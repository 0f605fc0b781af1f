/**
 * The config file as code, as an operator meets it: Herald (a real `herald start`, console mode) reloads
 * herald.yaml when it is saved and on SIGHUP, without a restart; a kept feed keeps its seen set (nothing old is
 * printed again), an added one is polled, a removed one is no longer fetched, and a broken file is reported with its
 * lines while the running configuration stays. A rule that reads differently since OR binds tighter than a space is
 * warned about by check-config, start-up and reload alike, and taken. The file's loopback feeds and file: feeds need no
 * HERALD_ALLOW_PRIVATE_URLS: the file is the operator's.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRss } from '../emulators/feed-documents.ts';
import type { TestItem } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory, runHeraldToEnd, startHeraldProcess } from './herald-process.ts';

let feeds: FeedServer;
beforeAll(async () => {
  feeds = await startFeedServer();
});
afterAll(async () => {
  await feeds.close();
});

const item = (guid: string, title: string, minutesAgo = 0): TestItem => ({
  guid, title, link: `https://blog.test/${guid}`, description: `All about ${title}`, pubDate: new Date(Date.now() - minutesAgo * 60_000),
});

/** Generous: a cold start and a poll take long on a loaded machine; no assertion depends on it. */
const LOADED_MS = 60_000;

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('config file reload (console mode)', () => {
  it('applies a saved file without a restart, keeps a kept feed\'s state, reports a broken file and reloads on SIGHUP', async () => {
    const alpha = [item('a1', 'Kafka basics', 60), item('a2', 'Gardening', 50)];
    feeds.setFeed('/alpha.xml', makeRss(alpha, { title: 'Alpha Feed' }));
    feeds.setFeed('/beta.xml', makeRss([item('b1', 'Kafka in beta, old', 40)], { title: 'Beta Feed' }));
    const alphaEntry = [`  - url: ${feeds.url('/alpha.xml')}`, '    rule: kafka', '    name: alpha'];
    // Its rule reads differently since OR binds tighter than a space: the reload that adds it warns so.
    const betaEntry = [`  - url: ${feeds.url('/beta.xml')}`, '    name: beta', '    rule: beta OR news -sponsored'];
    const work = makeWorkDirectory({ 'herald.yaml': ['subscriptions:', ...alphaEntry, ''].join('\n') });
    const configPath = path.join(work.cwd, 'herald.yaml');
    // No HERALD_ALLOW_PRIVATE_URLS: the feed server is on 127.0.0.1, allowed because the file names it.
    const herald = await startHeraldProcess({ cwd: work.cwd, env: { HERALD_POLL_INTERVAL: '1', HERALD_STORE: 'sqlite://data/herald.sqlite' }, readyTimeoutMs: LOADED_MS });
    try {
      await herald.waitForLine(/watching 1 feed;/, { stream: 'stdout', timeoutMs: LOADED_MS });
      await herald.waitForLine(/✓ Alpha Feed .*: 2 items now, not printed/, { stream: 'stdout', timeoutMs: LOADED_MS });

      // Saved with a second feed (and the first one's rule widened): applied without a restart.
      writeFileSync(configPath, ['subscriptions:', ...alphaEntry.slice(0, 1), '    rule: kafka OR gardening', '    name: alpha', ...betaEntry, ''].join('\n'));
      await herald.waitForLine(/config file reloaded.*"added":1.*"changed":1/, { stream: 'stderr', timeoutMs: LOADED_MS });
      expect(herald.stderr()).toMatch(/"level":"warn".*herald\.yaml:7: subscriptions\[1\]\.rule now reads `\(beta OR news\) -sponsored` .*where it read `beta OR \(news -sponsored\)` before/);
      await herald.waitForLine(/now watches 2 feeds/, { stream: 'stdout', timeoutMs: LOADED_MS });
      await herald.waitForLine(/✓ Beta Feed .*: 1 items now, not printed/, { stream: 'stdout', timeoutMs: LOADED_MS });
      // The kept feed's seen set survived: its old items, now matching the wider rule, are not printed.
      const alphaPolls = feeds.requestsTo('/alpha.xml');
      await waitUntil(() => feeds.requestsTo('/alpha.xml') >= alphaPolls + 2, 'two more polls of alpha', LOADED_MS);
      expect(herald.stdout()).not.toMatch(/Kafka basics|Gardening|Kafka in beta, old/);

      feeds.setFeed('/alpha.xml', makeRss([item('a3', 'Kafka Streams deep dive'), ...alpha], { title: 'Alpha Feed' }));
      feeds.setFeed('/beta.xml', makeRss([item('b2', 'Beta news'), item('b1', 'Kafka in beta, old', 40)], { title: 'Beta Feed' }));
      await herald.waitForLine(/Alpha Feed — Kafka Streams deep dive/, { stream: 'stdout', timeoutMs: LOADED_MS });
      await herald.waitForLine(/Beta Feed — Beta news/, { stream: 'stdout', timeoutMs: LOADED_MS });

      // A broken file: every problem with its line, and the running configuration stays.
      writeFileSync(configPath, ['subscriptions:', `  - url: ${feeds.url('/alpha.xml')}`, '    rule: "kafka AND"', '  - urll: x', ''].join('\n'));
      await herald.waitForLine(/the config file has problems; Herald keeps running/, { stream: 'stderr', timeoutMs: LOADED_MS });
      await herald.waitForLine(/herald\.yaml: subscriptions\[0\]\.rule: .*\(line 3\)/, { stream: 'stderr', timeoutMs: LOADED_MS });
      await herald.waitForLine(/herald\.yaml: subscriptions\[1\]\.urll: unknown key; did you mean \\"url\\"\? \(line 4\)/, { stream: 'stderr', timeoutMs: LOADED_MS });
      feeds.setFeed('/beta.xml', makeRss([item('b3', 'Beta still watched'), item('b2', 'Beta news'), item('b1', 'Kafka in beta, old', 40)], { title: 'Beta Feed' }));
      await herald.waitForLine(/Beta Feed — Beta still watched/, { stream: 'stdout', timeoutMs: LOADED_MS });

      // Fixed, with alpha removed: alpha is fetched no more and nothing of it is printed.
      writeFileSync(configPath, ['subscriptions:', ...betaEntry, ''].join('\n'));
      await herald.waitForLine(/config file reloaded.*"removed":1/, { stream: 'stderr', timeoutMs: LOADED_MS });
      await herald.waitForLine(/now watches 1 feed:/, { stream: 'stdout', timeoutMs: LOADED_MS });
      const betaPolls = feeds.requestsTo('/beta.xml');
      await waitUntil(() => feeds.requestsTo('/beta.xml') >= betaPolls + 1, 'a poll of beta after the reload', LOADED_MS);
      const alphaAfter = feeds.requestsTo('/alpha.xml');
      feeds.setFeed('/alpha.xml', makeRss([item('a4', 'Kafka after removal'), item('a3', 'Kafka Streams deep dive'), ...alpha], { title: 'Alpha Feed' }));
      await waitUntil(() => feeds.requestsTo('/beta.xml') >= betaPolls + 3, 'three polls of beta', LOADED_MS);
      expect(feeds.requestsTo('/alpha.xml')).toBe(alphaAfter);
      expect(herald.stdout()).not.toContain('Kafka after removal');

      // SIGHUP reloads (and does not stop Herald); nothing changed, so nothing is added or removed.
      herald.signal('SIGHUP');
      await herald.waitForLine(/config file reloaded.*"added":0.*"changed":0.*"removed":0.*"reason":"SIGHUP"/, { stream: 'stderr', timeoutMs: LOADED_MS });
      expect(count(herald.stdout(), 'Alpha Feed — Kafka Streams deep dive')).toBe(1);
      expect(count(herald.stdout(), 'Beta Feed — Beta news')).toBe(1);
    } finally {
      expect(await herald.stop()).toBe(0);
      work.remove();
    }
  }, 300_000);

  it('watches a file: feed and agrees with check-config about the file', async () => {
    const work = makeWorkDirectory({ 'local.xml': makeRss([item('f1', 'Local old', 30)], { title: 'Local File Feed' }) });
    const feedUrl = pathToFileURL(path.join(work.cwd, 'local.xml')).href;
    // A rule that reads differently since OR binds tighter than a space: both warn about it, and both take the file.
    const changedRule = 'kafka OR "event streaming" -title:sponsored';
    writeFileSync(path.join(work.cwd, 'herald.yaml'), ['subscriptions:', `  - url: ${feedUrl}`, `  - url: ${feeds.url('/check.xml')}`, `    rule: ${changedRule}`, ''].join('\n'));
    feeds.setFeed('/check.xml', makeRss([], { title: 'Check Feed' }));
    const precedenceWarning = /herald\.yaml:4: subscriptions\[1\]\.rule now reads `\(kafka OR \\?"event streaming\\?"\) -title:sponsored` \(OR binds tighter than a space\), where it read `kafka OR \(\\?"event streaming\\?" -title:sponsored\)` before; to keep the old meaning write/;
    try {
      const checked = await runHeraldToEnd(['check-config'], work.cwd);
      expect(checked.stdout).toMatch(/herald\.yaml is valid: 2 subscriptions \(2 watched with this environment\)/);
      expect(checked.stderr).toMatch(new RegExp(`^warning: ${precedenceWarning.source}`, 'm'));
      expect(checked.code).toBe(0);

      const herald = await startHeraldProcess({ cwd: work.cwd, env: { HERALD_POLL_INTERVAL: '1', HERALD_STORE: 'sqlite://data/herald.sqlite' }, readyTimeoutMs: LOADED_MS });
      try {
        await herald.waitForLine(new RegExp(`"level":"warn".*${precedenceWarning.source}`), { stream: 'stderr', timeoutMs: LOADED_MS });
        await herald.waitForLine(/✓ Local File Feed .*: 1 items now, not printed/, { stream: 'stdout', timeoutMs: LOADED_MS });
        writeFileSync(path.join(work.cwd, 'local.xml'), makeRss([item('f2', 'Local new'), item('f1', 'Local old', 30)], { title: 'Local File Feed' }));
        await herald.waitForLine(/Local File Feed — Local new/, { stream: 'stdout', timeoutMs: LOADED_MS });
        expect(herald.stdout()).not.toContain('Local old');
      } finally {
        expect(await herald.stop()).toBe(0);
      }

      // A store start cannot open is refused by check-config too.
      const badStore = await runHeraldToEnd(['check-config'], work.cwd, { HERALD_STORE: 'redis://127.0.0.1:6379' });
      expect(badStore.code).toBe(1);
      expect(badStore.stderr).toMatch(/HERALD_STORE: must be sqlite:\/\/path \(a file\) or postgres:\/\/user@host\/database/);
    } finally {
      work.remove();
    }
  }, 240_000);
});
