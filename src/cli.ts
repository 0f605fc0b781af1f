/**
 * The `herald` command line: start (the default), inspect, check-config, discord:register, discord-proxy,
 * slack:manifest, help.
 * Each command writes its result to stdout and its problems to stderr, and sets the exit code.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { commandGroups } from '../commands/index.ts';
import { ConfigError, loadEnvironment } from './config/load-config.ts';
import { RuleCache, ruleItemOf } from './delivery/rule-cache.ts';
import { HeraldError, messageOf } from './errors.ts';
import { decodeFeedBytes } from './feeds/decode.ts';
import type { ParsedFeed } from './feeds/item.ts';
import { loadFeed } from './feeds/load-feed.ts';
import { parseFeed } from './feeds/parse.ts';
import { createLogger } from './log.ts';
import type { Logger } from './log.ts';
import { DEFAULT_DISCORD_PROXY_PORT, hideCredentials } from './config/env.ts';
import { startDiscordProxy } from './platforms/discord/discord-proxy.ts';
import { readConfiguration, startHerald } from './main.ts';
import { normaliseApiBase } from './platforms/discord/discord-rest.ts';
import { registerWithToken } from './platforms/discord/register-commands.ts';
import { slackManifestYaml } from './platforms/slack/manifest.ts';
import { normaliseFeedUrl, ruleReading, validateRule } from './services/subscription-service.ts';
import { isHttpUrl } from './net/http-url.ts';
import { truncateText } from './format/truncate.ts';

const USAGE = `Usage: herald <command>

  start                           run the bot (Discord with DISCORD_TOKEN, Slack with SLACK_BOT_TOKEN, else the console)
  inspect <url|file> [--rule EXPR] [--json]
                                  parse a feed and print its items, with each rule verdict and its reason
  check-config                    validate .env, the environment and config/herald.yaml (HERALD_CONFIG)
  discord:register                register the /feed slash command (per guild with DISCORD_GUILD_ID)
  discord-proxy                   forward a cluster's Discord REST requests through one process, so Discord's
                                  rate limits hold cluster-wide (port HERALD_DISCORD_PROXY_PORT, default 8080;
                                  on to DISCORD_API_URL); point each Herald's DISCORD_API_URL at it
  slack:manifest [--socket | --http URL]
                                  print the Slack app manifest (YAML) to create Herald's Slack app from:
                                  Socket Mode (the default) or HTTP mode with Slack posting to URL/slack/events
  help                            show this help
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  start: runStart,
  inspect: runInspect,
  'check-config': runCheckConfig,
  'discord:register': runDiscordRegister,
  'slack:manifest': runSlackManifest,
  'discord-proxy': runDiscordProxy,
  help: async () => {
    process.stdout.write(USAGE);
    return 0;
  },
};

async function main(argv: string[]): Promise<number> {
  const [name = 'start', ...rest] = argv;
  const command = commands[name === '--help' || name === '-h' ? 'help' : name];
  if (command === undefined) {
    process.stderr.write(`herald: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    if (error instanceof ConfigError) process.stderr.write(`herald: the configuration has problems:\n${error.message}\n`);
    else if (error instanceof HeraldError) process.stderr.write(`herald: ${error.userMessage}\n`);
    else process.stderr.write(`herald: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

async function runStart(): Promise<number> {
  const herald = await startHerald({ env: process.env, cwd: process.cwd(), stdout: process.stdout });
  await untilStopped(herald.log);
  await herald.stop();
  return 0;
}

/** `herald discord-proxy`: the cluster's one way to Discord's REST API (see discord-proxy.ts). */
async function runDiscordProxy(): Promise<number> {
  const env = loadEnvironment({ env: process.env, cwd: process.cwd() });
  const log = createLogger({ level: env.logLevel, format: env.logFormat }).child({ module: 'discord-proxy' });
  const proxy = await startDiscordProxy({ port: env.discordProxyPort ?? DEFAULT_DISCORD_PROXY_PORT, upstream: env.discordApiUrl, log });
  await untilStopped(log);
  await proxy.close();
  return 0;
}

