/**
 * The `herald` bin (bin/herald.js) in a checkout of its own: it runs dist/ while that build is current, and
 * otherwise says why and how to build, then runs the source through tsx, or stops when tsx is not installed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const checkouts: string[] = [];

afterEach(() => {
  for (const root of checkouts.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A checkout whose CLI says where it runs from; `built`: with a stamped dist/ made after the sources. */
function checkout({ built, withDependencies = true }: { built: boolean; withDependencies?: boolean }): string {
  const root = mkdtempSync(path.join(tmpdir(), 'herald-bin-'));
  checkouts.push(root);
  cpSync(path.join(PROJECT_ROOT, 'bin'), path.join(root, 'bin'), { recursive: true });
  writeFileSync(path.join(root, 'package.json'), '{ "type": "module" }\n');
  if (withDependencies) symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  mkdirSync(path.join(root, 'src'));
  const past = new Date(Date.now() - 60_000);
  writeFileSync(path.join(root, 'src', 'cli.ts'), "const where: string = 'source';\nconsole.log(`from ${where}`, process.argv.slice(2).join(' '));\n");
  writeFileSync(path.join(root, 'src', 'cli.test.ts'), '// tests are not build inputs\n');
  utimesSync(path.join(root, 'src', 'cli.ts'), past, past);
  if (built) {
    mkdirSync(path.join(root, 'dist'));
    writeFileSync(path.join(root, 'dist', 'package.json'), '{ "type": "module" }\n');
    writeFileSync(path.join(root, 'dist', 'cli.js'), "console.log('from dist', process.argv.slice(2).join(' '));\n");
    writeFileSync(path.join(root, 'dist', 'build.json'), JSON.stringify({ startedAtMs: Date.now() - 30_000 }));
  }
  return root;
}

function herald(root: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(root, 'bin', 'herald.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the herald bin', () => {
  it('runs the build in dist/ when it is current, and says nothing about it', () => {
    const result = herald(checkout({ built: true }), 'help');
    expect(result).toEqual({ code: 0, stdout: 'from dist help\n', stderr: '' });
  });

  it('runs the source through tsx when a source is newer than the build, and names it', () => {
    const root = checkout({ built: true });
    writeFileSync(path.join(root, 'src', 'cli.test.ts'), '// a newer test does not make the build stale\n');
    expect(herald(root, 'help').stdout).toBe('from dist help\n');
    writeFileSync(path.join(root, 'src', 'cli.ts'), "console.log('from edited source');\n");
    const result = herald(root, 'help');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('from edited source\n');
    expect(result.stderr).toMatch(/src\/cli\.ts is newer than the build in dist\/: running the TypeScript source through tsx \(`npm run build`/);
  });

  it('runs the source through tsx on a checkout without a build, and says how to build', () => {
    const result = herald(checkout({ built: false }), 'start');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('from source start\n');
    expect(result.stderr).toMatch(/there is no build in dist\/: .*`npm run build`/);
  });

  it('stops with how to build when there is neither a build nor tsx', () => {
    const result = herald(checkout({ built: false, withDependencies: false }), 'help');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('herald: there is no build in dist/. Build it with `npm run build` (after `npm ci`).\n');
  });
});
