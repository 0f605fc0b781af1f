/**
 * The `herald` command line: start (the default), inspect, check-config, discord:register, discord-proxy,
 * slack:manifest, opml, help.
 * Each command writes its result to stdout and its problems to stderr, and sets the exit code.
 */
import { existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { commandGroups } from '../commands/index.ts';
import { ConfigError, loadEnvironment } from './config/load-config.ts';
import { RuleCache, ruleItemOf } from './delivery/rule-cache.ts';
import { HeraldError, messageOf } from './errors.ts';
import { DEFAULT_MAX_BYTES } from './feeds/fetch.ts';
import type { ParsedFeed } from './feeds/item.ts';
import { loadFeed } from './feeds/load-feed.ts';
import { decodeFeedBytes } from './feeds/decode.ts';
import { sharedParsePool } from './feeds/parse-pool.ts';
import { createLogger } from './log.ts';
import type { Logger } from './log.ts';
import { DEFAULT_DISCORD_PROXY_PORT, hideCredentials } from './config/env.ts';
import { suggestName } from './config/suggest-name.ts';
import { startDiscordProxy } from './platforms/discord/discord-proxy.ts';
import { readConfiguration, startHerald } from './main.ts';
import { normaliseApiBase } from './platforms/discord/discord-rest.ts';
import { registerWithToken } from './platforms/discord/register-commands.ts';
import { slackManifestYaml } from './platforms/slack/manifest.ts';
import { normaliseFeedUrl, ruleReading, SubscriptionService, validateRule, validateTemplate } from './services/subscription-service.ts';
import { exportOpml, importOpml } from './services/opml-transfer.ts';
import { MAX_OPML_CHARACTERS, parseOpml } from './feeds/opml.ts';
import type { OpmlDocument } from './feeds/opml.ts';
import { openStore } from './store/open-store.ts';
import { openCache } from './store/cache.ts';
import { toMessage } from './format/message.ts';
import { plainTemplateText } from './format/template.ts';
import { isHttpUrl } from './net/http-url.ts';
import { activePlatforms, planConfiguredSubscriptions } from './services/configured-subscriptions.ts';
import { truncateText } from './format/truncate.ts';

const USAGE = `Usage: herald <command>   (herald help <command>, herald <command> --help: that command's usage)

  start                           run the bot (Discord with DISCORD_TOKEN, Slack with SLACK_BOT_TOKEN, else the console)
  inspect <url|file> [--rule EXPR] [--template T] [--json]
                                  parse a feed and print its items, with each rule verdict and its reason
  check-config                    validate .env, the environment and config/herald.yaml (HERALD_CONFIG)
  discord:register                register the /feed slash command (per guild with DISCORD_GUILD_ID)
  discord-proxy                   forward a cluster's Discord REST requests through one process, so Discord's
                                  rate limits hold cluster-wide (port HERALD_DISCORD_PROXY_PORT, default 8080;
                                  on to DISCORD_API_URL); point each Herald's DISCORD_API_URL at it
  slack:manifest [--socket | --http URL]
                                  print the Slack app manifest (YAML) to create Herald's Slack app from:
                                  Socket Mode (the default) or HTTP mode with Slack posting to URL/slack/events
  opml import <file> --platform discord|slack --workspace ID --channel ID [--rule EXPR]
                                  subscribe a channel to every feed of an OPML list (a feed reader's export)
  opml export --platform discord|slack --workspace ID [--channel ID]
                                  print subscriptions as OPML, with their rules
  help [command]                  show this help, or one command's usage
  --version                       print Herald's version
`;

/** Where a command writes, and what it reads: the process's own by default, captured ones in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

type Command = { readonly usage: string; readonly run: (args: string[], io: CliIo) => Promise<number> };

/** A command line that cannot be run as written: printed as one line and the command's usage, exit 2. */
class UsageError extends Error {}

const OPML_USAGE = `Usage: herald opml import <file> --platform discord|slack --workspace ID --channel ID [--rule EXPR]
       herald opml export --platform discord|slack --workspace ID [--channel ID]
  import       subscribe the channel to each feed of the list, as /feed add does (fetched, current items not posted);
               a feed's herald:rule attribute is its filter, else --rule; feeds the channel follows are skipped
  --workspace  the Discord server id or the Slack team id; --channel the channel id
  export       print the workspace's (or one channel's) subscriptions as OPML to stdout
`;

const commands: Record<string, Command> = {
  start: { usage: 'Usage: herald start\n  run the bot: Discord with DISCORD_TOKEN, Slack with SLACK_BOT_TOKEN, else the console\n', run: runStart },
  inspect: {
    usage: 'Usage: herald inspect <url|file> [--rule EXPR] [--template T] [--json]\n  --rule EXPR  show each item\'s verdict under the rule EXPR, and why\n  --template T show each item laid out by the template T ({title}, {summary:200}, ...; see /feed format)\n  --json       print the feed and its items as JSON\n',
    run: runInspect,
  },
  'check-config': { usage: 'Usage: herald check-config\n  validate .env, the environment and config/herald.yaml (HERALD_CONFIG)\n', run: runCheckConfig },
  'discord:register': { usage: 'Usage: herald discord:register\n  register the /feed slash command (per guild with DISCORD_GUILD_ID), with DISCORD_TOKEN\n', run: runDiscordRegister },
  'slack:manifest': {
    usage: 'Usage: herald slack:manifest [--socket | --http URL]\n  --socket    Socket Mode: no public URL needed (the default)\n  --http URL  HTTP mode: Slack posts commands to URL/slack/events\n',
    run: runSlackManifest,
  },
  'discord-proxy': {
    usage: 'Usage: herald discord-proxy\n  forward a cluster\'s Discord REST requests (port HERALD_DISCORD_PROXY_PORT, default 8080; on to DISCORD_API_URL)\n',
    run: runDiscordProxy,
  },
  opml: { usage: OPML_USAGE, run: runOpml },
  help: { usage: 'Usage: herald help [command]\n', run: runHelp },
};

const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });

