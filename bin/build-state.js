// Whether dist/ holds a build of the sources beside it: plain JavaScript, because the `herald` bin asks before
// anything can compile TypeScript. `npm run build` (bin/build.js) writes the stamp; a build is current when no
// input is newer than the moment that build started.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const DIST_DIRECTORY = 'dist';
export const STAMP_FILE = path.join(DIST_DIRECTORY, 'build.json');
/** The CLI's entry in a build: `node dist/cli.js <command>` (it imports dist/src/cli.js, tsc keeping the source tree). */
export const BUILT_CLI = path.join(DIST_DIRECTORY, 'cli.js');

/** Folders compiled into dist/ (every .ts file but tests) and single files the build reads or carries. */
export const SOURCE_DIRECTORIES = ['src', 'commands'];
export const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'config/herald.example.yaml'];

/**
 * The inputs of a build that exist under `root`, as paths relative to it.
 * @param {string} root
 * @returns {string[]}
 */
export function buildInputs(root) {
  /** @type {string[]} */
  const inputs = [];
  for (const directory of SOURCE_DIRECTORIES) {
    let entries;
    try {
      entries = readdirSync(path.join(root, directory), { withFileTypes: true, recursive: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        inputs.push(path.relative(root, path.join(entry.parentPath, entry.name)));
      }
    }
  }
  for (const file of SOURCE_FILES) {
    if (statSync(path.join(root, file), { throwIfNoEntry: false })?.isFile()) inputs.push(file);
  }
  return inputs;
}

/** @typedef {{ state: 'current' } | { state: 'missing' } | { state: 'stale', newer: string }} BuildState */

/**
 * Whether the checkout at `root` has a current build (`newer`: the first input found newer than it).
 * Without sources (an image that ships dist/ alone) a build is current when it is there.
 * @param {string} root
 * @returns {BuildState}
 */
export function buildState(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(root, STAMP_FILE), 'utf8'));
  } catch {
    return { state: 'missing' };
  }
  if (typeof stamp.startedAtMs !== 'number' || !statSync(path.join(root, BUILT_CLI), { throwIfNoEntry: false })?.isFile()) {
    return { state: 'missing' };
  }
  for (const input of buildInputs(root)) {
    if (statSync(path.join(root, input)).mtimeMs > stamp.startedAtMs) return { state: 'stale', newer: input };
  }
  return { state: 'current' };
}
