// The `herald` command (bin/herald.js, dist/cli.js, node src/cli.ts): run-cli.ts does the work, so tests can call it.
import { runCli } from './run-cli.ts';

process.exitCode = await runCli(process.argv.slice(2));
