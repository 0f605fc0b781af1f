/**
 * The operator's logger. Takes a level, a stream (stderr by default: stdout belongs to what the console
 * adapter "posts") and a format; returns a Logger whose methods write one line per record.
 *
 * - pretty (default when the stream is a TTY): `23:59:01 INFO  poller  fetched feed url=https://… items=12`
 *   where `poller` is the `module` field, usually set once with `child({ module: 'poller' })`.
 * - json (default otherwise): one object a line, `{"time":…,"level":"info","module":"poller","msg":…,…}`.
 *
 * Error values in fields are rendered with their code, message and cause chain, so an operator sees
 * "fetch: HTTP 503 … <- caused by ECONNRESET: …" rather than `{}`.
 */

import { HeraldError } from './errors.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  readonly level: LogLevel;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every record (later fields win over earlier ones). */
  child(fields: LogFields): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level: LogLevel;
  stream?: NodeJS.WritableStream;
  format?: LogFormat;
  /** ANSI colours in pretty output; defaults to on for a TTY stream. */
  color?: boolean;
  /** The clock, for tests. */
  now?: () => Date;
}

interface Sink {
  readonly threshold: number;
  write(level: LogLevel, message: string, fields: LogFields): void;
}

const MAX_CAUSE_DEPTH = 5;

export function createLogger(options: LoggerOptions): Logger {
  const stream = options.stream ?? process.stderr;
  const isTty = (stream as { isTTY?: boolean }).isTTY === true;
  const format = options.format ?? (isTty ? 'pretty' : 'json');
  const color = options.color ?? (isTty && format === 'pretty');
  const now = options.now ?? (() => new Date());
  const render = format === 'json' ? renderJsonLine : (record: LogRecord) => renderPrettyLine(record, color);
  const sink: Sink = {
    threshold: LOG_LEVELS.indexOf(options.level),
    write(level, message, fields) {
      stream.write(render({ time: now(), level, message, fields }) + '\n');
    },
  };
  return buildLogger(sink, options.level, {});
}

/** A logger that drops everything: for tests and library callers that were given none. */
export function createSilentLogger(): Logger {
  return buildLogger({ threshold: LOG_LEVELS.length, write() {} }, 'error', {});
}

function buildLogger(sink: Sink, level: LogLevel, bound: LogFields): Logger {
  const emit = (recordLevel: LogLevel) => (message: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(recordLevel) < sink.threshold) return;
    sink.write(recordLevel, message, fields === undefined ? bound : { ...bound, ...fields });
  };
  return {
    level,
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => buildLogger(sink, level, { ...bound, ...fields }),
    isLevelEnabled: (candidate) => LOG_LEVELS.indexOf(candidate) >= sink.threshold,
  };
}

interface LogRecord {
  time: Date;
  level: LogLevel;
  message: string;
  fields: LogFields;
}

function renderJsonLine({ time, level, message, fields }: LogRecord): string {
  const { module, ...rest } = fields;
  const record: Record<string, unknown> = { time: time.toISOString(), level };
  if (module !== undefined) record.module = module;
  record.msg = message;
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) record[key] = toJsonValue(value);
  }
  return JSON.stringify(record, jsonReplacer);
}

function toJsonValue(value: unknown): unknown {
  return value instanceof Error ? describeError(value, true) : value;
}

/** Keeps JSON.stringify from throwing on the values logs meet in practice. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return describeError(value, false);
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

interface ErrorDescription {
  name?: string;
  code?: string;
  message: string;
  errors?: ErrorDescription[];
  cause?: ErrorDescription | string;
  stack?: string;
}

/**
 * An error as plain data. The stack is kept only for the outermost error of a kind Herald did not
 * define (a bug rather than a reported failure), where it is what the operator needs.
 */
function describeError(error: Error, withStack: boolean, depth = 0): ErrorDescription {
  const description: ErrorDescription = { message: error.message };
  if (error.name !== 'Error' && error.name !== 'HeraldError') description.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') description.code = String(code);
  if (error instanceof AggregateError && error.errors.length > 0 && depth < MAX_CAUSE_DEPTH) {
    description.errors = error.errors.map((inner) =>
      inner instanceof Error ? describeError(inner, false, depth + 1) : { message: String(inner) },
    );
  }
  if (error.cause !== undefined) {
    if (depth >= MAX_CAUSE_DEPTH) description.cause = '…';
    else if (error.cause instanceof Error) description.cause = describeError(error.cause, false, depth + 1);
    else description.cause = String(error.cause);
  }
  if (withStack && !(error instanceof HeraldError) && error.stack !== undefined) description.stack = error.stack;
  return description;
}

const LEVEL_LABELS: Record<LogLevel, string> = { debug: 'DEBUG', info: 'INFO ', warn: 'WARN ', error: 'ERROR' };
const LEVEL_COLORS: Record<LogLevel, string> = { debug: '\x1b[90m', info: '\x1b[36m', warn: '\x1b[33m', error: '\x1b[31m' };
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

function renderPrettyLine({ time, level, message, fields }: LogRecord, color: boolean): string {
  const { module, ...rest } = fields;
  const clock = [time.getHours(), time.getMinutes(), time.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  const parts = [color ? `${DIM}${clock}${RESET}` : clock, color ? `${LEVEL_COLORS[level]}${LEVEL_LABELS[level]}${RESET}` : LEVEL_LABELS[level]];
  if (module !== undefined) parts.push(`${String(module)} `);
  parts.push(message);
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    parts.push(`${key}=${formatPrettyValue(value)}`);
    if (value instanceof Error && !(value instanceof HeraldError) && value.stack !== undefined) stacks.push(indent(value.stack));
  }
  return [parts.join(' '), ...stacks].join('\n');
}

function formatPrettyValue(value: unknown): string {
  if (value instanceof Error) return quoteIfNeeded(summariseError(value));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'string') return quoteIfNeeded(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null) return String(value);
  try {
    return JSON.stringify(value, jsonReplacer) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `code: message <- caused by code: message`, one link per cause. */
function summariseError(error: Error): string {
  const links: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth <= MAX_CAUSE_DEPTH; depth += 1) {
    if (!(current instanceof Error)) {
      links.push(String(current));
      break;
    }
    links.push(describeErrorLink(current));
    current = current.cause;
  }
  return links.join(' <- caused by ');
}

function describeErrorLink(error: Error): string {
  const code = (error as { code?: unknown }).code;
  let message = error.message;
  if (error instanceof AggregateError && error.errors.length > 0) {
    const inner = error.errors.map((item) => (item instanceof Error ? describeErrorLink(item) : String(item))).join('; ');
    message = message === '' ? inner : `${message} [${inner}]`;
  }
  const prefix = typeof code === 'string' || typeof code === 'number' ? String(code) : error.name === 'Error' || error.name === 'HeraldError' ? '' : error.name;
  return prefix === '' ? message : `${prefix}: ${message}`;
}

function quoteIfNeeded(text: string): string {
  return text === '' || /[\s"=\\]|[\u0000-\u001f]/.test(text) ? JSON.stringify(text) : text;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
