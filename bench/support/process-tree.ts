/**
 * The memory of a whole process tree (npm → sh → tsx → node, or node alone), read from Linux's /proc: each
 * process's resident set (VmRSS, what `ps` calls RSS; shared pages count once per process that maps them) and its
 * proportional share (Pss, shared pages divided among the processes that map them, so it adds up).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface TreeProcess {
  readonly pid: number;
  /** The command line, shortened (node's path and long arguments cut). */
  readonly command: string;
  readonly rssMB: number;
  readonly pssMB: number | null;
}

export interface TreeMemory {
  readonly processes: readonly TreeProcess[];
  readonly rssMB: number;
  readonly pssMB: number | null;
}

/** `root` and all its descendants, parents first. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOrUndefined(`/proc/${name}/stat`);
    if (stat === undefined) continue;
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so the fields are read after its last ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export function treeMemory(root: number): TreeMemory {
  const processes: TreeProcess[] = [];
  for (const pid of processTree(root)) {
    const status = readOrUndefined(`/proc/${pid}/status`);
    const rssKB = status === undefined ? undefined : kilobytes(status, 'VmRSS');
    if (rssKB === undefined) continue; // exited meanwhile, or a zombie
    const rollup = readOrUndefined(`/proc/${pid}/smaps_rollup`);
    const pssKB = rollup === undefined ? undefined : kilobytes(rollup, 'Pss');
    processes.push({ pid, command: commandOf(pid), rssMB: megabytes(rssKB), pssMB: pssKB === undefined ? null : megabytes(pssKB) });
  }
  const pss = processes.map((process) => process.pssMB);
  return {
    processes,
    rssMB: round(processes.reduce((sum, process) => sum + process.rssMB, 0)),
    pssMB: pss.every((value) => value !== null) ? round(pss.reduce((sum, value) => sum + value, 0)) : null,
  };
}

function commandOf(pid: number): string {
  const parts = (readOrUndefined(`/proc/${pid}/cmdline`) ?? '').split('\0').filter((part) => part !== '');
  return parts
    .map((part, index) => (index === 0 ? part.split('/').at(-1)! : part.length > 60 ? `…${part.slice(-40)}` : part))
    .join(' ');
}

function kilobytes(text: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match === null ? undefined : Number(match[1]);
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const megabytes = (kB: number): number => round((kB * 1024) / 1e6);
const round = (value: number): number => Math.round(value * 10) / 10;
