/**
 * The SQLite store's file as the operator sees it: what to tell them when it cannot be used at start-up (corrupt,
 * not a database, a directory, no permission), and a watch that notices when the file Herald has open was deleted
 * or replaced underneath it (SQLite keeps writing into the unlinked file, and the data is gone at the next start).
 */
import { statSync } from 'node:fs';
import { messageOf } from '../../errors.ts';

/** The one line an operator reads when start-up stops on the file: what is wrong and what to do. */
export function sqliteOpenProblem(file: string, error: unknown): string {
  const stats = statSync(file, { throwIfNoEntry: false });
  const code = (error as { code?: unknown }).code;
  let problem: string;
  if (stats?.isDirectory()) problem = 'is a directory, not a database file';
  else if (code === 'SQLITE_NOTADB') problem = 'is not an SQLite database (overwritten or not Herald\'s)';
  else if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_IOERR_SHORT_READ')) problem = `is corrupt (${messageOf(error)})`;
  else if (typeof code === 'string' && (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'SQLITE_PERM')) {
    problem = `cannot be opened for writing (${messageOf(error)}); check its permissions and its folder's`;
    return `The store file ${file} ${problem}, or move it away and let Herald make a new one.`;
  } else problem = `cannot be used (${messageOf(error)})`;
  return `The store file ${file} ${problem}: restore it from a backup, or move it away to start with an empty store (every feed then starts from a new baseline).`;
}

/** What `check` reports: the file is still the one opened, or how it is not. */
export type FileProblem = 'deleted' | 'replaced' | undefined;

/** Remembers which file (device and inode) was opened, to tell later whether the path still leads to it. */
export class SqliteFileIdentity {
  private readonly device: number;
  private readonly inode: number;

  constructor(readonly file: string) {
    const stats = statSync(file);
    this.device = stats.dev;
    this.inode = stats.ino;
  }

  problem(): FileProblem {
    const stats = statSync(this.file, { throwIfNoEntry: false });
    if (stats === undefined) return 'deleted';
    return stats.dev === this.device && stats.ino === this.inode ? undefined : 'replaced';
  }

  describe(problem: Exclude<FileProblem, undefined>): string {
    return `the store file ${this.file} was ${problem} while Herald runs: what Herald writes now is lost when it stops; ` +
      'stop Herald and restore the file from a backup (or start it again to begin with an empty store)';
  }
}
