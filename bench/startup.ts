/**
 * Start-up benchmark: how Herald is started, side by side. For each way, the time from spawning it to its first
 * poll (the console adapter's first "✓ <feed> …: N items now" line, two feeds served by a local feed server on
 * 127.0.0.1 and subscribed in the config file) and the memory of its whole process tree once idle (VmRSS summed over
 * npm → sh → tsx → node, and the proportional Pss, from /proc: the lowest of ten samples 2 s apart, taken once
 * every way has been up 60 s).
 *
 * The ways, each in a copy of this checkout (its sources, bin/, scripts/ and package files; node_modules linked)
 * so nothing here reads the developer's .env or touches ./dist or ./data:
 * - `npm start` as it was before the build existed (`tsx src/cli.ts start`: npm → sh → tsx's CLI → node);
 * - `npm start` on a fresh clone, no build (npm → sh → node bin/herald.js with tsx's loader in the process);
 * - `npm start` once built (`npm run build` in the copy; npm → sh → node bin/herald.js → dist/);
 * - the built CLI, `herald start` (node bin/herald.js start → dist/);
 * - the image's command: the Dockerfile's CMD (`node --enable-source-maps dist/cli.js start`) run without Docker,
 *   with this node, from the copy as the image's WORKDIR; its ENTRYPOINT (the init, tini) is not run.
 * Each way starts ROUNDS times, round-robin so that the machine's load falls on all of them alike, on a fresh store
 * each time; the last round's processes stay up together for the memory samples, then get SIGTERM (the exit code
 * says whether Herald stopped cleanly on its own handler).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRss } from '../test/emulators/feed-documents.ts';
import { startFeedServer } from '../test/emulators/feed-server.ts';
import { readImageCommand } from '../test/support/image-command.ts';
import { median, round, runBench, target } from './report.ts';
import { treeMemory } from './support/process-tree.ts';
import type { TreeMemory } from './support/process-tree.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = 5;
const IDLE_AFTER_MS = 60_000;
const IDLE_SAMPLES = 10;
const IDLE_SAMPLE_GAP_MS = 2_000;
const FIRST_POLL_TIMEOUT_MS = 60_000;
const ITEMS_PER_FEED = 20;
/** What a checkout holds that starting Herald can use (tests, benchmarks and local state are left out). */
const CHECKOUT_ENTRIES = ['bin', 'scripts', 'src', 'commands', 'config', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'Dockerfile'];
/** The start script package.json had before `npm run build` existed. */
const PREVIOUS_START_SCRIPT = 'tsx src/cli.ts start';

interface Way {
  readonly name: string;
  readonly description: string;
  readonly cwd: string;
  readonly command: readonly string[];
}

interface IdleMemory extends TreeMemory {
  /** How long the way had been up when it was stopped. */
  readonly upSeconds: number;
  readonly rssMBSamples: readonly number[];
  readonly exitCodeOnSigterm: number | null;
}

interface Run {
  readonly child: ChildProcess;
  readonly spawnedAt: number;
  readonly startedMs: number;
  readonly firstPollMs: number;
  readonly output: { stdout: string; stderr: string };
}

