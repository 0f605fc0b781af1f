/**
 * What Herald reads from disk beside its own code (`new URL('<relative>', import.meta.url)`, e.g. the example
 * config) is there in the tree it runs from. The sources are always checked; the compiled dist/ too when
 * HERALD_E2E_BUILD=dist (CI's run against the build), which also checks that every source was compiled.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildInputs, buildState, BUILT_CLI, DIST_DIRECTORY } from '../bin/build-state.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const AGAINST_BUILD = process.env.HERALD_E2E_BUILD === 'dist';

function filesUnder(directory: string, extension: string): string[] {
  return readdirSync(path.join(ROOT, directory), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension) && !entry.name.endsWith(`.test${extension}`))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

/** [file, the path it names beside itself] for every `new URL('…', import.meta.url)` in `files`. */
function filesReadBesideCode(files: readonly string[]): Array<[string, string]> {
  return files.flatMap((file) =>
    [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/new URL\(\s*['"`]([^'"`]+)['"`]\s*,\s*import\.meta\.url\s*\)/g)].map(
      (match): [string, string] => [file, path.relative(ROOT, path.resolve(ROOT, path.dirname(file), match[1]!))],
    ),
  );
}

const missing = (pairs: ReadonlyArray<[string, string]>) => pairs.filter(([, target]) => !statSync(path.join(ROOT, target), { throwIfNoEntry: false }));

describe('files read beside the code', () => {
  it('exist beside the sources', () => {
    const pairs = filesReadBesideCode([...filesUnder('src', '.ts'), ...filesUnder('commands', '.ts')]);
    expect(pairs.map(([, target]) => target)).toContain(path.join('config', 'herald.example.yaml'));
    expect(missing(pairs)).toEqual([]);
  });

  it.runIf(AGAINST_BUILD)('exist beside the build, which compiled every source', () => {
    expect(buildState(ROOT)).toEqual({ state: 'current' });
    const compiled = filesUnder(DIST_DIRECTORY, '.js');
    expect(compiled).toContain(BUILT_CLI);
    const sources = buildInputs(ROOT).filter((input) => input.endsWith('.ts'));
    expect(sources.filter((source) => !compiled.includes(path.join(DIST_DIRECTORY, source.replace(/\.ts$/, '.js'))))).toEqual([]);
    const pairs = filesReadBesideCode(compiled);
    expect(pairs.map(([, target]) => target)).toContain(path.join(DIST_DIRECTORY, 'config', 'herald.example.yaml'));
    expect(missing(pairs)).toEqual([]);
  });
});