/** Runs one command line (argv without node and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [first = 'start', ...rest] = argv;
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout.write(`herald ${heraldVersion()}\n`);
    return 0;
  }
  const name = first === '--help' || first === '-h' ? 'help' : first;
  const command = commands[name];
  if (command === undefined) {
    const suggestion = suggestName(name, Object.keys(commands));
    io.stderr.write(`herald: unknown command "${name}"${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}\n\n${USAGE}`);
    return 2;
  }
  if (name !== 'help' && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout.write(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`herald ${name}: ${error.message}\n${command.usage}`);
      return 2;
    }
    if (error instanceof ConfigError) io.stderr.write(`herald: the configuration has problems:\n${error.message}\n`);
    else if (error instanceof HeraldError) io.stderr.write(`${withPrefix('herald: ', error.userMessage)}\n`);
    // One line, whatever went wrong: the stack is for whoever debugs Herald, with LOG_LEVEL=debug.
    else if (io.env.LOG_LEVEL?.trim().toLowerCase() === 'debug') io.stderr.write(`herald: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    else io.stderr.write(`herald: unexpected error: ${shownArgument(oneLine(messageOf(error)))} (LOG_LEVEL=debug shows where)\n`);
    return 1;
  }
}

async function runHelp(args: string[], io: CliIo): Promise<number> {
  const [name, ...extra] = args;
  if (name === undefined) {
    io.stdout.write(USAGE);
    return 0;
  }
  const command = commands[name];
  if (command === undefined || extra.length > 0) {
    const suggestion = command === undefined ? suggestName(name, Object.keys(commands)) : undefined;
    io.stderr.write(`herald: ${command === undefined ? `no command "${name}"${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}` : 'help takes one command'}\n\n${USAGE}`);
    return 2;
  }
  io.stdout.write(command.usage);
  return 0;
}

/** node:util's parseArgs, its errors (ERR_PARSE_ARGS_*: a missing value, an unknown flag) made usage errors. */
function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) throw new UsageError(shownArgument(messageOf(error).split('\n')[0] ?? ''));
    throw error;
  }
}

/** package.json's version, found upwards from this file (src/cli.ts, or dist/src/cli.js in the build). */
function heraldVersion(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(directory, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'herald' && manifest.version !== undefined) return manifest.version;
    }
    const parent = path.dirname(directory);
    if (parent === directory) return 'unknown';
    directory = parent;
  }
}