/** Resolves on SIGINT or SIGTERM: a clean stop follows. */
function untilStopped(log: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info('stopping', { signal });
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

async function runInspect(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { rule: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const target = positionals[0];
  if (target === undefined || positionals.length > 1) {
    process.stderr.write('Usage: herald inspect <url|file> [--rule EXPR] [--json]\n');
    return 2;
  }
  const rule = values.rule === undefined ? undefined : validateRule(values.rule);
  const { feed, source } = await readFeed(target);
  const rules = new RuleCache();
  const items = feed.items.map((item) => ({ item, verdict: rule === undefined ? undefined : rules.evaluate(rule, ruleItemOf(item, feed.title)) }));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ source, format: feed.format, title: feed.title, link: feed.link, items: items.map(({ item, verdict }) => ({ ...item, verdict })) }, null, 2)}\n`);
    return 0;
  }
  const out: string[] = [`${feed.title} (${feed.format}, ${feed.items.length} items) — ${source}`];
  if (rule !== undefined) out.push(`rule: ${rule === '' ? '(empty: every item matches)' : ruleReading(rule)} → ${items.filter((entry) => entry.verdict?.matches).length} of ${items.length} match`);
  for (const { item, verdict } of items) {
    out.push('');
    out.push(`${verdict === undefined ? '•' : verdict.matches ? '✅' : '❌'} ${item.title}`);
    if (verdict !== undefined) out.push(`   why:        ${verdict.reason}`);
    out.push(`   id:         ${item.id}`);
    if (item.link) out.push(`   link:       ${item.link}`);
    const date = item.published ?? item.updated;
    if (date) out.push(`   date:       ${date.toISOString()}`);
    if (item.author) out.push(`   author:     ${item.author}`);
    if (item.categories.length > 0) out.push(`   categories: ${item.categories.join(', ')}`);
    if (item.image) out.push(`   image:      ${item.image}`);
    if (item.summary) out.push(`   summary:    ${truncateText(item.summary, 200)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

/** A local file is read as it is; anything else is fetched (the operator's own command: private addresses allowed). */
async function readFeed(target: string): Promise<{ feed: ParsedFeed; source: string }> {
  const file = path.resolve(target);
  if (!isHttpUrl(target) && statSync(file, { throwIfNoEntry: false })?.isFile()) {
    return { feed: parseFeed(decodeFeedBytes(readFileSync(file)), pathToFileURL(file).toString()), source: file };
  }
  const loaded = await loadFeed(normaliseFeedUrl(target, true), { allowPrivate: true, discover: true });
  if (loaded.status !== 'ok') throw new HeraldError('unexpected-not-modified', `${target} answered 304 to an unconditional request`);
  return { feed: loaded.feed, source: loaded.url };
}

async function runCheckConfig(): Promise<number> {
  const config = readConfiguration(process.env, process.cwd(), false);
  for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`);
  const count = config.file.subscriptions.length;
  const platforms = [config.env.discordToken && 'Discord', config.env.slackBotToken && `Slack (${config.env.slackAppToken ? 'Socket Mode' : 'HTTP mode'})`].filter(Boolean);
  const platform = platforms.length > 0 ? platforms.join(' and ') : 'the console (no DISCORD_TOKEN or SLACK_BOT_TOKEN)';
  process.stdout.write(
    `${path.relative(process.cwd(), config.filePath) || config.filePath} is valid: ${count} subscription${count === 1 ? '' : 's'}, ` +
      `poll every ${config.env.pollIntervalSeconds} s, store ${hideCredentials(config.env.store)}, posting to ${platform}, ` +
      `roles ${[...config.env.roles].join(',')}.\n`,
  );
  return 0;
}

async function runDiscordRegister(): Promise<number> {
  const { env } = readConfiguration(process.env, process.cwd(), false);
  if (env.discordToken === undefined) {
    process.stderr.write('herald: set DISCORD_TOKEN (in the environment or .env) to register commands.\n');
    return 1;
  }
  const result = await registerWithToken({
    token: env.discordToken,
    apiUrl: normaliseApiBase(env.discordApiUrl),
    guildId: env.discordGuildId,
    groups: commandGroups,
    log: createLogger({ level: env.logLevel, format: env.logFormat }),
  });
  process.stdout.write(`${result.changed ? 'Registered' : 'Already up to date:'} /feed (${result.scope}).\n`);
  return 0;
}

const SLACK_MANIFEST_USAGE = `Usage: herald slack:manifest [--socket | --http URL]
  --socket    Socket Mode: no public URL needed (the default)
  --http URL  HTTP mode: Slack posts commands to URL/slack/events
`;

async function runSlackManifest(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { socket: { type: 'boolean' }, http: { type: 'string' } } });
  } catch (error) {
    process.stderr.write(`herald: ${messageOf(error)}\n${SLACK_MANIFEST_USAGE}`);
    return 2;
  }
  const { socket, http } = parsed.values;
  if (socket === true && http !== undefined) {
    process.stderr.write(`herald: choose --socket or --http, not both\n${SLACK_MANIFEST_USAGE}`);
    return 2;
  }
  process.stdout.write(slackManifestYaml(commandGroups, http === undefined ? { mode: 'socket' } : { mode: 'http', url: http }));
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
