import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { LocalSetupError } from './local-setup-error';

/** What a process holding a data folder records about itself, so others can find or avoid it. */
export interface DataFolderHolder {
  pid: number;
  /** `start` for the platform; a CLI command name when it opened the folder itself. */
  command: string;
  /** The holder's emulator ports: CLI commands talk to a running platform through them. */
  dynamoPort: number;
  sesPort: number;
  /** The web app's port (the platform only). */
  port?: number;
  startedAt: string;
}

const LOCK_FILE = 'timepoint.lock';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readHolder = (folder: string): DataFolderHolder | null => {
  try {
    return JSON.parse(readFileSync(join(folder, LOCK_FILE), 'utf8')) as DataFolderHolder;
  } catch {
    return null;
  }
};

/** The live process holding `dataDir`, if any (a lock left by a process that died does not count). */
export function dataFolderHolder(dataDir: string): DataFolderHolder | null {
  const holder = readHolder(dataDir);
  return holder && Number.isInteger(holder.pid) && holder.pid !== process.pid && alive(holder.pid) ? holder : null;
}

/** A claim on a data folder: `update` records the ports once known; `release` gives it up. */
export interface DataFolderClaim {
  update(ports: Pick<DataFolderHolder, 'dynamoPort' | 'sesPort'>): void;
  release(): void;
}

/**
 * Claims a data folder for this process. dynalite's LevelDB allows one process per folder and
 * says so with a stack trace; this says it in one line, naming the process that holds it.
 * The claim is also given up on exit, and a claim left by a process that died does not block.
 */
export function claimDataFolder(dataDir: string, holder: Omit<DataFolderHolder, 'pid' | 'startedAt'>): DataFolderClaim {
  const folder = resolve(dataDir);
  mkdirSync(folder, { recursive: true });
  const other = dataFolderHolder(folder);
  if (other) {
    const what = other.command === 'start' ? `a running Timepoint platform${other.port ? ` (port ${other.port})` : ''}` : `\`npx timepoint ${other.command}\``;
    throw new LocalSetupError(
      `the data folder ${folder} is in use by ${what}, process ${other.pid}: stop it first, or use another folder with --data-dir or TIMEPOINT_DATA_DIR`,
    );
  }
  const lock = join(folder, LOCK_FILE);
  let current: DataFolderHolder = { ...holder, pid: process.pid, startedAt: new Date().toISOString() };
  writeFileSync(lock, `${JSON.stringify(current)}\n`);
  const release = () => {
    process.off('exit', release);
    if (readHolder(folder)?.pid === process.pid) rmSync(lock, { force: true });
  };
  process.on('exit', release);
  return {
    update(ports) {
      current = { ...current, ...ports };
      writeFileSync(lock, `${JSON.stringify(current)}\n`);
    },
    release,
  };
}

/**
 * Opens and closes the folder's LevelDB once before dynalite does, because dynalite turns a
 * failed open into an uncaught "Database is closed" on the first request. A damaged database
 * is named with the fix; a lock held by some other program is named too.
 */
export async function checkDatabaseFolder(path: string, dataDir: string): Promise<void> {
  // The same `level` dynalite uses (its own dependency), so both agree on the format.
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as { Level: new (path: string, options: object) => { open(): Promise<void>; close(): Promise<void> } };
  const db = new Level(path, { valueEncoding: 'json' });
  try {
    await db.open();
    await db.close();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.message ?? (error as Error).message;
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new LocalSetupError(`the database in ${path} is in use by another process: stop it first, or use another folder with --data-dir or TIMEPOINT_DATA_DIR`);
    }
    throw new LocalSetupError(
      `the local database in ${path} cannot be read (${detail}). To start afresh, move the data folder aside ` +
        `(your local studies stay in it): mv ${dataDir} ${dataDir}-damaged`,
    );
  }
}