await runBench('startup', async (progress) => {
  const work = mkdtempSync(path.join(tmpdir(), 'herald-bench-startup-'));
  const feeds = await startFeedServer();
  const running: ChildProcess[] = [];
  try {
    for (const name of ['alpha', 'beta']) {
      const items = Array.from({ length: ITEMS_PER_FEED }, (_, index) => ({
        guid: `${name}-${index}`, title: `${name} item ${index}`, link: `https://${name}.test/${index}`, description: `About ${name} ${index}`, pubDate: new Date(Date.now() - index * 3_600_000),
      }));
      feeds.setFeed(`/${name}.xml`, makeRss(items, { title: `Feed ${name}` }));
    }
    const configPath = path.join(work, 'herald.yaml');
    writeFileSync(configPath, ['subscriptions:', `  - url: ${feeds.url('/alpha.xml')}`, `  - url: ${feeds.url('/beta.xml')}`, ''].join('\n'));

    progress('copying the checkout twice (one to stay unbuilt, one to build)');
    const fresh = copyCheckout(path.join(work, 'fresh'));
    const built = copyCheckout(path.join(work, 'built'));
    // The previous start script, beside the current one, in the unbuilt copy.
    const packagePath = path.join(fresh, 'package.json');
    const packageJson = JSON.parse(readFileSync(packagePath, 'utf8')) as { scripts: Record<string, string> };
    const currentStartScript = packageJson.scripts.start ?? '';
    packageJson.scripts['start:before-build'] = PREVIOUS_START_SCRIPT;
    writeFileSync(packagePath, JSON.stringify(packageJson, null, 2));
    progress('npm run build in the built copy');
    const buildStarted = performance.now();
    const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: built, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
    const buildSeconds = round((performance.now() - buildStarted) / 1000, 1);

    const image = readImageCommand(built);
    const [imageProgram, ...imageArgs] = image.cmd;
    if (imageProgram !== 'node') throw new Error(`the Dockerfile's CMD runs ${imageProgram}, not node`);
    const ways: Way[] = [
      { name: 'npmStartBeforeBuild', description: `npm start as it was (${PREVIOUS_START_SCRIPT}): npm → sh → tsx CLI → node`, cwd: fresh, command: ['npm', 'run', 'start:before-build'] },
      { name: 'npmStartFreshClone', description: `npm start (${currentStartScript}) on a fresh clone, no build: tsx's loader in the one node process`, cwd: fresh, command: ['npm', 'start'] },
      { name: 'npmStartBuilt', description: `npm start (${currentStartScript}) after npm run build: the bin runs dist/`, cwd: built, command: ['npm', 'start'] },
      { name: 'builtCli', description: 'herald start, the built CLI: node bin/herald.js start, which runs dist/', cwd: built, command: [process.execPath, 'bin/herald.js', 'start'] },
      {
        name: 'imageCommand',
        description: `the image's command, the Dockerfile's CMD (${image.cmd.join(' ')}) run without Docker: this node, same arguments, from the image's WORKDIR layout; its ENTRYPOINT (${image.entrypoint.join(' ')}) not run`,
        cwd: built,
        command: [process.execPath, ...imageArgs],
      },
    ];

    const env = (store: string): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? work,
      HERALD_CONFIG: configPath,
      HERALD_STORE: `sqlite://${store}`,
      HERALD_HTTP_PORT: '0',
      HERALD_ALLOW_PRIVATE_URLS: 'true',
      LOG_FORMAT: 'json',
    });
    const firstPoll: Record<string, number[]> = Object.fromEntries(ways.map((way) => [way.name, []]));
    const started: Record<string, number[]> = Object.fromEntries(ways.map((way) => [way.name, []]));
    const last = new Map<string, Run>();
    for (let pass = 1; pass <= ROUNDS; pass += 1) {
      for (const way of ways) {
        const storeDirectory = path.join(work, 'stores', `${way.name}-${pass}`);
        mkdirSync(storeDirectory, { recursive: true });
        const run = await startWay(way, env(path.join(storeDirectory, 'herald.sqlite')), running);
        firstPoll[way.name]!.push(run.firstPollMs);
        started[way.name]!.push(run.startedMs);
        progress(`round ${pass}, ${way.name}: started ${run.startedMs} ms, first poll ${run.firstPollMs} ms`);
        if (pass < ROUNDS) await stop(run.child);
        else last.set(way.name, run);
      }
    }

    // Memory moves with each garbage collection: every way is sampled IDLE_SAMPLES times, IDLE_SAMPLE_GAP_MS apart,
    // from IDLE_AFTER_MS after the last of them started, and the lowest sample is reported as where it settles (the
    // first major collection after start-up can come later than a minute on a busy machine); all samples are kept.
    const lastStarted = Math.max(...[...last.values()].map((run) => run.spawnedAt));
    const wait = lastStarted + IDLE_AFTER_MS - performance.now();
    progress(`waiting ${Math.round(Math.max(0, wait) / 1000)} s until every way has been up ${IDLE_AFTER_MS / 1000} s, then sampling memory`);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const samples = new Map<string, TreeMemory[]>(ways.map((way) => [way.name, []]));
    for (let sample = 0; sample < IDLE_SAMPLES; sample += 1) {
      if (sample > 0) await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_GAP_MS));
      for (const way of ways) samples.get(way.name)!.push(treeMemory(last.get(way.name)!.child.pid!));
    }
    const idle: Record<string, IdleMemory> = {};
    for (const way of ways) {
      const run = last.get(way.name)!;
      const taken = samples.get(way.name)!;
      const settled = [...taken].sort((a, b) => a.rssMB - b.rssMB)[0]!;
      const exitCodeOnSigterm = await stop(run.child);
      idle[way.name] = {
        ...settled,
        upSeconds: round((performance.now() - run.spawnedAt) / 1000, 0),
        rssMBSamples: taken.map((memory) => memory.rssMB),
        exitCodeOnSigterm,
      };
      progress(`${way.name}: idle RSS ${settled.rssMB} MB (Pss ${settled.pssMB} MB) over ${settled.processes.length} processes; SIGTERM → exit ${exitCodeOnSigterm}`);
    }

    const results = Object.fromEntries(
      ways.map((way) => [
        way.name,
        {
          command: way.description,
          startedMs: { median: median(started[way.name]!), runs: started[way.name] },
          firstPollMs: { median: median(firstPoll[way.name]!), runs: firstPoll[way.name] },
          idle: idle[way.name],
        },
      ]),
    );
    const before = results.npmStartBeforeBuild!;
    const ofImage = results.imageCommand!;
    const startRatio = round(ofImage.firstPollMs.median / before.firstPollMs.median, 2);
    const memoryRatio = round(ofImage.idle!.rssMB / before.idle!.rssMB, 2);
    return {
      rounds: ROUNDS,
      idleAfterSeconds: IDLE_AFTER_MS / 1000,
      idleSamples: IDLE_SAMPLES,
      feeds: 2,
      buildSeconds,
      ways: results,
      targets: {
        imageStart: target("image's command: start to first poll ≤ 0.75x npm start before the build", startRatio, startRatio <= 0.75),
        imageIdleMemory: target("image's command: idle RSS of its tree ≤ 0.5x npm start's before the build", memoryRatio, memoryRatio <= 0.5),
        imageStopsOnSigterm: target("image's command exits 0 on SIGTERM (its own handler)", ofImage.idle!.exitCodeOnSigterm, ofImage.idle!.exitCodeOnSigterm === 0),
      },
    };
  } finally {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) killGroup(child, 'SIGKILL');
    await feeds.close();
    rmSync(work, { recursive: true, force: true });
  }
});

