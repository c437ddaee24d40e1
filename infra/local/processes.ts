import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the runtime needs to know of another process (its launchers, a DynamoDB Local left running). */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** `Z` for a zombie: dead, not yet reaped (some inits never reap orphans). */
  state: string;
  /** Its command line, arguments separated by spaces. */
  command: string;
  /** When it started (ms since the epoch), if the platform says. */
  startedAt?: number | undefined;
  /** How often it was scheduled (Linux): a process asleep in wait() moves only when a signal wakes it. */
  wakeups?: number | undefined;
}

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** The boot time in ms, for /proc's start times (in clock ticks since boot; USER_HZ is 100 on Linux). */
const bootTime = hasProc ? Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? 0) * 1000 : 0;
const TICKS_PER_SECOND = 100;

const fromProc = (pid: number): ProcessInfo | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name, in parentheses, may hold spaces and parentheses: the fields after the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const switches = [...status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    return {
      pid,
      ppid: Number(fields[1]),
      state: fields[0]!,
      command,
      startedAt: bootTime + (Number(fields[19]) / TICKS_PER_SECOND) * 1000,
      wakeups: switches,
    };
  } catch {
    return undefined;
  }
};

const fromPs = (pid: number): ProcessInfo | undefined => {
  try {
    const line = execFileSync('ps', ['-o', 'ppid=,stat=,lstart=,command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    // lstart is five words: "Mon Nov 24 10:00:00 2026".
    const [ppid, state, ...rest] = line.split(/\s+/);
    const started = Date.parse(rest.slice(0, 5).join(' '));
    return { pid, ppid: Number(ppid), state: state!.slice(0, 1), command: rest.slice(5).join(' '), startedAt: Number.isNaN(started) ? undefined : started };
  } catch {
    return undefined;
  }
};

/** The process, from /proc (Linux) or `ps` (macOS); undefined if it is gone or cannot be read. */
export const processInfo = (pid: number): ProcessInfo | undefined => (hasProc ? fromProc(pid) : fromPs(pid));

/** Alive: signalable (or someone else's) and not a zombie. */
export const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return processInfo(pid)?.state !== 'Z';
};

/** Every process this user can see, with its command line (Linux: /proc; elsewhere: `ps`). */
export const listProcesses = (): ProcessInfo[] => {
  if (hasProc) return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => fromProc(Number(d)) ?? []);
  try {
    return execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat=,command='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .flatMap((line) => {
        const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
        return m ? [{ pid: Number(m[1]), ppid: Number(m[2]), state: m[3]!.slice(0, 1), command: m[4]! }] : [];
      });
  } catch {
    return [];
  }
};

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone (a zombie counts as gone). */
export const stopProcess = async (pid: number, graceMs = 5000) => {
  const gone = async (ms: number) => {
    for (const until = Date.now() + ms; Date.now() < until; await sleep(50)) if (!isRunning(pid)) return true;
    return !isRunning(pid);
  };
  try {
    process.kill(pid, 'SIGTERM');
    if (await gone(graceMs)) return;
    process.kill(pid, 'SIGKILL');
    await gone(5000);
  } catch {
    // gone already
  }
};
