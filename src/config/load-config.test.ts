import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, EXAMPLE_CONFIG_PATH, loadConfig } from './load-config.ts';

let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'herald-config-'));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function writeConfig(text: string, path = 'config/herald.yaml'): void {
  mkdirSync(join(cwd, path, '..'), { recursive: true });
  writeFileSync(join(cwd, path), text);
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig', () => {
  it('creates config/herald.yaml from the example on first run, and says so', () => {
    const first = loadConfig({ env: {}, cwd, createIfMissing: true });
    expect(first.createdFromExample).toBe(true);
    expect(first.filePath).toBe(join(cwd, 'config/herald.yaml'));
    expect(readFileSync(first.filePath, 'utf8')).toBe(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8'));
    expect(first.file.subscriptions.map((subscription) => subscription.url)).toEqual(['https://dev.to/feed', 'https://techwasti.com/rss.xml']);

    const second = loadConfig({ env: {}, cwd, createIfMissing: true });
    expect(second.createdFromExample).toBe(false);
  });

  it('refuses a missing file when not asked to create it', () => {
    expect(problemsOf(() => loadConfig({ env: {}, cwd }))).toEqual([
      'config/herald.yaml: not found; copy config/herald.example.yaml there, or set HERALD_CONFIG to your file',
    ]);
  });

  it('reads the file named by HERALD_CONFIG, relative to the working directory', () => {
    writeConfig('subscriptions:\n  - url: https://a.example/feed\n', 'elsewhere/bot.yaml');
    const loaded = loadConfig({ env: { HERALD_CONFIG: 'elsewhere/bot.yaml' }, cwd });
    expect(loaded.filePath).toBe(join(cwd, 'elsewhere/bot.yaml'));
    expect(loaded.file.subscriptions).toEqual([{ url: 'https://a.example/feed', rule: '', platform: 'console', line: 2 }]);
  });

  it('loads .env without overriding variables already set, and leaves process.env alone', () => {
    writeConfig('');
    writeFileSync(
      join(cwd, '.env'),
      ['# local settings', 'DISCORD_TOKEN=from-dotenv', 'LOG_LEVEL=debug', 'HERALD_STORE="postgres://127.0.0.1:5432/test"', 'HERALD_TEST_MARKER_9F3=1'].join('\n'),
    );
    const loaded = loadConfig({ env: { LOG_LEVEL: 'warn', HERALD_STORE: '' }, cwd });
    expect(loaded.env.discordToken).toBe('from-dotenv');
    expect(loaded.env.logLevel).toBe('warn');
    // A blank variable counts as unset, so .env fills it.
    expect(loaded.env.store).toBe('postgres://127.0.0.1:5432/test');
    expect(loaded.envFilePath).toBe(join(cwd, '.env'));
    expect(process.env.HERALD_TEST_MARKER_9F3).toBeUndefined();
    expect(loaded.warnings).toEqual(['HERALD_TEST_MARKER_9F3 is not a Herald setting']);
  });

  it('takes HERALD_CONFIG from .env too', () => {
    writeConfig('', 'conf/other.yaml');
    writeFileSync(join(cwd, '.env'), 'HERALD_CONFIG=conf/other.yaml\n');
    expect(loadConfig({ env: {}, cwd }).filePath).toBe(join(cwd, 'conf/other.yaml'));
  });

  it.each<[string, NodeJS.ProcessEnv, string, number, number]>([
    ['built-in defaults', {}, '', 600, 7],
    ['the file', {}, 'defaults:\n  pollInterval: 2m\n  maxItemAge: 3d\n', 120, 3],
    ['the environment over the file', { HERALD_POLL_INTERVAL: '30', HERALD_MAX_ITEM_AGE_DAYS: '1' }, 'defaults:\n  pollInterval: 2m\n  maxItemAge: 3d\n', 30, 1],
    ['the environment alone', { HERALD_POLL_INTERVAL: '900' }, '', 900, 7],
    ['the file when the variable is blank', { HERALD_POLL_INTERVAL: '' }, 'defaults:\n  pollInterval: 45s\n', 45, 7],
  ])('takes the poll interval and item age from %s', (_name, env, text, pollIntervalSeconds, maxItemAgeDays) => {
    writeConfig(text);
    expect(loadConfig({ env, cwd }).env).toMatchObject({ pollIntervalSeconds, maxItemAgeDays });
  });

  it('reports problems in the environment and the file together', () => {
    writeConfig('subscriptions:\n  - url: https://a.example/\n    rule: kafka AND\n');
    const problems = problemsOf(() =>
      loadConfig({ env: { LOG_LEVEL: 'chatty' }, cwd, validateRule: (rule) => (rule.endsWith('AND') ? 'nothing after AND' : undefined) }),
    );
    expect(problems).toEqual([
      'LOG_LEVEL: must be one of debug, info, warn, error (got "chatty")',
      'config/herald.yaml: subscriptions[0].rule: nothing after AND (line 3)',
    ]);
  });
});