/** A copy of this checkout's runnable parts at `target`, sharing node_modules; config/herald.yaml left out. */
function copyCheckout(target: string): string {
  mkdirSync(target, { recursive: true });
  for (const entry of CHECKOUT_ENTRIES) {
    cpSync(path.join(PROJECT_ROOT, entry), path.join(target, entry), {
      recursive: true,
      filter: (source) => path.relative(PROJECT_ROOT, source) !== path.join('config', 'herald.yaml'),
    });
  }
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(target, 'node_modules'), 'dir');
  return target;
}

/** Spawns a way (in its own process group, so the whole tree can be signalled) and waits for its first poll. */
async function startWay(way: Way, env: NodeJS.ProcessEnv, running: ChildProcess[]): Promise<Run> {
  const spawnedAt = performance.now();
  const [program, ...args] = way.command;
  const child = spawn(program!, args, { cwd: way.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.push(child);
  const output = { stdout: '', stderr: '' };
  let startedMs: number | undefined;
  return new Promise<Run>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(`no first poll within ${FIRST_POLL_TIMEOUT_MS / 1000} s`), FIRST_POLL_TIMEOUT_MS);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited (${code ?? signal}) before its first poll`);
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup(child, 'SIGKILL');
      reject(new Error(`${way.name}: ${why}\n--- stdout\n${output.stdout}\n--- stderr\n${output.stderr}`));
    };
    child.once('exit', onExit);
    child.once('error', (error) => fail(`could not be started: ${error.message}`));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      output.stderr += chunk;
      if (startedMs === undefined && output.stderr.includes('"msg":"Herald started"')) startedMs = Math.round(performance.now() - spawnedAt);
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output.stdout += chunk;
      if (!settled && /^✓ .*items now/m.test(output.stdout)) {
        settled = true;
        const firstPollMs = Math.round(performance.now() - spawnedAt);
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, spawnedAt, startedMs: startedMs ?? firstPollMs, firstPollMs, output });
      }
    });
  });
}

/** SIGTERM to the way's whole tree, as a terminal's Ctrl-C or `docker stop` would; resolves with the exit code. */
async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}