async function runStart(args: string[], io: CliIo): Promise<number> {
  parseCommandArgs({ args, options: {} });
  const herald = await startHerald({ env: io.env, cwd: io.cwd, stdout: process.stdout });
  await untilStopped(herald.log);
  await herald.stop();
  return 0;
}

/** `herald discord-proxy`: the cluster's one way to Discord's REST API (see discord-proxy.ts). */
async function runDiscordProxy(args: string[], io: CliIo): Promise<number> {
  parseCommandArgs({ args, options: {} });
  const env = loadEnvironment({ env: io.env, cwd: io.cwd });
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

/** Enough of a laid-out item to judge a template in a terminal. */
const INSPECT_TEMPLATE_LENGTH = 500;

async function runInspect(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args, allowPositionals: true, options: { rule: { type: 'string' }, template: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const target = positionals[0]?.trim() === '' ? undefined : positionals[0];
  if (target === undefined || positionals.length > 1) throw new UsageError(target === undefined ? 'name a feed URL or file' : `one feed at a time (got ${positionals.length})`);
  const rule = values.rule === undefined ? undefined : validateRule(values.rule);
  const template = values.template === undefined ? undefined : validateTemplate(values.template);
  const { feed, source } = await readFeed(target, io.cwd);
  const rules = new RuleCache();
  const items = feed.items.map((item) => ({
    item,
    verdict: rule === undefined ? undefined : rules.evaluate(rule, ruleItemOf(item, feed.title)),
    laidOut: template === undefined ? undefined : plainTemplateText({ ...toMessage(item, feed.title), template }, INSPECT_TEMPLATE_LENGTH),
  }));
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ source, format: feed.format, title: feed.title, link: feed.link, items: items.map(({ item, verdict, laidOut }) => ({ ...item, verdict, laidOut })) }, null, 2)}\n`);
    return 0;
  }
  const out: string[] = [`${feed.title} (${feed.format}, ${feed.items.length} items) — ${source}`];
  if (rule !== undefined) out.push(`rule: ${rule === '' ? '(empty: every item matches)' : ruleReading(rule)} → ${items.filter((entry) => entry.verdict?.matches).length} of ${items.length} match`);
  if (template !== undefined) out.push(`template: ${template}`);
  for (const { item, verdict, laidOut } of items) {
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
    if (laidOut !== undefined) out.push(`   posted as:  ${laidOut.replaceAll('\n', '\n               ')}`);
  }
  io.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

/**
 * A local file is read as it is; a URL is fetched (the operator's own command: private addresses allowed).
 * Without a scheme, a name that exists, or looks like a path (./, /, ~, a folder without a dot, a feed file
 * extension), is a file; anything else (example.org/feed) is asked for with its scheme rather than guessed.
 */
async function readFeed(target: string, cwd: string): Promise<{ feed: ParsedFeed; source: string }> {
  const file = target.startsWith('file:') ? fileURLToPath(target) : path.resolve(cwd, target);
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
  if (!hasScheme || target.startsWith('file:')) {
    const stats = statOrUndefined(file);
    if (stats?.isFile()) return { feed: await readFeedFile(file, stats.size), source: file };
    const shown = shownArgument(target);
    if (stats?.isDirectory()) throw new HeraldError('inspect-target', `${shown} is a folder, not a feed file`);
    if (target.startsWith('file:') || looksLikePath(target)) throw new HeraldError('inspect-target', `the file ${shown} does not exist (looked for ${shownArgument(file)})`);
    throw new HeraldError('inspect-target', `${shown} is neither a file here nor a URL: to fetch it, write the scheme, as in https://${shown}`);
  }
  const loaded = await loadFeed(normaliseFeedUrl(target, true), { allowPrivate: true, discover: true });
  if (loaded.status !== 'ok') throw new HeraldError('unexpected-not-modified', `${target} answered 304 to an unconditional request`);
  return { feed: loaded.feed, source: loaded.url };
}

/** The file's stats; undefined when there is none or the name cannot be one (too long, a NUL in it). */
function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** A feed file, under the same size cap as a fetched feed, parsed by the worker pool like one. */
async function readFeedFile(file: string, size: number): Promise<ParsedFeed> {
  if (size > DEFAULT_MAX_BYTES) throw new HeraldError('too-large', `the file ${file} is larger than ${DEFAULT_MAX_BYTES} bytes, more than Herald reads from a feed`);
  const body = await sharedParsePool().read({ bytes: readFileSync(file), finalUrl: pathToFileURL(file).toString(), discover: false });
  if (body.kind !== 'feed') throw new HeraldError('not-a-feed', `${file} is a web page, not a feed`);
  return body.feed;
}

