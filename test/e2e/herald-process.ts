/**
 * Starts Herald as a user would (`herald start`, a real child process) with a given environment in a fresh
 * working directory, and lets a test read what it prints and stop or kill it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildState } from '../../bin/build-state.js';
import { imageNodeArguments } from '../support/image-command.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * How Herald is started: from the TypeScript source through tsx's loader (what `npm start` does before a build), or,
 * with HERALD_E2E_BUILD=dist (CI sets it for one run), as the image runs it: node with the Dockerfile CMD's flags on
 * the compiled dist/, which must be current (`npm run build`), so the shipped form is the tested one.
 */
const HERALD_COMMAND = heraldCommand(process.env.HERALD_E2E_BUILD);

function heraldCommand(build: string | undefined): readonly string[] {
  if (build === undefined || build === '' || build === 'source') {
    // Herald runs in a fresh directory: tsx is named by its path, not looked up from there.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return ['--import', tsx, path.join(PROJECT_ROOT, 'src', 'cli.ts')];
  }
  if (build !== 'dist') throw new Error(`HERALD_E2E_BUILD=${build}: expected dist or source`);
  const state = buildState(PROJECT_ROOT);
  if (state.state !== 'current') {
    throw new Error(`HERALD_E2E_BUILD=dist but ${state.state === 'missing' ? 'there is no build in dist/' : `${state.newer} is newer than dist/`}: run npm run build first`);
  }
  return imageNodeArguments(PROJECT_ROOT);
}

export interface HeraldProcess {
  readonly cwd: string;
  /** Its process id, the middle part of the owner name it holds leases under. */
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first line so far or to come (stdout, stderr, or the one `stream` named) that matches `pattern`. */
  waitForLine(pattern: RegExp, options?: { timeoutMs?: number; stream?: 'stdout' | 'stderr' }): Promise<string>;
  /** SIGTERM, then wait for a clean exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, with no chance to clean up. */
  kill(): Promise<void>;
  /** Sends a signal that is not a stop (SIGHUP: reload the config file). */
  signal(name: NodeJS.Signals): void;
}

export function makeWorkDirectory(files: Record<string, string> = {}): { cwd: string; remove(): void } {
  const cwd = mkdtempSync(path.join(tmpdir(), 'herald-e2e-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(cwd, name), text);
  return { cwd, remove: () => rmSync(cwd, { recursive: true, force: true }) };
}

/** Every process gets a free port of its own for its HTTP server (tests run in parallel) unless its env names one. */
export function runHerald(args: readonly string[], options: { cwd: string; env: Record<string, string> }): ChildProcess {
  return spawn(process.execPath, [...HERALD_COMMAND, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? options.cwd, HERALD_CONFIG: path.join(options.cwd, 'herald.yaml'), HERALD_HTTP_PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a one-shot `herald` command and collects what it printed and its exit code. */
export async function runHeraldToEnd(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = runHerald(args, { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

export async function startHeraldProcess(options: { cwd: string; env: Record<string, string>; readyPattern?: RegExp; readyTimeoutMs?: number }): Promise<HeraldProcess> {
  const child = runHerald(['start'], options);
  const output = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitForLine: HeraldProcess['waitForLine'] = (pattern, { timeoutMs = 20_000, stream } = {}) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const texts = stream === undefined ? [output.stdout, output.stderr] : [output[stream]];
        for (const text of texts) {
          const line = text.split('\n').find((candidate) => pattern.test(candidate));
          if (line !== undefined) {
            cleanup();
            resolve(line);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms\n--- stdout\n${output.stdout}\n--- stderr\n${output.stderr}`));
      }, timeoutMs);
      const onExit = () => {
        cleanup();
        reject(new Error(`herald exited before printing ${pattern}\n--- stdout\n${output.stdout}\n--- stderr\n${output.stderr}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
        child.off('exit', onExit);
      };
      waiters.add(check);
      child.once('exit', onExit);
      check();
    });

  const herald: HeraldProcess = {
    cwd: options.cwd,
    pid: child.pid!,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    waitForLine,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    signal(name) {
      child.kill(name);
    },
  };
  try {
    await waitForLine(options.readyPattern ?? /Herald started/, { timeoutMs: options.readyTimeoutMs ?? 20_000 });
  } catch (error) {
    // A process that never got ready is not left running behind the failed test.
    await herald.kill();
    throw error;
  }
  return herald;
}
