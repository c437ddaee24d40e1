import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/eventually.ts';

/**
 * `npm start` as separate processes, for the tests of what happens to them (signals, a second
 * start, a killed runtime): spawned in a process group of their own, so that `killAll()` (in an
 * `afterEach`) leaves nothing behind, whatever a test did or failed to do.
 */

export const tempDataDir = () => mkdtempSync(join(tmpdir(), 'switchboard-process-'));

export interface ProcessInfo {
  pid: number;
  ppid: number;
  state: string;
  command: string;
}

/** What /proc says of a process: undefined once it is gone. */
export const processInfo = (pid: number): ProcessInfo | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name (in parentheses) may hold spaces: the fields after it are fixed.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { pid, ppid: Number(ppid), state: state!, command };
  } catch {
    return undefined;
  }
};

/** Alive: `kill(pid, 0)` succeeds and it is not a zombie (this machine's init reaps no orphans). */
export const running = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return processInfo(pid)?.state !== 'Z';
};

/** Every process below `pid`, children first. */
export const descendants = (pid: number): ProcessInfo[] => {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => processInfo(Number(d)) ?? []);
  const found: ProcessInfo[] = [];
  for (let parents = new Set([pid]); parents.size > 0; ) {
    const children = all.filter((p) => parents.has(p.ppid) && p.state !== 'Z');
    found.push(...children);
    parents = new Set(children.map((p) => p.pid));
  }
  return found;
};

/** The DynamoDB Local processes (alive) serving the files of a data folder. */
export const dynamoDbLocalsOn = (dataDir: string) =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => processInfo(Number(d)) ?? [])
    .filter((p) => p.state !== 'Z' && p.command.includes('DynamoDBLocal.jar') && p.command.includes(join(dataDir, 'dynamodb')));

const spawned = new Set<number>();
const seen = new Set<number>();

/** Kills every process group spawned here, and every process seen below one, with SIGKILL. */
export const killAll = () => {
  for (const group of spawned) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  for (const pid of seen) if (running(pid)) process.kill(pid, 'SIGKILL');
  spawned.clear();
  seen.clear();
};

/** Remembers the processes now below `pid`, for `killAll()`; returns them. */
export const track = (pid: number) => {
  const found = descendants(pid);
  for (const p of found) seen.add(p.pid);
  return found;
};

export interface RuntimeProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the API and DynamoDB Local URLs once the banner is printed; rejects if it exits first. */
  started: Promise<{ url: string; dynamo: string }>;
}

/**
 * Spawns the local runtime on `dataDir` with PORT=0: `npm start` itself (`via: 'npm'`: npm → node
 * (the shell exec'd into it) → java), or the script behind it with node (`via: 'node'`: node → java).
 */
export const spawnRuntime = (dataDir: string, via: 'npm' | 'node' = 'node', env: Record<string, string> = {}): RuntimeProcess => {
  const [command, args] = via === 'npm' ? ['npm', ['start']] : [process.execPath, ['--import', 'tsx', 'infra/local/start.ts']];
  const child = spawn(command as string, args as string[], {
    env: { ...process.env, SWITCHBOARD_DATA_DIR: dataDir, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  spawned.add(child.pid!);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  const started = new Promise<{ url: string; dynamo: string }>((resolve, reject) => {
    const check = () => {
      const url = /running at (http:\/\/\S+)/.exec(out)?.[1];
      if (url && out.includes('Ctrl-C')) resolve({ url, dynamo: /DynamoDB Local (http:\/\/\S+)/.exec(out)![1]! });
    };
    child.stdout!.on('data', check);
    void exit.then(({ code, signal }) => reject(new Error(`exited early (${code ?? signal}): ${out}`)));
  });
  started.catch(() => undefined);
  return { child, pid: child.pid!, output: () => out, exit, started };
};

/** Waits until none of `pids` is alive; a timeout names those still running. */
export const allExited = (pids: readonly number[], what: string, timeout = 60_000) =>
  eventually(() => pids.filter(running).map((pid) => processInfo(pid)?.command ?? String(pid)), (alive) => alive.length === 0, what, { timeout, interval: 100 });
