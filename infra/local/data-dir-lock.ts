import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, processInfo } from './processes.ts';

/** What `<dataDir>/runtime.lock` holds: the runtime using the folder. */
export interface LockHolder {
  pid: number;
  /** The API's port, once it listens (null while the runtime starts on PORT=0). */
  port: number | null;
  /** ISO 8601. */
  startedAt: string;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const api = holder.port === null ? 'API port not open yet' : `API port ${holder.port}, http://localhost:${holder.port}`;
    super(
      `${dataDir} is in use by another switchboard runtime: pid ${holder.pid} (${api}), started ${holder.startedAt}. ` +
        `Stop that one first (kill ${holder.pid}), or start this one on another folder: SWITCHBOARD_DATA_DIR=<folder> npm start`,
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  readonly file: string;
  /** Records the API's port once it listens. */
  update(port: number): void;
  /** Removes the lock, if it is still this runtime's. */
  release(): void;
}

/** Start times are whole seconds on some platforms; a holder that started this much after its lock is another process. */
const SLACK_MS = 2000;

const read = (file: string): LockHolder | undefined => {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return Number.isInteger(holder.pid) && holder.pid > 0 ? holder : undefined;
  } catch {
    return undefined;
  }
};

/** The holder still runs: its pid is alive and was not given to a process started after the lock (a reused pid). */
const alive = (holder: LockHolder) => {
  if (!isRunning(holder.pid)) return false;
  const started = processInfo(holder.pid)?.startedAt;
  return started === undefined || started <= Date.parse(holder.startedAt) + SLACK_MS;
};

/** Writes the whole file under a temporary name, then links it into place: fails with EEXIST if the lock exists. */
const create = (file: string, holder: LockHolder) => {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(holder) + '\n', { mode: 0o600 });
  try {
    linkSync(temporary, file);
  } finally {
    unlinkSync(temporary);
  }
};

/**
 * Takes `<dataDir>/runtime.lock` for this process (one runtime per data folder: a second DynamoDB
 * Local on the same files, or a second set of MNO credentials, breaks the first). A lock whose
 * holder is dead (or whose pid now belongs to a younger process) is taken over; a live one throws
 * DataDirInUseError naming its pid and API port. Two starts racing over a stale lock: each moves
 * it aside under its own name and checks it moved the stale one; one of them wins the link.
 */
export const lockDataDir = (dataDir: string, port?: number): DataDirLock => {
  const file = join(dataDir, 'runtime.lock');
  const mine: LockHolder = { pid: process.pid, port: port || null, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      create(file, mine);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = read(file);
    if (holder && alive(holder)) throw new DataDirInUseError(dataDir, holder);
    if (attempt >= 5) throw new Error(`could not take over the stale lock ${file}; remove it if no runtime uses ${dataDir}`);
    const aside = `${file}.${process.pid}.stale`;
    try {
      renameSync(file, aside);
    } catch {
      continue; // someone else moved it
    }
    const moved = read(aside);
    if (moved && alive(moved)) {
      // Another start took the lock between our read and our move: put it back.
      try {
        linkSync(aside, file);
      } catch {
        // a third start holds it now
      }
      unlinkSync(aside);
      throw new DataDirInUseError(dataDir, moved);
    }
    unlinkSync(aside);
  }
  const ours = () => {
    const holder = read(file);
    return holder?.pid === mine.pid && holder.startedAt === mine.startedAt;
  };
  return {
    file,
    update(listening) {
      if (!ours()) return;
      mine.port = listening;
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(mine) + '\n', { mode: 0o600 });
      renameSync(temporary, file);
    },
    release() {
      if (ours()) unlinkSync(file);
    },
  };
};
