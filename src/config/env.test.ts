import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { readFileSync } from 'node:fs';
import { ENV_VARIABLES, findUnknownVariables, readEnv, type Env } from './env.ts';

function problemsOf(source: NodeJS.ProcessEnv): readonly string[] {
  try {
    readEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('config');
    return (error as ConfigError).problems;
  }
  throw new Error('readEnv accepted the environment');
}

describe('readEnv', () => {
  it('applies the documented defaults to an empty environment, leaving unset settings absent', () => {
    expect(readEnv({})).toStrictEqual({
      configPath: 'config/herald.yaml',
      store: 'sqlite://data/herald.sqlite',
      allowPrivateUrls: false,
      pollIntervalSeconds: 600,
      maxItemAgeDays: 7,
      logLevel: 'info',
      roles: new Set(['poll', 'deliver', 'gateway', 'http']),
      discordShards: 1,
      maxPostsPerPoll: 5,
      fetchConcurrency: 32,
      fetchPerHost: 2,
      fetchMaxBytes: 10 * 1024 * 1024,
      fetchTimeoutSeconds: 30,
      maxParkedPerSubscription: 100,
    } satisfies Partial<Env>);
  });

  it('treats empty and blank values as unset', () => {
    const env = readEnv({ HERALD_STORE: '', HERALD_POLL_INTERVAL: '  ', DISCORD_TOKEN: '', LOG_LEVEL: '' });
    expect(env.store).toBe('sqlite://data/herald.sqlite');
    expect(env.pollIntervalSeconds).toBe(600);
    expect(env.discordToken).toBeUndefined();
    expect(env.logLevel).toBe('info');
  });

  it.each<[string, NodeJS.ProcessEnv, Partial<Env>]>([
    ['tokens and URLs', { DISCORD_TOKEN: 'abc', DISCORD_API_URL: 'http://127.0.0.1:3001/api', DISCORD_GUILD_ID: '123' }, { discordToken: 'abc', discordApiUrl: 'http://127.0.0.1:3001/api', discordGuildId: '123' }],
    ['Slack in Socket Mode', { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_API_URL: 'https://localhost/api/' }, { slackBotToken: 'xoxb-1', slackAppToken: 'xapp-1', slackApiUrl: 'https://localhost/api/' }],
    ['Slack over HTTP', { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's3cret' }, { slackSigningSecret: 's3cret' }],
    ['a trimmed token', { DISCORD_TOKEN: 'abc\n' }, { discordToken: 'abc' }],
    ['config path', { HERALD_CONFIG: '/etc/herald.yaml' }, { configPath: '/etc/herald.yaml' }],
    ['sqlite store', { HERALD_STORE: 'sqlite:///var/lib/herald.db' }, { store: 'sqlite:///var/lib/herald.db' }],
    ['postgres store', { HERALD_STORE: 'postgres://u:p@db/herald' }, { store: 'postgres://u:p@db/herald' }],
    ['postgresql store', { HERALD_STORE: 'postgresql://db/herald' }, { store: 'postgresql://db/herald' }],
    ['port', { HERALD_HTTP_PORT: '8080' }, { httpPort: 8080 }],
    ['port 0 (any free port)', { HERALD_HTTP_PORT: '0' }, { httpPort: 0 }],
    ['a subset of roles, as people type them', { HERALD_ROLES: 'Poll, deliver,' }, { roles: new Set(['poll', 'deliver']) }],
    ['shards asked of Discord', { DISCORD_SHARDS: 'auto' }, { discordShards: 'auto' }],
    ['a number of shards', { DISCORD_SHARDS: '4' }, { discordShards: 4 }],
    ['the Discord proxy port', { HERALD_DISCORD_PROXY_PORT: '8081' }, { discordProxyPort: 8081 }],
    ['posts per poll', { HERALD_MAX_POSTS_PER_POLL: '12' }, { maxPostsPerPoll: 12 }],
    ['fetch limits', { HERALD_FETCH_CONCURRENCY: '8', HERALD_FETCH_PER_HOST: '1', HERALD_FETCH_TIMEOUT: '2m' }, { fetchConcurrency: 8, fetchPerHost: 1, fetchTimeoutSeconds: 120 }],
    ['a body cap in bytes', { HERALD_FETCH_MAX_BYTES: '500000' }, { fetchMaxBytes: 500_000 }],
    ['a body cap in MiB', { HERALD_FETCH_MAX_BYTES: '2MiB' }, { fetchMaxBytes: 2 * 1024 * 1024 }],
    ['a body cap in kB, as people type it', { HERALD_FETCH_MAX_BYTES: '512 kB' }, { fetchMaxBytes: 512_000 }],
    ['private URLs: true', { HERALD_ALLOW_PRIVATE_URLS: 'true' }, { allowPrivateUrls: true }],
    ['private URLs: 1', { HERALD_ALLOW_PRIVATE_URLS: '1' }, { allowPrivateUrls: true }],
    ['private URLs: YES', { HERALD_ALLOW_PRIVATE_URLS: 'YES' }, { allowPrivateUrls: true }],
    ['private URLs: false', { HERALD_ALLOW_PRIVATE_URLS: 'false' }, { allowPrivateUrls: false }],
    ['private URLs: 0', { HERALD_ALLOW_PRIVATE_URLS: '0' }, { allowPrivateUrls: false }],
    ['private URLs: no', { HERALD_ALLOW_PRIVATE_URLS: 'no' }, { allowPrivateUrls: false }],
    ['poll interval in seconds', { HERALD_POLL_INTERVAL: '90' }, { pollIntervalSeconds: 90 }],
    ['poll interval as a duration', { HERALD_POLL_INTERVAL: '5m' }, { pollIntervalSeconds: 300 }],
    ['item age in days', { HERALD_MAX_ITEM_AGE_DAYS: '30' }, { maxItemAgeDays: 30 }],
    ['item age as a fraction', { HERALD_MAX_ITEM_AGE_DAYS: '0.5' }, { maxItemAgeDays: 0.5 }],
    ['item age as a duration', { HERALD_MAX_ITEM_AGE_DAYS: '36h' }, { maxItemAgeDays: 1.5 }],
    ['log level', { LOG_LEVEL: 'debug' }, { logLevel: 'debug' }],
    ['log level in capitals', { LOG_LEVEL: 'WARN' }, { logLevel: 'warn' }],
    ['log format', { LOG_FORMAT: 'json' }, { logFormat: 'json' }],
  ])('reads %s', (_name, source, expected) => {
    expect(readEnv(source)).toMatchObject(expected);
  });

  it.each<[string, string, string]>([
    ['DISCORD_API_URL', 'discord.com/api', 'DISCORD_API_URL: must be an http(s) URL'],
    ['DISCORD_API_URL', 'ftp://127.0.0.1/api', 'DISCORD_API_URL: must be an http(s) URL'],
    ['SLACK_API_URL', 'ws://127.0.0.1/', 'SLACK_API_URL: must be an http(s) URL'],
    ['HERALD_STORE', 'mysql://db/herald', 'HERALD_STORE: must be sqlite://path (a file) or postgres://user@host/database'],
    ['HERALD_STORE', 'data/herald.sqlite', 'HERALD_STORE: must be sqlite://path'],
    // Accepted once by check-config although start could not open it: both now refuse it alike.
    ['HERALD_STORE', 'redis://localhost:6379', 'HERALD_STORE: must be sqlite://path'],
    ['HERALD_STORE', 'sqlite://', 'HERALD_STORE: must be sqlite://path'],
    ['HERALD_HTTP_PORT', '80a', 'HERALD_HTTP_PORT: must be a port number'],
    ['HERALD_ROLES', 'poll,posting', 'HERALD_ROLES: "posting" is not a role; must be a comma-separated list of poll, deliver, gateway, http'],
    ['HERALD_ROLES', ',', 'HERALD_ROLES: must be a comma-separated list'],
    ['DISCORD_SHARDS', '0', 'DISCORD_SHARDS: must be auto or a number of shards'],
    ['HERALD_MAX_POSTS_PER_POLL', '0', 'HERALD_MAX_POSTS_PER_POLL: must be a whole number from 1 to 1000'],
    ['HERALD_FETCH_CONCURRENCY', '0', 'HERALD_FETCH_CONCURRENCY: must be a whole number from 1 to 1000'],
    ['HERALD_FETCH_PER_HOST', 'lots', 'HERALD_FETCH_PER_HOST: must be a whole number from 1 to 100'],
    ['HERALD_FETCH_MAX_BYTES', '10 gallons', 'HERALD_FETCH_MAX_BYTES: must be a size from 1KiB to 1GiB'],
    ['HERALD_FETCH_MAX_BYTES', '2GiB', 'HERALD_FETCH_MAX_BYTES: must be a size from 1KiB to 1GiB'],
    ['HERALD_FETCH_TIMEOUT', '0', 'HERALD_FETCH_TIMEOUT: must be from 1 to 600 seconds'],
    ['DISCORD_SHARDS', 'many', 'DISCORD_SHARDS: must be auto or a number of shards'],
    ['HERALD_HTTP_PORT', '65536', 'HERALD_HTTP_PORT: must be a port number'],
    ['HERALD_HTTP_PORT', '-1', 'HERALD_HTTP_PORT: must be a port number'],
    ['HERALD_ALLOW_PRIVATE_URLS', 'on', 'HERALD_ALLOW_PRIVATE_URLS: must be true, false'],
    ['HERALD_POLL_INTERVAL', '0', 'HERALD_POLL_INTERVAL: must be a whole number of seconds'],
    ['HERALD_POLL_INTERVAL', '1.5', 'HERALD_POLL_INTERVAL: must be a whole number of seconds'],
    ['HERALD_POLL_INTERVAL', 'often', 'HERALD_POLL_INTERVAL: must be a whole number of seconds'],
    ['HERALD_MAX_ITEM_AGE_DAYS', '0', 'HERALD_MAX_ITEM_AGE_DAYS: must be a number of days greater than 0'],
    ['HERALD_MAX_ITEM_AGE_DAYS', 'week', 'HERALD_MAX_ITEM_AGE_DAYS: must be a number of days'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL: must be one of debug, info, warn, error'],
    ['LOG_FORMAT', 'xml', 'LOG_FORMAT: must be json or pretty'],
  ])('reports %s=%s', (name, value, expected) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
    expect(problems[0]).toContain(JSON.stringify(value));
  });

  it('reports every bad variable at once, one per line', () => {
    const source = {
      DISCORD_API_URL: 'nope',
      HERALD_STORE: 'mysql://x',
      HERALD_HTTP_PORT: 'http',
      HERALD_ALLOW_PRIVATE_URLS: 'maybe',
      HERALD_POLL_INTERVAL: '-5',
      HERALD_MAX_ITEM_AGE_DAYS: 'x',
      LOG_LEVEL: 'loud',
      SLACK_APP_TOKEN: 'xapp-1',
    };
    let message = '';
    try {
      readEnv(source);
    } catch (error) {
      message = (error as Error).message;
    }
    const names = message.split('\n').map((line) => line.split(':')[0]);
    expect(names.sort()).toEqual([...Object.keys(source)].sort());
  });

  it.each<[string, NodeJS.ProcessEnv, string]>([
    ['a bot token without a mode', { SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_BOT_TOKEN: is set, but neither SLACK_APP_TOKEN'],
    ['an app token without a bot token', { SLACK_APP_TOKEN: 'xapp-1' }, 'SLACK_APP_TOKEN: is set, but SLACK_BOT_TOKEN is not'],
    ['a signing secret without a bot token', { SLACK_SIGNING_SECRET: 'x' }, 'SLACK_SIGNING_SECRET: is set, but SLACK_BOT_TOKEN is not'],
    ['swapped tokens', { SLACK_BOT_TOKEN: 'xapp-1', SLACK_APP_TOKEN: 'xoxb-1' }, 'SLACK_BOT_TOKEN: holds an app-level token'],
  ])('reports Slack set-up mistakes: %s', (_name, source, expected) => {
    expect(problemsOf(source).join('\n')).toContain(expected);
  });

  it('never prints a secret or a store password', () => {
    const message = problemsOf({
      SLACK_BOT_TOKEN: 'xapp-topsecret-value',
      SLACK_APP_TOKEN: 'xapp-1',
      HERALD_STORE: 'mysql://admin:hunter2@db/herald',
    }).join('\n');
    expect(message).not.toContain('topsecret');
    expect(message).not.toContain('hunter2');
    expect(message).toContain('mysql://***@db/herald');
  });
});

describe('findUnknownVariables', () => {
  it('names a HERALD_* variable Herald does not read, with the likely intended one', () => {
    expect(findUnknownVariables({ HERALD_POLL_INTERVALL: '60', HERALD_STORE: 'redis://x', HERALD_ZZZ: '1', PATH: '/bin' })).toEqual([
      'HERALD_POLL_INTERVALL is not a Herald setting; did you mean HERALD_POLL_INTERVAL?',
      'HERALD_ZZZ is not a Herald setting',
    ]);
  });

  it('names unknown DISCORD_* and SLACK_* variables too', () => {
    expect(findUnknownVariables({ DISCORD_TOKN: 'x', SLACK_BOT_TOKEM: 'y', SLACK_WEBHOOK: 'z', DISCORD_TOKEN: 'ok' })).toEqual([
      'DISCORD_TOKN is not a Herald setting; did you mean DISCORD_TOKEN?',
      'SLACK_BOT_TOKEM is not a Herald setting; did you mean SLACK_BOT_TOKEN?',
      'SLACK_WEBHOOK is not a Herald setting',
    ]);
  });
});

describe('.env.example', () => {
  it('names exactly the variables Herald reads, each with a comment', () => {
    const lines = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8').split('\n');
    const names = lines.map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1]).filter((name) => name !== undefined);
    expect([...names].sort()).toEqual([...ENV_VARIABLES].sort());
    for (const name of names) expect(lines[lines.findIndex((line) => line.includes(`${name}=`)) - 1], name).toMatch(/^# \S/);
  });
});
