import { describe, expect, it } from 'vitest';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { parseConfigText } from '../config/config-file.ts';
import { RuleCache } from '../delivery/rule-cache.ts';
import { loadFeed } from '../feeds/load-feed.ts';
import { createSilentLogger } from '../log.ts';
import { openCache } from '../store/cache.ts';
import { activePlatforms, planConfiguredSubscriptions } from './configured-subscriptions.ts';
import { templateProblem } from '../format/template.ts';
import { ruleProblem, SubscriptionService } from './subscription-service.ts';
import { WorkspaceRules } from './workspace-rules.ts';

const openStore = useTemporaryStores();
const GUILD = '100000000000000001';
const CHANNEL = '200000000000000001';

async function makeService() {
  const { store } = await openStore();
  let now = new Date('2026-11-21T12:00:00Z');
  const service = new SubscriptionService({
    store, cache: openCache(undefined, createSilentLogger()), load: loadFeed, rules: new RuleCache(), allowPrivateUrls: false, pollIntervalSeconds: 600, clock: () => now,
  });
  return { service, store, later: () => (now = new Date(now.getTime() + 3_600_000)) };
}

const discordEntry = (url: string, rule: string) => [`  - url: ${url}`, '    platform: discord', `    workspace: "${GUILD}"`, `    channel: "${CHANNEL}"`, `    rule: ${rule}`];
const plan = (lines: string[], platforms = activePlatforms({ discordToken: 'x' })) =>
  planConfiguredSubscriptions(parseConfigText(['subscriptions:', ...lines, ''].join('\n'), 'herald.yaml', { validateRule: ruleProblem, validateTemplate: templateProblem }), 'herald.yaml', platforms);

