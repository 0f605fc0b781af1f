/**
 * Wiring only: read the configuration, build the store, services, poller and delivery worker, start the
 * adapters the environment asks for (Discord with DISCORD_TOKEN, Slack with SLACK_BOT_TOKEN, both at once, or else
 * the console), and stop them all cleanly. HERALD_ROLES picks which parts this process runs: `poll` (the poll
 * pool and housekeeping), `deliver` (the delivery worker), `gateway` (Discord's shards, Slack's Socket Mode) and
 * `http` (Slack's HTTP mode); every process serves /healthz, /readyz and /metrics for its own probes.
 */
import type { Writable } from 'node:stream';
import { commandGroups } from '../commands/index.ts';
import { combineListeners } from './activity.ts';
import type { ActivityListener } from './activity.ts';
import { ROLES } from './config/env.ts';
import { loadConfig } from './config/load-config.ts';
import type { LoadedConfig } from './config/load-config.ts';
import { CredentialWatch } from './delivery/credential-watch.ts';
import { DeliveryWorker } from './delivery/delivery-worker.ts';
import { ManagerNotices } from './delivery/manager-notices.ts';
import type { MessageSender } from './delivery/message-sender.ts';
import { RuleCache } from './delivery/rule-cache.ts';
import { loadFeed } from './feeds/load-feed.ts';
import { DEFAULT_HTTP_PORT, startHttpServer } from './http/http-server.ts';
import type { ReadinessCheck, RequestListener } from './http/http-server.ts';
import { HeraldMetrics } from './http/metrics.ts';
import { createLogger } from './log.ts';
import type { Logger } from './log.ts';
import { ConsoleAdapter } from './platforms/console/console-adapter.ts';
import { DiscordGateway } from './platforms/discord/discord-gateway.ts';
import { createDiscordRest } from './platforms/discord/discord-rest.ts';
import { DiscordSender } from './platforms/discord/discord-sender.ts';
import { SLACK_EVENTS_PATH } from './platforms/slack/manifest.ts';
import { createSlackSender, SlackAdapter } from './platforms/slack/slack-adapter.ts';
import { pollFeed } from './poller/poll-feed.ts';
import { PollPool } from './poller/poll-pool.ts';
import { Housekeeping } from './poller/housekeeping.ts';
import { ruleProblem, rulePrecedenceWarning, SubscriptionService } from './services/subscription-service.ts';
import { ConfigReloader } from './services/config-reloader.ts';
import { activePlatforms } from './services/configured-subscriptions.ts';
import { watchConfigFile } from './config/watch-config-file.ts';
import { messageOf } from './errors.ts';
import { WorkspaceRules } from './services/workspace-rules.ts';
import { templateProblem } from './format/template.ts';
import { openStore } from './store/open-store.ts';
import { openCache } from './store/cache.ts';
import { DEFAULT_LEASE_MS, LeaseKeeper } from './store/lease-keeper.ts';
import { releaseLeasesOfDeadProcesses, workerIdentity } from './store/worker-identity.ts';
import type { Platform } from './store/records.ts';

export interface StartOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Where the console adapter prints what it would post. */
  readonly stdout: Writable;
  readonly logStream?: NodeJS.WritableStream;
}

export interface RunningHerald {
  readonly config: LoadedConfig;
  readonly log: Logger;
  stop(): Promise<void>;
}

export function readConfiguration(env: NodeJS.ProcessEnv, cwd: string, createIfMissing: boolean): LoadedConfig {
  return loadConfig({ env, cwd, createIfMissing, validateRule: ruleProblem, validateTemplate: templateProblem, warnRule: rulePrecedenceWarning });
}

