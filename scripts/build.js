#!/usr/bin/env node
// `npm run build`: compiles src/ and commands/ to dist/ with tsc (tsconfig.build.json: the source tree is kept,
// `.ts` imports become `.js`, with source maps), carries what the code reads beside itself at run time
// (config/herald.example.yaml, found from src/config/load-config.ts as ../../config/), writes the entry
// dist/cli.js, and stamps the build so the `herald` bin can tell whether dist/ is current (bin/build-state.js).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_CLI, DIST_DIRECTORY, STAMP_FILE } from '../bin/build-state.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const startedAtMs = Date.now();
const dist = path.join(root, DIST_DIRECTORY);

// From scratch: a source that was deleted must not leave its old output behind.
rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [require.resolve('typescript/lib/tsc.js'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write('build: tsc failed; dist/ is incomplete and not stamped\n');
  process.exit(tsc.status ?? 1);
}
mkdirSync(path.join(dist, 'config'), { recursive: true });
cpSync(path.join(root, 'config', 'herald.example.yaml'), path.join(dist, 'config', 'herald.example.yaml'));
// The entry point at a short, stable path, whatever tsc's layout.
writeFileSync(path.join(root, BUILT_CLI), "// herald's command line: node dist/cli.js <command> (the compiled sources are under dist/src/).\nimport './src/cli.js';\n");
// dist/ runs on its own (the image ships it without the root package.json): its .js files are ES modules.
writeFileSync(path.join(dist, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
const typescript = require('typescript/package.json').version;
writeFileSync(
  path.join(root, STAMP_FILE),
  `${JSON.stringify({ startedAtMs, builtAt: new Date().toISOString(), node: process.version, typescript }, null, 2)}\n`,
);
process.stdout.write(`built ${DIST_DIRECTORY}/ in ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s: node ${BUILT_CLI} <command> (the herald bin uses it while it is current)\n`);
