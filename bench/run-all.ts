/**
 * `npm run bench [-- name ...]`: runs every benchmark in bench/ (or only those named) one after another, each in
 * its own process (`node --import tsx bench/<name>.ts`), passes their progress (stderr) through, and prints one
 * JSON object keyed by benchmark name. A benchmark that fails (non-zero exit, or no JSON on stdout) is reported
 * there with its error and the others still run; the exit code is then 1.
 *
 * Benchmarks are the .ts files directly in bench/ other than this runner and report.ts (shared code goes there
 * or under bench/support/).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIRECTORY = path.dirname(fileURLToPath(import.meta.url));
const NOT_BENCHMARKS = new Set(['run-all', 'report']);
/** Each benchmark keeps itself under ~3 minutes; this only stops one that hangs. */
const TIMEOUT_MS = 10 * 60_000;
const STDERR_TAIL_CHARS = 4000;

interface Outcome {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderrTail: string;
  readonly seconds: number;
  readonly timedOut: boolean;
}

const available = readdirSync(BENCH_DIRECTORY)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3))
  .filter((name) => !NOT_BENCHMARKS.has(name))
  .sort();
const requested = process.argv.slice(2).map((name) => path.basename(name).replace(/\.ts$/, ''));
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}\n`);
  process.exit(2);
}

let current: ReturnType<typeof spawn> | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // Each benchmark runs in its own process group (it may start processes of its own): end that group.
    if (current?.pid !== undefined) process.kill(-current.pid, 'SIGTERM');
    process.exit(130);
  });
}

const results: Record<string, unknown> = {};
let failed = 0;
for (const name of requested.length > 0 ? requested : available) {
  process.stderr.write(`== bench/${name}.ts\n`);
  const outcome = await runBenchmark(name);
  const result = outcome.exitCode === 0 ? parseResult(outcome.stdout) : undefined;
  if (result !== undefined) {
    results[name] = result;
    continue;
  }
  failed += 1;
  results[name] = {
    error: failureOf(outcome),
    exitCode: outcome.exitCode,
    seconds: outcome.seconds,
    stderrTail: outcome.stderrTail,
    ...(outcome.stdout.trim() === '' ? {} : { stdout: outcome.stdout.slice(0, STDERR_TAIL_CHARS) }),
  };
  process.stderr.write(`== bench/${name}.ts failed: ${failureOf(outcome)}\n`);
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exitCode = failed > 0 ? 1 : 0;

function runBenchmark(name: string): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIRECTORY, `${name}.ts`)], {
      cwd: path.dirname(BENCH_DIRECTORY),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    current = child;
    let stdout = '';
    let stderrTail = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      current = undefined;
      resolve({ exitCode, signal, stdout, stderrTail, timedOut, seconds: Math.round((performance.now() - started) / 100) / 10 });
    });
  });
}

function parseResult(stdout: string): unknown {
  try {
    const parsed: unknown = JSON.parse(stdout);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function failureOf(outcome: Outcome): string {
  if (outcome.timedOut) return `timed out after ${TIMEOUT_MS / 1000} s`;
  if (outcome.signal !== null) return `killed by ${outcome.signal}`;
  if (outcome.exitCode !== 0) {
    // The first line that names an error is the message (a stack follows it).
    const lines = outcome.stderrTail.trim().split('\n');
    const errorLine = lines.find((line) => /\b(error|failed)\b/i.test(line)) ?? lines.at(-1) ?? '';
    return `exit code ${outcome.exitCode}: ${errorLine.trim()}`;
  }
  return 'exit code 0 but stdout held no JSON object';
}
