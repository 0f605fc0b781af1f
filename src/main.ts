/**
 * Wiring only: read the configuration, build the store, services, poller and delivery worker, start the
 * adapters the environment asks for (Discord with DISCORD_TOKEN, Slack with SLACK_BOT_TOKEN, both at once, or else
 * the console), and stop them all cleanly.
 */
import type { Writable } from 'node:stream';
import { commandGroups } from '../commands/index.ts';
import { combineListeners } from './activity.ts';
import type { ActivityListener } from './activity.ts';
import { loadConfig } from './config/load-config.ts';
import type { LoadedConfig } from './config/load-config.ts';
import { OutboxDeliverer } from './delivery/deliver-outbox.ts';
import { ManagerNotices } from './delivery/manager-notices.ts';
import type { MessageSender } from './delivery/message-sender.ts';
import { RuleCache } from './delivery/rule-cache.ts';
import { loadFeed } from './feeds/load-feed.ts';
import { createLogger } from './log.ts';
import type { Logger } from './log.ts';
import { ConsoleAdapter } from './platforms/console/console-adapter.ts';
import { DiscordAdapter } from './platforms/discord/discord-adapter.ts';
import { SlackAdapter } from './platforms/slack/slack-adapter.ts';
import { Scheduler } from './poller/scheduler.ts';
import { ruleProblem, SubscriptionService } from './services/subscription-service.ts';
import { openStore } from './store/open-store.ts';
import { Repositories } from './store/repositories.ts';
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
  return loadConfig({ env, cwd, createIfMissing, validateRule: ruleProblem });
}

export async function startHerald(options: StartOptions): Promise<RunningHerald> {
  const config = readConfiguration(options.env, options.cwd, true);
  const { env } = config;
  const log = createLogger({ level: env.logLevel, format: env.logFormat, stream: options.logStream });
  if (config.createdFromExample) log.info('created the config file from the example', { path: config.filePath });
  for (const warning of config.warnings) log.warn(warning);

  const repos = new Repositories(openStore(env.store, options.cwd));
  const rules = new RuleCache();
  const clock = () => new Date();
  const subscriptions = new SubscriptionService({
    repos, load: loadFeed, rules, allowPrivateUrls: env.allowPrivateUrls, pollIntervalSeconds: env.pollIntervalSeconds, clock,
  });

  const senders = new Map<Platform, MessageSender>();
  const listeners: ActivityListener[] = [];
  const stops: Array<() => Promise<void>> = [];

  /** Starts one adapter; if it cannot start, what already started is stopped before the error goes up. */
  const startAdapter = async (platform: Platform, adapter: { start(): Promise<unknown>; stop(): Promise<void>; sender: MessageSender }) => {
    try {
      await adapter.start();
    } catch (error) {
      for (const stop of stops) await stop().catch(() => undefined);
      await repos.close();
      throw error;
    }
    senders.set(platform, adapter.sender);
    stops.push(() => adapter.stop());
  };

  if (env.discordToken !== undefined) {
    await startAdapter(
      'discord',
      new DiscordAdapter({
        token: env.discordToken, apiUrl: env.discordApiUrl, guildId: env.discordGuildId, groups: commandGroups, subscriptions, log: log.child({ module: 'discord' }),
      }),
    );
  }
  if (env.slackBotToken !== undefined) {
    await startAdapter(
      'slack',
      new SlackAdapter({
        botToken: env.slackBotToken, appToken: env.slackAppToken, signingSecret: env.slackSigningSecret, apiUrl: env.slackApiUrl, httpPort: env.httpPort,
        admins: config.file.slack.admins, groups: commandGroups, subscriptions, log: log.child({ module: 'slack' }),
      }),
    );
  }
  if (senders.size === 0) {
    const consoleAdapter = new ConsoleAdapter(options.stdout, { subscriptions });
    await consoleAdapter.watch(config.file.subscriptions);
    senders.set('console', consoleAdapter);
    listeners.push(consoleAdapter);
  }

  const notices = new ManagerNotices(senders, log.child({ module: 'notices' }));
  const activity = combineListeners([...listeners, notices]);
  const deliverer = new OutboxDeliverer(repos, senders, log.child({ module: 'delivery' }), activity, clock);
  const scheduler = new Scheduler(
    repos,
    {
      repos, load: loadFeed, rules, log: log.child({ module: 'poller' }), activity, clock,
      allowPrivateUrls: env.allowPrivateUrls, pollIntervalSeconds: env.pollIntervalSeconds, maxItemAgeDays: env.maxItemAgeDays,
    },
    deliverer,
    log.child({ module: 'scheduler' }),
  );
  scheduler.start();
  log.info('Herald started', { platforms: [...senders.keys()].join(','), store: env.store, pollIntervalSeconds: env.pollIntervalSeconds });

  return {
    config,
    log,
    async stop() {
      await scheduler.stop();
      await notices.settled();
      for (const stop of stops) await stop();
      await repos.close();
      log.info('Herald stopped');
    },
  };
}
