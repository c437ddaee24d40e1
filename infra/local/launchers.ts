import { basename } from 'node:path';
import { isRunning, processInfo, type ProcessInfo } from './processes.ts';

/**
 * `npm start` is npm → sh -c "exec node --import tsx …", the shell replaced by this node process,
 * which runs TypeScript through tsx's loader rather than the tsx CLI: that CLI relays signals to its
 * child and SIGKILLs one that confirms a signal late (30 ms, as a loaded machine may), which would
 * leave DynamoDB Local behind. Launched otherwise (npm → sh -c "tsx …" → tsx → node), signals sent
 * to npm do not reach here: npm forwards SIGINT and SIGTERM to sh only; sh dies of
 * SIGTERM, leaving tsx and this process behind, and on SIGINT waits for its child (so nothing
 * happens at all); npm itself dies of SIGHUP, leaving the rest. So the runtime watches the
 * processes that launched it, and stops when
 * - one of them exits (its child is reparented): SIGTERM, SIGHUP or SIGKILL to npm, sh or tsx;
 * - the launching shell, asleep in wait() for as long as its child runs, is woken up: only a
 *   signal does that, i.e. npm forwarding a SIGINT (or a Ctrl-C or Ctrl-\ reaching the whole
 *   group). Linux only, where /proc counts a process's wake-ups. A job-control stop and continue
 *   (Ctrl-Z, fg) wakes the shell too: the SIGCONT this process gets then resets the count. (A
 *   SIGTSTP sent by hand to a group with no terminal stops nothing but wakes the shell: it stops
 *   the runtime.)
 *
 * Which launchers: under an npm script, every process up to npm; else tsx, if it is the parent.
 * A runtime started by hand with node is not watched (its shell may exit under nohup).
 */

const looksLikeNpm = (p: ProcessInfo) => {
  const [argv0 = '', argv1 = ''] = p.command.split(' ');
  return basename(argv0) === 'npm' || /npm-cli\.js$/.test(argv1) || (process.env.npm_execpath !== undefined && p.command.includes(process.env.npm_execpath));
};
const isShell = (p: ProcessInfo) => /^(\/\S*\/)?(sh|dash|bash|zsh)$/.test(p.command.split(' ')[0] ?? '') && p.command.includes(' -c ');

/** The processes that launched this one, parent first, as far as they belong to its launch. */
export const launchers = (): ProcessInfo[] => {
  const parent = processInfo(process.ppid);
  if (!parent) return [];
  if (!process.env.npm_lifecycle_event) return /\btsx\b/.test(parent.command) ? [parent] : [];
  const chain: ProcessInfo[] = [];
  for (let p: ProcessInfo | undefined = parent; p && p.pid > 1 && chain.length < 6; p = processInfo(p.ppid)) {
    chain.push(p);
    if (looksLikeNpm(p)) return chain;
  }
  return [parent]; // no npm found above: watch the parent only
};

/**
 * Calls `stop` (once) with the reason when a launcher exits or the launching shell is signalled;
 * returns a function that ends the watch. Polls every `intervalMs` (reading /proc on Linux; a
 * second elsewhere, where each look is a `ps`).
 */
export const watchLaunchers = (stop: (reason: string) => void, intervalMs = process.platform === 'linux' ? 250 : 1000): (() => void) => {
  const chain = launchers();
  if (chain.length === 0) return () => undefined;
  const shells = new Map(chain.filter(isShell).map((s) => [s.pid, s.wakeups]));
  let continued = false;
  const onContinue = () => {
    continued = true;
  };
  process.on('SIGCONT', onContinue);
  let suspect: string | undefined;
  const check = () => {
    const pids = [process.pid, ...chain.map((p) => p.pid)];
    for (let i = 0; i < chain.length; i++) {
      const child = i === 0 ? { ppid: process.ppid } : processInfo(pids[i]!);
      if (child?.ppid !== pids[i + 1] || (i === chain.length - 1 && !isRunning(pids[i + 1]!))) return `${chain[i]!.command.slice(0, 40)} (pid ${pids[i + 1]}) exited`;
    }
    // A wake-up is judged one poll later, so that a SIGCONT (which wakes the shell too) is seen first.
    if (continued) {
      continued = false;
      suspect = undefined;
      for (const pid of shells.keys()) shells.set(pid, processInfo(pid)?.wakeups);
      return undefined;
    }
    if (suspect) return suspect;
    for (const [pid, before] of shells) {
      const now = processInfo(pid)?.wakeups;
      if (before !== undefined && now !== undefined && now !== before) suspect = `the shell npm started (pid ${pid}) was signalled`;
    }
    return undefined;
  };
  const timer = setInterval(() => {
    const reason = check();
    if (!reason) return;
    end();
    stop(reason);
  }, intervalMs);
  timer.unref();
  const end = () => {
    clearInterval(timer);
    process.off('SIGCONT', onContinue);
  };
  return end;
};
