#!/usr/bin/env node
// The `herald` command. It runs the compiled build in dist/ when that build is current (`npm run build`); on a
// checkout without one (or with sources newer than it) it says so, and how to build, and runs the TypeScript
// source through tsx's loader instead, which needs the dev dependencies (`npm install`).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUILT_CLI, buildState } from './build-state.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = buildState(root);

if (build.state === 'current') {
  // Stack traces name the .ts lines, as they do from source (the build has source maps).
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(path.join(root, BUILT_CLI)).href);
} else {
  const why = build.state === 'missing' ? 'there is no build in dist/' : `${build.newer} is newer than the build in dist/`;
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(`herald: ${why}. Build it with \`npm run build\` (after \`npm ci\`).\n`);
    process.exit(1);
  }
  process.stderr.write(`herald: ${why}: running the TypeScript source through tsx (\`npm run build\` starts faster).\n`);
  register();
  await import(pathToFileURL(path.join(root, 'src', 'cli.ts')).href);
}
