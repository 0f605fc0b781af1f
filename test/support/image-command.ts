/**
 * The command the Docker image runs (the Dockerfile's CMD, in its exec form), read from the Dockerfile, so the
 * end-to-end tests against the build and the start-up benchmark run Herald exactly as the image does, without
 * Docker: the same node flags and script, from the project root (the image's WORKDIR). The ENTRYPOINT (the init)
 * is reported, not run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface ImageCommand {
  /** The CMD, e.g. ['node', '--enable-source-maps', 'dist/cli.js', 'start']. */
  readonly cmd: readonly string[];
  readonly entrypoint: readonly string[];
}

export function readImageCommand(root: string): ImageCommand {
  const text = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  // The last stage's instructions win, so the last CMD and ENTRYPOINT are the image's.
  const last = (instruction: string): string[] | undefined => {
    const lines = text.split('\n').filter((line) => line.startsWith(`${instruction} `));
    const line = lines.at(-1);
    if (line === undefined) return undefined;
    const value: unknown = JSON.parse(line.slice(instruction.length + 1));
    if (!Array.isArray(value) || !value.every((part) => typeof part === 'string')) throw new Error(`Dockerfile: ${instruction} is not in exec form: ${line}`);
    return value;
  };
  const cmd = last('CMD');
  if (cmd === undefined) throw new Error('Dockerfile: no CMD');
  return { cmd, entrypoint: last('ENTRYPOINT') ?? [] };
}

/**
 * The node arguments of the image's CMD before its Herald command (`start`), with the script made absolute under
 * `root`, to spawn with this process's node and a Herald command of the caller's choosing.
 */
export function imageNodeArguments(root: string): string[] {
  const { cmd } = readImageCommand(root);
  const [program, ...args] = cmd;
  if (program !== 'node') throw new Error(`Dockerfile: the CMD runs ${program}, not node`);
  const script = args.findIndex((arg) => !arg.startsWith('-'));
  if (script === -1) throw new Error('Dockerfile: the CMD names no script');
  return [...args.slice(0, script), path.join(root, args[script]!)];
}
