/**
 * The module boundaries of the README's architecture section, checked on every import in src/ and commands/:
 * only adapters know a platform (discord.js in platforms/discord, @slack/* in platforms/slack), only the store knows Keyv, only the fetcher and
 * Herald's own HTTP server (src/http) know HTTP, only src/http knows Prometheus, and the pure stages
 * of the data path depend on nothing stateful.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(directory: string): string[] {
  return readdirSync(path.join(ROOT, directory), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => {
    const specifier = match[1]!;
    return specifier.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), specifier)) : specifier;
  });
}

const files = [...sourceFiles('src'), ...sourceFiles('commands')];
const imports = files.flatMap((file) => importsOf(file).map((target) => ({ file, target })));

/** [who may import it, what] */
const OWNERS: Array<[RegExp, RegExp]> = [
  [/^src\/platforms\/discord\//, /^(discord\.js|@discordjs\/)/],
  [/^src\/platforms\/slack\//, /^@slack\//],
  [/^src\/store\//, /^(keyv|@keyv\/)/],
  [/^src\/store\//, /^(kysely|better-sqlite3|pg)$/],
  [/^src\/(feeds\/fetch|net\/|http\/)/, /^node:(http|https|dns|net|tls|zlib)$/],
  [/^src\/http\//, /^prom-client$/],
  [/^src\/poller\//, /^node-cron$/],
  [/^src\/feeds\//, /^fast-xml-parser$/],
];

/** Stages that must stay free of state and platforms (the store's record schemas are plain data, so they may be shared). */
const PURE = /^src\/(rules|text|newness|format)\//;
const STATEFUL = /^src\/(store\/(?!records)|platforms|poller|delivery|services|commands|config)/;

describe('module boundaries', () => {
  it.each(OWNERS.map(([owner, target]) => ({ owner: owner.source, target: target.source, ownerPattern: owner, targetPattern: target })))(
    'only $owner imports $target',
    ({ ownerPattern, targetPattern }) => {
      const offenders = imports.filter(({ file, target }) => targetPattern.test(target) && !ownerPattern.test(file));
      expect(offenders).toEqual([]);
    },
  );

  it('keeps rules, text, newness and format free of the store, platforms and I/O stages', () => {
    const offenders = imports.filter(({ file, target }) => PURE.test(file) && STATEFUL.test(target));
    expect(offenders).toEqual([]);
  });

  it('keeps platform code out of the core: nothing outside src/platforms imports an adapter, except the wiring', () => {
    const offenders = imports.filter(({ file, target }) => target.startsWith('src/platforms/') && !file.startsWith('src/platforms/') && !/^src\/(main|cli|run-cli)\.ts$/.test(file));
    expect(offenders).toEqual([]);
  });

  it('reads every source file it checks', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(imports.some(({ target }) => target === 'discord.js')).toBe(true);
    expect(imports.some(({ target }) => target === '@slack/bolt')).toBe(true);
  });
});
