/**
 * Readiness: runs the named checks (store reachable, each platform connected, ...) side by side and reports each
 * one as `ok` or why not. A check that returns false, throws, or takes longer than the timeout has failed; what
 * it threw is shown as one short line (never a stack), with credentials in URLs masked.
 */
import { messageOf } from '../errors.ts';

export interface ReadinessCheck {
  readonly name: string;
  check(): boolean | Promise<boolean>;
}

export interface ReadinessReport {
  readonly ready: boolean;
  /** Check name → `ok`, or what failed. */
  readonly checks: Readonly<Record<string, string>>;
}

export const READINESS_TIMEOUT_MS = 2_000;
const MAX_REASON_LENGTH = 200;

export async function checkReadiness(checks: ReadonlyArray<ReadinessCheck>, timeoutMs = READINESS_TIMEOUT_MS): Promise<ReadinessReport> {
  const results = await Promise.all(checks.map(async (check) => [check.name, await runCheck(check, timeoutMs)] as const));
  return { ready: results.every(([, result]) => result === 'ok'), checks: Object.fromEntries(results) };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
  });
  const answered = Promise.resolve()
    .then(() => check.check())
    .then(
      (passed) => (passed ? 'ok' : 'not ready'),
      (error: unknown) => `failed: ${safeReason(error)}`,
    );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The first line of the message, credentials in URLs masked, cut to a readable length. */
function safeReason(error: unknown): string {
  const firstLine = messageOf(error).split('\n', 1)[0] ?? '';
  const masked = firstLine.replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//***@');
  return masked.length > MAX_REASON_LENGTH ? `${masked.slice(0, MAX_REASON_LENGTH - 1)}…` : masked;
}
