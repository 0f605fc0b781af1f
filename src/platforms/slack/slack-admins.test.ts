import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSlackEmulator } from '../../../test/emulators/slack/server.ts';
import type { EmulatorOptions, SlackEmulator } from '../../../test/emulators/slack/server.ts';
import { silentLogger } from '../../../test/emulators/slack/silent-logger.ts';
import { HeraldError } from '../../errors.ts';
import { createSilentLogger } from '../../log.ts';
import { openCache } from '../../store/cache.ts';
import { SlackAdmins } from './slack-admins.ts';

let slack: SlackEmulator | undefined;

async function setUp(options: EmulatorOptions = {}, configured: string[] = []) {
  slack = await startSlackEmulator(options);
  slack.addUser({ id: 'U0ADMIN', name: 'ada', isAdmin: true });
  slack.addUser({ id: 'U0OWNER', name: 'olu', isOwner: true });
  slack.addUser({ id: 'U0MEMBER', name: 'mel' });
  slack.addUser({ id: 'U0GONE', name: 'gus', isAdmin: true, deleted: true });
  const client = new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: silentLogger() });
  return { slack, admins: new SlackAdmins(client, configured, openCache(undefined, createSilentLogger())) };
}

afterEach(async () => {
  vi.useRealTimers();
  await slack?.close();
  slack = undefined;
});

describe('SlackAdmins', () => {
  it("lets the workspace's admins and owners manage, not members or deactivated accounts", async () => {
    const { admins } = await setUp();
    expect(await admins.canManage('T1', 'U0ADMIN')).toBe(true);
    expect(await admins.canManage('T1', 'U0OWNER')).toBe(true);
    expect(await admins.canManage('T1', 'U0MEMBER')).toBe(false);
    expect(await admins.canManage('T1', 'U0GONE')).toBe(false);
  });

  it('lets members listed in the config manage without asking Slack', async () => {
    const { slack, admins } = await setUp({}, ['U0MEMBER']);
    expect(await admins.canManage('T1', 'U0MEMBER')).toBe(true);
    expect(slack.calls('users.info')).toEqual([]);
  });

  it('asks Slack once a minute per person, however many commands they type', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { slack, admins } = await setUp();
    await admins.canManage('T1', 'U0ADMIN');
    await admins.canManage('T1', 'U0ADMIN');
    expect(slack.calls('users.info')).toHaveLength(1);
    vi.setSystemTime(Date.now() + 61_000);
    await admins.canManage('T1', 'U0ADMIN');
    expect(slack.calls('users.info')).toHaveLength(2);
  });

  it('says what to fix when the app lacks the users:read scope', async () => {
    const { admins } = await setUp({ scopes: ['commands', 'chat:write', 'chat:write.public'] });
    const error = await admins.canManage('T1', 'U0ADMIN').then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HeraldError);
    expect((error as HeraldError).userMessage).toMatch(/lacks the users:read scope.*herald slack:manifest/);
  });
});
