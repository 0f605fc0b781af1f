/**
 * What every benchmark shares: the one JSON result on stdout (with Node's version, the machine, and the load at
 * start and end), progress lines on stderr, targets, and the few statistics the benchmarks report.
 *
 * A benchmark is `runBench(name, async (progress) => ({ ...figures, targets }))`: the figures are printed with the
 * machine around them and the process exits 0; a thrown error is printed on stderr and the process exits 1.
 */
import { cpus, loadavg, totalmem } from 'node:os';

export interface Target {
  /** What was aimed at, in words ("p95 < 5 ms"). */
  readonly target: string;
  readonly measured: number | string | null;
  readonly met: boolean;
}

export interface BenchResult {
  readonly targets: Readonly<Record<string, Target>>;
  readonly [figure: string]: unknown;
}

export type Progress = (message: string) => void;

export function target(description: string, measured: number | string | null, met: boolean): Target {
  return { target: description, measured, met };
}

export async function runBench(name: string, main: (progress: Progress) => Promise<BenchResult>): Promise<void> {
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const progress: Progress = (message) => process.stderr.write(`[${name} ${seconds(startedAt)}s] ${message}\n`);
  try {
    const { targets, ...figures } = await main(progress);
    const result = {
      benchmark: name,
      node: process.version,
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, totalMemoryGB: round(totalmem() / 2 ** 30, 1) },
      // The machine is shared: these say how busy it was; every benchmark runs Herald and its alternative side by side.
      load: { start: loadAtStart.map((value) => round(value, 2)), end: loadavg().map((value) => round(value, 2)) },
      startedAt: startedAt.toISOString(),
      durationSeconds: seconds(startedAt),
      ...figures,
      targets,
      allTargetsMet: Object.values(targets).every((entry) => entry.met),
    };
    // Exit once the result is out: a client or server left open must not keep a finished benchmark alive.
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`, () => process.exit(0));
  } catch (error) {
    process.stderr.write(`[${name}] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
}

function seconds(since: Date): number {
  return round((Date.now() - since.getTime()) / 1000, 1);
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The q-quantile (0..1) by linear interpolation between the closest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const lower = sorted[below] ?? 0;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] ?? lower;
  return lower + (upper - lower) * (position - below);
}

export interface Latencies {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** p50/p95/p99 (and the largest) of latencies in milliseconds, rounded to µs. */
export function latencies(milliseconds: readonly number[]): Latencies {
  return {
    count: milliseconds.length,
    p50: round(quantile(milliseconds, 0.5), 3),
    p95: round(quantile(milliseconds, 0.95), 3),
    p99: round(quantile(milliseconds, 0.99), 3),
    max: round(Math.max(...milliseconds), 3),
  };
}

/** Milliseconds since `start` (from performance.now()). */
export function elapsedMs(start: number): number {
  return performance.now() - start;
}
