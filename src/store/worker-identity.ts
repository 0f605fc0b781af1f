/**
 * The name this process holds leases under: host, pid and a random part, so a restarted process is a new owner.
 * A process that starts on a host gives back at once the leases of that host's owners whose process is gone (a
 * crash or SIGKILL): a restart takes its work over immediately instead of waiting for the leases to expire.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from './store.ts';

export function workerIdentity(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Releases the leases of owners on this host whose process no longer runs; returns those owners. */
export async function releaseLeasesOfDeadProcesses(store: Store, isRunning: (pid: number) => boolean = processRuns): Promise<string[]> {
  const host = hostname();
  const dead = (await store.leases.owners()).filter((owner) => {
    const parts = owner.split(':');
    const pid = Number(parts.at(-2));
    return parts.slice(0, -2).join(':') === host && Number.isInteger(pid) && pid !== process.pid && !isRunning(pid);
  });
  for (const owner of dead) await store.leases.releaseAll(owner);
  return dead;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