/** What someone typed, fit to be shown back on one line: controls and invisible characters escaped, long text cut. */
function shownArgument(text: string): string {
  const characters = [...text];
  const clipped = characters.length > 120 ? `${characters.slice(0, 120).join('')}…` : text;
  return clipped.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (character) => `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function looksLikePath(target: string): boolean {
  if (/^(\.{1,2}|~)?[/\\]/.test(target) || target.includes('\\')) return true;
  if (/\.(xml|rss|atom|rdf|json|txt)$/i.test(target)) return true;
  const first = target.split('/')[0] ?? '';
  return target.includes('/') && !first.includes('.') && !first.includes(':');
}

async function runCheckConfig(args: string[], io: CliIo): Promise<number> {
  parseCommandArgs({ args, options: {} });
  const config = readConfiguration(io.env, io.cwd, false);
  // The same plan start makes: what it would leave out (a platform without its token) is said here too.
  const plan = planConfiguredSubscriptions(config.file, config.sourceName, activePlatforms(config.env));
  for (const warning of [...config.warnings, ...config.file.warnings, ...plan.warnings]) io.stderr.write(`warning: ${warning}\n`);
  const count = config.file.subscriptions.length;
  const platforms = [config.env.discordToken && 'Discord', config.env.slackBotToken && `Slack (${config.env.slackAppToken ? 'Socket Mode' : 'HTTP mode'})`].filter(Boolean);
  const platform = platforms.length > 0 ? platforms.join(' and ') : 'the console (no DISCORD_TOKEN or SLACK_BOT_TOKEN)';
  io.stdout.write(
    `${config.sourceName} is valid: ${count} subscription${count === 1 ? '' : 's'} (${plan.subscriptions.length} watched with this environment), ` +
      `poll every ${config.env.pollIntervalSeconds} s, store ${hideCredentials(config.env.store)}, posting to ${platform}, ` +
      `roles ${[...config.env.roles].join(',')}.\n`,
  );
  return 0;
}

async function runDiscordRegister(args: string[], io: CliIo): Promise<number> {
  parseCommandArgs({ args, options: {} });
  const { env } = readConfiguration(io.env, io.cwd, false);
  if (env.discordToken === undefined) {
    io.stderr.write('herald: set DISCORD_TOKEN (in the environment or .env) to register commands.\n');
    return 1;
  }
  const apiUrl = normaliseApiBase(env.discordApiUrl);
  let result;
  try {
    result = await registerWithToken({
      token: env.discordToken,
      apiUrl,
      guildId: env.discordGuildId,
      groups: commandGroups,
      log: createLogger({ level: env.logLevel, format: env.logFormat }),
    });
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    // Discord answered (a DiscordAPIError or HTTPError carries its status): that error says what it refused.
    if (typeof status === 'number') throw error;
    const where = apiUrl ?? 'https://discord.com/api';
    const check = env.discordApiUrl === undefined ? 'check the network (DISCORD_API_URL is unset: Discord itself)' : 'check DISCORD_API_URL';
    io.stderr.write(`herald: could not reach the Discord API at ${where} (${networkReason(error)}): ${check}.\n`);
    return 1;
  }
  io.stdout.write(`${result.changed ? 'Registered' : 'Already up to date:'} /feed (${result.scope}).\n`);
  return 0;
}

/** The innermost reason a request did not get an answer: ECONNREFUSED, ENOTFOUND, a timeout. */
function networkReason(error: unknown): string {
  let current: unknown = error;
  while ((current as { cause?: unknown } | undefined)?.cause !== undefined) current = (current as { cause: unknown }).cause;
  const code = (current as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : messageOf(current);
}

async function runSlackManifest(args: string[], io: CliIo): Promise<number> {
  const { socket, http } = parseCommandArgs({ args, options: { socket: { type: 'boolean' }, http: { type: 'string' } } }).values;
  if (socket === true && http !== undefined) throw new UsageError('choose --socket or --http, not both');
  io.stdout.write(slackManifestYaml(commandGroups, http === undefined ? { mode: 'socket' } : { mode: 'http', url: http }));
  return 0;
}

/** `prefix` before the first line, and the others indented as far, so a caret line still points at its column. */
function withPrefix(prefix: string, message: string): string {
  return prefix + message.replaceAll('\n', `\n${' '.repeat(prefix.length)}`);
}

async function runOpml(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args, allowPositionals: true,
    options: { platform: { type: 'string' }, workspace: { type: 'string' }, channel: { type: 'string' }, rule: { type: 'string' } },
  });
  const [action, file, ...extra] = positionals;
  if (action !== 'import' && action !== 'export') throw new UsageError(action === undefined ? 'say import or export' : `unknown action "${action}": import or export`);
  if (extra.length > 0 || (action === 'export' && file !== undefined)) throw new UsageError(`unexpected argument "${extra[0] ?? file}"`);
  const platform = values.platform;
  if (platform !== undefined && platform !== 'discord' && platform !== 'slack') {
    throw new UsageError(platform === 'console' ? 'console subscriptions come from the config file (config/herald.yaml): list the feeds there' : `--platform is discord or slack, not "${platform}"`);
  }
  if (action === 'import') {
    if (file === undefined) throw new UsageError('name the OPML file to import');
    if (platform === undefined || values.workspace === undefined || values.channel === undefined) throw new UsageError('import needs --platform, --workspace and --channel');
  } else if (platform === undefined || values.workspace === undefined) throw new UsageError('export needs --platform and --workspace');

  const document = action === 'import' ? readOpmlFile(file!, io.cwd) : undefined;
  const { env } = readConfiguration(io.env, io.cwd, false);
  const log = createLogger({ level: 'warn', format: env.logFormat, stream: io.stderr as NodeJS.WritableStream });
  const store = await openStore(env.store, { cwd: io.cwd, log });
  const cache = openCache(undefined, log);
  try {
    const subscriptions = new SubscriptionService({
      store, cache, load: loadFeed, rules: new RuleCache(), allowPrivateUrls: env.allowPrivateUrls, pollIntervalSeconds: env.pollIntervalSeconds, clock: () => new Date(),
    });
    if (document === undefined) {
      const listed = await subscriptions.list({ platform: platform!, workspaceId: values.workspace! }, values.channel);
      io.stdout.write(exportOpml(`Herald: ${platform} ${values.workspace}${values.channel === undefined ? '' : ` #${values.channel}`}`, listed, (subscription) => `#${subscription.channelName ?? subscription.channelId}`));
      return 0;
    }
    const rule = values.rule === undefined ? undefined : validateRule(values.rule);
    const report = await importOpml(subscriptions, document, { platform: platform!, workspaceId: values.workspace!, channelId: values.channel!, rule, createdBy: 'herald opml import' }, (position, total, feed, outcome) => {
      const where = `[${position}/${total}]`;
      if (outcome.kind === 'added') io.stdout.write(`${where} added ${outcome.subscription.feedTitle} (${outcome.subscription.id})\n`);
      else if (outcome.kind === 'skipped') io.stdout.write(`${where} skipped ${feed.title}: ${outcome.reason}\n`);
      else io.stdout.write(`${where} failed: ${feed.title} <${feed.xmlUrl}>: ${outcome.reason}\n`);
    });
    io.stdout.write(`${report.added} added, ${report.skipped} skipped (already followed), ${report.failed} failed of ${document.feeds.length} feeds.\n`);
    return report.failed > 0 ? 1 : 0;
  } finally {
    await cache.close();
    await store.close();
  }
}

function readOpmlFile(file: string, cwd: string): OpmlDocument {
  const resolved = path.resolve(cwd, file);
  const stats = statSync(resolved, { throwIfNoEntry: false });
  if (stats === undefined) throw new HeraldError('opml-file', `the file ${file} does not exist (looked for ${resolved})`);
  if (!stats.isFile()) throw new HeraldError('opml-file', `${file} is not a file`);
  if (stats.size > MAX_OPML_CHARACTERS * 4) throw new HeraldError('opml-file', `${file} is ${stats.size} bytes, too large for a subscription list`);
  const document = parseOpml(decodeFeedBytes(readFileSync(resolved)));
  if (document.feeds.length === 0) throw new HeraldError('opml-empty', `${file} lists no feeds (no outline with an xmlUrl)`);
  return document;
}