describe('the config file\'s subscriptions', () => {
  it('leaves out entries of platforms without a token, saying which entry, line and variable', () => {
    const { subscriptions, warnings } = plan(['  - url: https://a.example/feed', ...discordEntry('https://b.example/feed', 'kafka')], activePlatforms({}));
    expect(subscriptions.map((entry) => entry.feedUrl)).toEqual(['https://a.example/feed']);
    expect(warnings).toEqual(['herald.yaml: subscriptions[1] (line 3) is for discord, but DISCORD_TOKEN is not set: not watched until Herald runs with it']);
  });

  it('keeps a subscription whose rule changes, with its creation time and pause; removes one taken out of the file', async () => {
    const { service, store, later } = await makeService();
    const first = await service.syncConfigured(plan([...discordEntry('https://a.example/feed', 'kafka'), ...discordEntry('http://10.0.0.5/feed', 'rust')]).subscriptions, new Set(['discord']));
    expect(first.added).toHaveLength(2);
    const [kept, dropped] = first.subscriptions;
    expect(dropped!.feedUrl).toBe('http://10.0.0.5/feed'); // a private address is the operator's choice in the file
    expect(kept).toMatchObject({ source: 'config', createdBy: 'herald.yaml:2', workspaceId: GUILD, channelId: CHANNEL });
    await store.subscriptions.setPaused(kept!.id, true, 'paused with /feed pause', new Date());

    later();
    const second = await service.syncConfigured(plan(['  - url: https://c.example/feed', ...discordEntry('https://a.example/feed', 'kafka OR streams')], new Set(['discord', 'console'])).subscriptions, new Set(['discord', 'console']));
    expect(second).toMatchObject({ changed: [kept!.id], removed: [dropped!.id] });
    expect(await store.subscriptions.get(dropped!.id)).toBeUndefined();
    expect(await store.subscriptions.get(kept!.id)).toMatchObject({ rule: 'kafka OR streams', createdAt: kept!.createdAt, paused: true, createdBy: 'herald.yaml:3' });
  });

  it('leaves chat subscriptions alone, and refuses to remove a file subscription from chat', async () => {
    const { service, store } = await makeService();
    const chat = { id: 'chat01', platform: 'discord', workspaceId: GUILD, channelId: '200000000000000009', feedUrl: 'https://a.example/feed', feedTitle: 'A', rule: '', createdAt: new Date().toISOString(), createdBy: 'u1', paused: false } as const;
    await store.subscriptions.put(chat);
    const { subscriptions } = await service.syncConfigured(plan(discordEntry('https://a.example/feed', 'kafka')).subscriptions, new Set(['discord']));
    await service.syncConfigured([], new Set(['discord']));
    expect(await store.subscriptions.get(chat.id)).toBeDefined();

    await service.syncConfigured(plan(discordEntry('https://a.example/feed', 'kafka')).subscriptions, new Set(['discord']));
    await expect(service.remove({ platform: 'discord', workspaceId: GUILD }, subscriptions[0]!.id)).rejects.toMatchObject({
      code: 'configured-subscription',
      userMessage: expect.stringContaining('is declared in the config file (herald.yaml:2), so it is removed there'),
    });
    expect(await store.subscriptions.get(subscriptions[0]!.id)).toBeDefined();
  });

  it('stores a template and a mention from the file, changes them with it, and keeps chat from changing them', async () => {
    const { service, store } = await makeService();
    const workspace = { platform: 'discord', workspaceId: GUILD } as const;
    const entry = [...discordEntry('https://a.example/feed', 'kafka'), '    template: "{title} by {author}"', '    mention:', '      role: "300000000000000001"', '      when: title:release'];
    const [synced] = (await service.syncConfigured(plan(entry).subscriptions, new Set(['discord']))).subscriptions;
    expect(await store.subscriptions.get(synced!.id)).toMatchObject({ template: '{title} by {author}', mention: { roleId: '300000000000000001', rule: 'title:release' } });

    const changed = await service.syncConfigured(plan(discordEntry('https://a.example/feed', 'kafka')).subscriptions, new Set(['discord']));
    expect(changed.changed).toEqual([synced!.id]);
    const stored = await store.subscriptions.get(synced!.id);
    expect(stored?.template).toBeUndefined();
    expect(stored?.mention).toBeUndefined();

    for (const change of [() => service.setRule(workspace, synced!.id, 'rust'), () => service.setTemplate(workspace, synced!.id, '{title}'), () => service.setMention(workspace, synced!.id, undefined)]) {
      await expect(change()).rejects.toMatchObject({ code: 'configured-subscription', userMessage: expect.stringContaining('declared in the config file (herald.yaml:2)') });
    }
    expect((await store.subscriptions.get(synced!.id))?.rule).toBe('kafka');
  });

  it('refuses an unknown placeholder in the file with its line and a did-you-mean', () => {
    expect(() => plan([...discordEntry('https://a.example/feed', 'kafka'), '    template: "{titel}"'])).toThrow(/line 7.*\{title\}|\{title\}.*line 7/s);
  });

  it("applies the file's admin rules, removes those it no longer declares, and keeps chat from changing them", async () => {
    const { store } = await makeService();
    const rules = new WorkspaceRules(store, () => new Date('2026-11-21T12:00:00Z'));
    const file = (lines: string[]) => parseConfigText(['rules:', ...lines, ''].join('\n'), 'herald.yaml', { validateRule: ruleProblem }).rules;
    await rules.set('discord', '100000000000000009', '-jobs', 'u1');
    expect(await rules.syncConfigured(file(['  - platform: discord', `    workspace: "${GUILD}"`, '    rule: -sponsored -category:jobs']), 'herald.yaml', new Set(['discord']))).toEqual({ set: 1, removed: 0 });
    expect(await rules.get('discord', GUILD)).toMatchObject({ rule: '-sponsored -category:jobs', setBy: 'config:herald.yaml:2' });
    await expect(rules.set('discord', GUILD, '-ads', 'u1')).rejects.toMatchObject({ code: 'configured-rule', userMessage: expect.stringContaining('herald.yaml:2') });
    await expect(rules.clear('discord', GUILD)).rejects.toMatchObject({ code: 'configured-rule' });

    expect(await rules.syncConfigured([], 'herald.yaml', new Set(['discord']))).toEqual({ set: 0, removed: 1 });
    expect(await rules.get('discord', GUILD)).toBeUndefined();
    // A rule set in chat is not the file's to remove.
    expect(await rules.get('discord', '100000000000000009')).toMatchObject({ rule: '-jobs' });
  });
});