export async function startHerald(options: StartOptions): Promise<RunningHerald> {
  const config = readConfiguration(options.env, options.cwd, true);
  const { env } = config;
  const log = createLogger({ level: env.logLevel, format: env.logFormat, stream: options.logStream });
  if (config.createdFromExample) log.info('created the config file from the example', { path: config.filePath });
  for (const warning of config.warnings) log.warn(warning);

  const store = await openStore(env.store, { cwd: options.cwd, log: log.child({ module: 'store' }) });
  if (env.roles.size < ROLES.length && store.engine === 'sqlite') {
    log.warn('HERALD_ROLES names only some roles on an SQLite store: the others must run in processes on this host using the same file; a cluster over several machines needs HERALD_STORE=postgres://…', {
      roles: [...env.roles].join(','),
    });
  }
  const owner = workerIdentity();
  const taken = await releaseLeasesOfDeadProcesses(store);
  if (taken.length > 0) log.info('took over the work of processes that stopped without finishing it', { previousWorkers: taken.join(',') });
  // A shared store means a cluster: its processes share the cache too, in the same database unless told otherwise.
  const cache = openCache(env.cache ?? (store.engine === 'postgres' ? env.store : undefined), log.child({ module: 'cache' }));
  const rules = new RuleCache();
  const clock = () => new Date();
  // The operator's fetch caps, for every fetch: polls and the feeds people add or preview.
  const fetchLimits = { maxBytes: env.fetchMaxBytes, totalTimeoutMs: env.fetchTimeoutSeconds * 1000 };
  const load: typeof loadFeed = (url, options) => loadFeed(url, { ...fetchLimits, ...options });
  const subscriptions = new SubscriptionService({
    store, cache, load, rules, allowPrivateUrls: env.allowPrivateUrls, pollIntervalSeconds: env.pollIntervalSeconds, clock,
    maxParkedPerSubscription: env.maxParkedPerSubscription,
  });
  const workspaceRules = new WorkspaceRules(store, clock);

  const senders = new Map<Platform, MessageSender>();
  const listeners: ActivityListener[] = [];
  const stops: Array<() => Promise<void>> = [];

  const metrics = new HeraldMetrics(
    {
      outboxStats: () => store.deliveries.stats(clock()),
      dueFeeds: () => store.leases.countDueFeeds(clock()),
    },
    log.child({ module: 'metrics' }),
  );
  listeners.push(metrics.listener);
  const readiness: ReadinessCheck[] = [{ name: 'store', check: async () => (await store.ping(), true) }];
  const mounts = new Map<string, RequestListener>();

  /** Runs one start step; if it fails, what already started is stopped before the error goes up. */
  const startOrUnwind = async <T>(start: () => Promise<T>): Promise<T> => {
    try {
      return await start();
    } catch (error) {
      for (const stop of stops) await stop().catch(() => undefined);
      await cache.close();
      await store.close();
      throw error;
    }
  };
  /** Starts one adapter; it is ready while connected. */
  const startAdapter = async (platform: Platform, adapter: { start(): Promise<unknown>; stop(): Promise<void>; isConnected(): boolean }) => {
    await startOrUnwind(() => adapter.start());
    stops.push(() => adapter.stop());
    readiness.push({ name: platform, check: () => adapter.isConnected() });
  };
  const roles = env.roles;

  // Senders are cheap REST clients: every process has them, for the delivery worker and for notices to managers.
  if (env.discordToken !== undefined) {
    const rest = createDiscordRest({ token: env.discordToken, apiUrl: env.discordApiUrl, log: log.child({ module: 'discord' }), onRateLimited: () => metrics.rateLimited('discord') });
    senders.set('discord', new DiscordSender(rest, env.discordToken));
    if (roles.has('gateway')) {
      await startAdapter(
        'discord',
        new DiscordGateway({
          token: env.discordToken, apiUrl: env.discordApiUrl, guildId: env.discordGuildId, groups: commandGroups, subscriptions, workspaceRules, rest,
          shards: store.shards, shardCount: env.discordShards, owner, leaseMs: DEFAULT_LEASE_MS, clock, log: log.child({ module: 'discord' }),
          onRateLimited: () => metrics.rateLimited('discord'),
          onStoreError: (error) => metrics.listener.storeError?.({ operation: 'coordinate shards', error }),
        }),
      );
    }
  }
  if (env.slackBotToken !== undefined) {
    const slackLog = log.child({ module: 'slack' });
    senders.set('slack', createSlackSender({ botToken: env.slackBotToken, apiUrl: env.slackApiUrl, log: slackLog }));
    // Socket Mode is a connection out (the gateway role); HTTP mode is Slack calling in (the http role).
    const slackRole = env.slackAppToken !== undefined ? 'gateway' : 'http';
    if (roles.has(slackRole)) {
      const slack = new SlackAdapter({
        botToken: env.slackBotToken, appToken: env.slackAppToken, signingSecret: env.slackSigningSecret, apiUrl: env.slackApiUrl,
        admins: config.file.slack.admins, groups: commandGroups, subscriptions, workspaceRules, cache, log: slackLog,
      });
      await startAdapter('slack', slack);
      if (slack.httpListener !== undefined) mounts.set(SLACK_EVENTS_PATH, slack.httpListener);
    }
  }
  let consoleAdapter: ConsoleAdapter | undefined;
  if (senders.size === 0) {
    consoleAdapter = new ConsoleAdapter(options.stdout);
    senders.set('console', consoleAdapter);
    listeners.push(consoleAdapter);
  }
  const configured = new ConfigReloader({
    read: () => readConfiguration(options.env, options.cwd, false),
    subscriptions, workspaceRules, platforms: activePlatforms(env), log: log.child({ module: 'config' }),
    onSynced: (result, reloaded) => consoleAdapter?.show(result.subscriptions, reloaded),
  });
  await startOrUnwind(() => configured.apply(config));
  const configWatcher = watchConfigFile(config.filePath, (reason) => configured.reload(reason), {
    onWatchError: (error) => log.warn('cannot watch the config file for changes; send SIGHUP to reload it', { file: config.sourceName, error: messageOf(error) }),
  });
  stops.push(async () => configWatcher.close());

  const http = await startOrUnwind(() => startHttpServer({ port: env.httpPort ?? DEFAULT_HTTP_PORT, metrics, readiness, mounts, log: log.child({ module: 'http' }) }));
  // First to stop: Slack requests and probes end before the adapters do.
  stops.unshift(() => http.close());

  const credentials = new CredentialWatch({ senders, log: log.child({ module: 'delivery' }) });
  for (const platform of [...senders.keys()].filter((name) => name !== 'console')) {
    readiness.push({
      name: `${platform} credentials`,
      check: () => {
        const reason = credentials.stoppedReason(platform);
        if (reason !== undefined) throw new Error(`${platform} refuses Herald's token (${reason}); sending is stopped, see the log`);
        return true;
      },
    });
  }
  const notices = new ManagerNotices(senders, log.child({ module: 'notices' }), env.maxParkedPerSubscription);
  const activity = combineListeners([...listeners, notices]);
  const deliveries = new DeliveryWorker({ store, senders, log: log.child({ module: 'delivery' }), activity, clock, owner, leaseMs: DEFAULT_LEASE_MS, credentials });
  const pollerLog = log.child({ module: 'poller' });
  // Aborts the polls under way on stop: a slow feed must not hold up a shutdown (Docker kills after 10 s).
  const stopping = new AbortController();
  const pollDependencies = {
    store, load, rules, log: pollerLog, activity, clock,
    allowPrivateUrls: env.allowPrivateUrls, pollIntervalSeconds: env.pollIntervalSeconds, maxItemAgeDays: env.maxItemAgeDays,
    maxPostsPerPoll: env.maxPostsPerPoll, maxParkedPerSubscription: env.maxParkedPerSubscription, signal: stopping.signal,
  };
  const poller = new PollPool({
    store, owner, clock, log: pollerLog, activity, leaseMs: DEFAULT_LEASE_MS, concurrency: env.fetchConcurrency, perHost: env.fetchPerHost,
    poll: async (url) => {
      const outcome = await pollFeed(url, pollDependencies, owner);
      if (outcome.kind === 'polled' && outcome.deliveries > 0) deliveries.wake();
      return outcome;
    },
  });
  const leases = new LeaseKeeper(store, owner, DEFAULT_LEASE_MS, clock, log.child({ module: 'leases' }), (error) => activity.storeError({ operation: 'renew leases', error }));
  const housekeeping = new Housekeeping(store, clock, log.child({ module: 'housekeeping' }));
  leases.start();
  if (roles.has('poll')) {
    poller.start();
    housekeeping.start();
  }
  if (roles.has('deliver')) deliveries.start();
  log.info('Herald started', {
    roles: [...roles].join(','), platforms: [...senders.keys()].join(','), store: store.description, worker: owner, pollIntervalSeconds: env.pollIntervalSeconds,
  });

  return {
    config,
    log,
    async stop() {
      housekeeping.stop();
      stopping.abort();
      await poller.stop();
      await deliveries.stop();
      await leases.stop();
      await notices.settled();
      for (const stop of stops) await stop();
      await cache.close();
      await store.close();
      log.info('Herald stopped');
    },
  };
}
