/**
 * What an operator's probes and Prometheus see: the real `herald start` process serves /healthz, /readyz and
 * /metrics on HERALD_HTTP_PORT, in console mode and with both platform adapters, and says clearly when the port
 * is taken.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator } from '../emulators/discord/server.ts';
import { makeRss } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { startSlackEmulator } from '../emulators/slack/server.ts';
import type { SlackEmulator } from '../emulators/slack/server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory, runHeraldToEnd, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

/** The base URL of the process's HTTP server, from its `HTTP listening` log line. */
async function httpBase(herald: HeraldProcess): Promise<string> {
  const line = await herald.waitForLine(/"msg":"HTTP listening"/, { stream: 'stderr' });
  const { port } = JSON.parse(line) as { port: number };
  return `http://127.0.0.1:${port}`;
}

async function readiness(base: string): Promise<{ status: number; body: { ready: boolean; checks: Record<string, string> } }> {
  const response = await fetch(`${base}/readyz`);
  return { status: response.status, body: (await response.json()) as { ready: boolean; checks: Record<string, string> } };
}

describe('operator HTTP in console mode', () => {
  let feeds: FeedServer;
  let work: ReturnType<typeof makeWorkDirectory>;
  let herald: HeraldProcess;
  let base: string;

  beforeAll(async () => {
    feeds = await startFeedServer();
    feeds.setFeed('/ops.xml', makeRss([{ guid: '1', title: 'Hello', link: 'https://ops.test/1', pubDate: new Date() }], { title: 'Ops Feed' }));
    work = makeWorkDirectory({ 'herald.yaml': `subscriptions:\n  - url: ${feeds.url('/ops.xml')}\n` });
    herald = await startHeraldProcess({ cwd: work.cwd, env: { HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true' } });
    base = await httpBase(herald);
  }, 60_000);

  afterAll(async () => {
    expect(await herald?.stop()).toBe(0);
    await feeds?.close();
    work?.remove();
  });

  it('is alive', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok\n');
  });

  it('is ready, with the store check listed', async () => {
    const { status, body } = await readiness(base);
    expect(status).toBe(200);
    expect(body.ready).toBe(true);
    expect(body.checks.store).toBe('ok');
  });

  it('serves Prometheus metrics that count its polls', async () => {
    const text = await waitUntil(async () => {
      const body = await (await fetch(`${base}/metrics`)).text();
      return /^herald_polls_total\{outcome="\w+"\} [1-9]/m.test(body) && body;
    }, 'a counted poll in /metrics');
    expect(text).toContain('# TYPE herald_polls_total counter');
    expect(text).toMatch(/^herald_fetch_duration_seconds_count [1-9]/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('answers 404 elsewhere', async () => {
    expect((await fetch(`${base}/slack/events`, { method: 'POST' })).status).toBe(404);
  });
});

describe('operator HTTP with Discord and Slack', () => {
  let discord: DiscordEmulator;
  let slack: SlackEmulator;
  let work: ReturnType<typeof makeWorkDirectory>;
  let herald: HeraldProcess;

  beforeAll(async () => {
    discord = await startDiscordEmulator();
    discord.addGuild({ id: '100000000000000009', name: 'Guild', channels: [{ id: '200000000000000009', name: 'news' }] });
    slack = await startSlackEmulator();
    work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
    herald = await startHeraldProcess({
      cwd: work.cwd,
      env: {
        DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: '100000000000000009',
        SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl,
      },
    });
  }, 60_000);

  afterAll(async () => {
    await herald?.stop();
    await discord?.close();
    await slack?.close();
    work?.remove();
  });

  it('is ready while both platforms are connected, and lists each', async () => {
    const { status, body } = await readiness(await httpBase(herald));
    expect(body.checks).toMatchObject({ discord: 'ok', slack: 'ok' });
    expect(status).toBe(200);
  });
});

describe('starting on a port that is taken', () => {
  it('says which port and why, and exits', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    const { port } = blocker.address() as { port: number };
    const work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
    try {
      const result = await runHeraldToEnd(['start'], work.cwd, { HERALD_HTTP_PORT: String(port) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`herald: Herald could not listen on port ${port} (HERALD_HTTP_PORT): the port is already in use by another program`);
    } finally {
      work.remove();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
