import { describe, expect, it } from 'vitest';
import { HeraldError } from './errors.ts';
import { createLogger, type LoggerOptions, type LogLevel } from './log.ts';

const AT = new Date(2024, 0, 31, 23, 59, 1);

function capture(options: Omit<LoggerOptions, 'stream'> & { isTTY?: boolean }) {
  const chunks: string[] = [];
  const stream = { isTTY: options.isTTY, write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WritableStream;
  const logger = createLogger({ now: () => AT, ...options, stream });
  return { logger, lines: () => chunks.join('').split('\n').slice(0, -1), text: () => chunks.join('') };
}

describe('createLogger', () => {
  it.each<[LogLevel, string[]]>([
    ['debug', ['d', 'i', 'w', 'e']],
    ['info', ['i', 'w', 'e']],
    ['warn', ['w', 'e']],
    ['error', ['e']],
  ])('at level %s writes only records at or above it', (level, expected) => {
    const { logger, lines } = capture({ level, format: 'json' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines().map((line) => JSON.parse(line).msg)).toEqual(expected);
    expect(logger.isLevelEnabled('debug')).toBe(level === 'debug');
  });

  it('prints a pretty line with time, level, module, message and fields', () => {
    const { logger, text } = capture({ level: 'info', format: 'pretty' });
    logger.child({ module: 'poller' }).info('fetched feed', { url: 'https://dev.to/feed', items: 12 });
    logger.warn('slow', { feed: 'DEV Community', ms: 1500.5, ok: false, skipped: undefined });
    expect(text()).toBe(
      '23:59:01 INFO  poller  fetched feed url=https://dev.to/feed items=12\n' + '23:59:01 WARN  slow feed="DEV Community" ms=1500.5 ok=false\n',
    );
  });

  it('writes one JSON object a line, with the child fields merged', () => {
    const { logger, lines } = capture({ level: 'debug', format: 'json' });
    const child = logger.child({ module: 'delivery', destination: 'discord:1' });
    child.debug('sent', { attempt: 2, at: new Date(Date.UTC(2024, 0, 1)) });
    logger.info('plain');
    expect(lines().map((line) => JSON.parse(line))).toEqual([
      { time: AT.toISOString(), level: 'debug', module: 'delivery', msg: 'sent', destination: 'discord:1', attempt: 2, at: '2024-01-01T00:00:00.000Z' },
      { time: AT.toISOString(), level: 'info', msg: 'plain' },
    ]);
  });

  it('lets a record field win over a child field without changing the child', () => {
    const { logger, lines } = capture({ level: 'info', format: 'json' });
    const child = logger.child({ feed: 'a' });
    child.info('one', { feed: 'b' });
    child.info('two');
    expect(lines().map((line) => JSON.parse(line).feed)).toEqual(['b', 'a']);
  });

  it('renders an error with its code, message and cause chain', () => {
    const network = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const error = new HeraldError('fetch', 'GET https://a.example/feed failed', { cause: network });

    const pretty = capture({ level: 'info', format: 'pretty' });
    pretty.logger.error('poll failed', { error });
    expect(pretty.text()).toBe('23:59:01 ERROR poll failed error="fetch: GET https://a.example/feed failed <- caused by ECONNRESET: read ECONNRESET"\n');

    const json = capture({ level: 'info', format: 'json' });
    json.logger.error('poll failed', { error });
    expect(JSON.parse(json.lines()[0]!).error).toEqual({
      code: 'fetch',
      message: 'GET https://a.example/feed failed',
      cause: { code: 'ECONNRESET', message: 'read ECONNRESET' },
    });
  });

  it('adds the stack for an error Herald did not define (a bug), in both formats', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    const json = capture({ level: 'info', format: 'json' });
    json.logger.error('crashed', { error: bug });
    const record = JSON.parse(json.lines()[0]!).error;
    expect(record).toMatchObject({ name: 'TypeError', message: bug.message });
    expect(record.stack).toContain('log.test.ts');

    const pretty = capture({ level: 'info', format: 'pretty' });
    pretty.logger.error('crashed', { error: bug });
    expect(pretty.lines()[0]).toBe(`23:59:01 ERROR crashed error="TypeError: Cannot read properties of undefined (reading 'x')"`);
    expect(pretty.lines()[1]).toMatch(/^ {4}TypeError: Cannot read/);
  });

  it('names the inner errors of an AggregateError (as Node gives for a refused connection)', () => {
    const refused = Object.assign(new AggregateError([new Error('connect ECONNREFUSED ::1:80'), new Error('connect ECONNREFUSED 127.0.0.1:80')], ''), {
      code: 'ECONNREFUSED',
    });
    const { logger, text } = capture({ level: 'info', format: 'pretty' });
    logger.warn('down', { error: new HeraldError('fetch', 'cannot connect', { cause: refused }) });
    expect(text()).toContain('caused by ECONNREFUSED: connect ECONNREFUSED ::1:80; connect ECONNREFUSED 127.0.0.1:80');
  });

  it.each<[string, boolean | undefined, RegExp]>([
    ['JSON when the stream is not a terminal', undefined, /^\{"time":/],
    ['pretty when the stream is a terminal', true, /^\x1b\[2m23:59:01\x1b\[0m \x1b\[36mINFO \x1b\[0m hello\n$/],
  ])('defaults to %s', (_name, isTTY, expected) => {
    const { logger, text } = capture({ level: 'info', isTTY });
    logger.info('hello');
    expect(text()).toMatch(expected);
  });
});
