/**
 * Parsing off the main thread: a small pool of worker threads (node:worker_threads) that read fetched bodies
 * (feed-body.ts), each with a memory cap (resourceLimits) and a time cap per body. A body that takes too long
 * has its worker terminated and replaced; one that needs too much memory kills only its worker. Either way the
 * caller gets a HeraldError that says which cap was hit, and the event loop that answers chat never waited.
 * Bodies below `inlineBelowBytes` are read inline: for them a thread's round trip costs more than the parse
 * (bench/hostile.ts measures both).
 *
 * From the TypeScript source (tsx, vitest) the worker registers tsx's loader before importing its .ts module;
 * from the build it is the compiled .js beside this file.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HeraldError } from '../errors.ts';
import { FeedParseError, type FeedParseErrorCode } from './parse.ts';
import { readFeedBody, type FeedBody, type FeedBodyJob } from './feed-body.ts';
import type { WorkerAnswer } from './parse-worker.ts';

export interface ParsePoolOptions {
  /** Worker threads at most (default: one fewer than the cores, 1 to 4). */
  readonly size?: number;
  /** How long one body may take to read (default 10 s). */
  readonly timeoutMs?: number;
  /** A worker's heap cap (default 256 MB). */
  readonly maxMemoryMb?: number;
  /** Bodies smaller than this are read on the calling thread (default 32 KiB; 0: every body goes to a worker). */
  readonly inlineBelowBytes?: number;
}

export const DEFAULT_PARSE_TIMEOUT_MS = 10_000;
export const DEFAULT_PARSE_MEMORY_MB = 256;
export const DEFAULT_INLINE_BELOW_BYTES = 32 * 1024;

export class ParseLimitError extends HeraldError {
  constructor(code: 'parse-timeout' | 'parse-too-large', message: string, userMessage: string) {
    super(code, message, { userMessage });
    this.name = 'ParseLimitError';
  }
}

interface Job {
  readonly input: FeedBodyJob;
  readonly resolve: (body: FeedBody) => void;
  readonly reject: (error: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  /** Whether the worker has loaded its code: the time cap runs from then, not from a slow start. */
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
}

const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
// A variable, not a literal: the build's .js sits where the source's .ts does.
const workerFile = fromSource ? './parse-worker.ts' : './parse-worker.js';

export class ParsePool {
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxMemoryMb: number;
  private readonly inlineBelowBytes: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(options: ParsePoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(4, availableParallelism() - 1));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
    this.maxMemoryMb = options.maxMemoryMb ?? DEFAULT_PARSE_MEMORY_MB;
    this.inlineBelowBytes = options.inlineBelowBytes ?? DEFAULT_INLINE_BELOW_BYTES;
  }

  /** Reads a fetched body: the feed, or a web page's feed links. Rejects with the parse error or a ParseLimitError. */
  read(input: FeedBodyJob): Promise<FeedBody> {
    if (input.bytes.byteLength < this.inlineBelowBytes) {
      try {
        return Promise.resolve(readFeedBody(input));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.closed) return Promise.reject(new HeraldError('parse-closed', 'The parse pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; bodies still waiting are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new HeraldError('parse-closed', 'The parse pool closed before the feed was read'));
    await Promise.all(this.slots.splice(0).map(async (slot) => {
      clearTimeout(slot.timer);
      slot.job?.reject(new HeraldError('parse-closed', 'The parse pool closed while the feed was read'));
      await slot.worker.terminate();
    }));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((candidate) => candidate.job === undefined) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (slot === undefined) return;
      const job = this.queue.shift() as Job;
      slot.job = job;
      // Busy workers keep the process alive (a CLI awaiting its feed); idle ones do not.
      slot.worker.ref();
      if (slot.ready) this.startTimer(slot, job);
      slot.worker.postMessage(job.input);
    }
  }

  private spawn(): Slot {
    const worker = fromSource ? new Worker(sourceBootstrap(), { eval: true, resourceLimits: this.limits() }) : new Worker(new URL(workerFile, import.meta.url), { resourceLimits: this.limits() });
    const slot: Slot = { worker, ready: false };
    worker.unref();
    worker.on('message', (answer: WorkerAnswer | 'ready') => {
      if (answer !== 'ready') return this.settle(slot, answer);
      slot.ready = true;
      if (slot.job !== undefined) this.startTimer(slot, slot.job);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const job = slot.job;
      this.fail(slot, error.code === 'ERR_WORKER_OUT_OF_MEMORY' && job !== undefined ? this.memoryError(job.input) : error);
    });
    worker.on('exit', () => this.fail(slot, new HeraldError('parse-failed', 'The parse worker stopped while reading a feed')));
    this.slots.push(slot);
    return slot;
  }

  private startTimer(slot: Slot, job: Job): void {
    slot.timer = setTimeout(() => this.fail(slot, this.timeoutError(job.input)), this.timeoutMs);
  }

  private limits() {
    return { maxOldGenerationSizeMb: this.maxMemoryMb, maxYoungGenerationSizeMb: Math.max(16, Math.floor(this.maxMemoryMb / 8)) };
  }

  private settle(slot: Slot, answer: WorkerAnswer): void {
    const job = slot.job;
    if (job === undefined) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.worker.unref();
    if (answer.ok) job.resolve(answer.body);
    else job.reject(errorFrom(answer.error));
    this.dispatch();
  }

  /** Ends a worker (timed out, out of memory, crashed): its job fails with `error`, a fresh worker takes the queue. */
  private fail(slot: Slot, error: unknown): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    clearTimeout(slot.timer);
    slot.job?.reject(error);
    slot.job = undefined;
    void slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }

  private timeoutError(input: FeedBodyJob): ParseLimitError {
    const limit = this.timeoutMs < 1_000 ? `${this.timeoutMs} ms` : `${Number((this.timeoutMs / 1000).toFixed(1))} s`;
    return new ParseLimitError('parse-timeout', `Reading ${input.finalUrl} (${input.bytes.byteLength} bytes) took longer than the parse time cap of ${limit}`,
      `The feed at ${input.finalUrl} took too long to parse (more than ${limit}), so Herald gave up on it.`);
  }

  private memoryError(input: FeedBodyJob): ParseLimitError {
    return new ParseLimitError('parse-too-large', `Reading ${input.finalUrl} (${input.bytes.byteLength} bytes) needed more than the parse memory cap of ${this.maxMemoryMb} MB`,
      `The feed at ${input.finalUrl} was too large to parse (it needed more than ${this.maxMemoryMb} MB), so Herald gave up on it.`);
  }
}

/** The worker's entry when running from source: tsx's loader first, then the .ts module. */
function sourceBootstrap(): string {
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL(workerFile, import.meta.url).href;
  return `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
}

function errorFrom(flat: Extract<WorkerAnswer, { ok: false }>['error']): HeraldError {
  if (flat.name === 'FeedParseError') return new FeedParseError(flat.code as FeedParseErrorCode, flat.message);
  return new HeraldError(flat.code, flat.message, flat.userMessage === undefined ? {} : { userMessage: flat.userMessage });
}

let shared: ParsePool | undefined;

/** The process's pool, made on first use (its idle workers never keep the process alive). */
export function sharedParsePool(): ParsePool {
  shared ??= new ParsePool();
  return shared;
}
