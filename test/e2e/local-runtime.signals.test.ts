import { afterEach, describe, expect, it } from 'vitest';
import { allExited, dynamoDbLocalsOn, killAll, running, spawnRuntime, tempDataDir, track } from './runtime-process.ts';

afterEach(killAll);

describe('npm start stops everything it started', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s to the npm process stops npm, the runtime and DynamoDB Local', async (signal) => {
    const npm = spawnRuntime(tempDataDir(), 'npm');
    await npm.started;
    const tree = track(npm.pid);
    expect(tree.map((p) => p.command)).toEqual(expect.arrayContaining([expect.stringContaining('start.ts'), expect.stringContaining('DynamoDBLocal.jar')]));
    // No tsx CLI process between npm and the runtime: it would SIGKILL the runtime (leaving DynamoDB
    // Local behind) when the runtime confirms a relayed signal late, as a loaded machine does.
    expect(tree.filter((p) => /tsx\/dist\/cli|\.bin\/tsx/.test(p.command)).map((p) => p.command)).toEqual([]);
    process.kill(npm.pid, signal);
    await allExited([npm.pid, ...tree.map((p) => p.pid)], `every process of npm start to exit after ${signal}`);
  }, 90_000);

  it('a DynamoDB Local left behind by a killed runtime is stopped by the next start, which runs the only one on those files', async () => {
    const dataDir = tempDataDir();
    const first = spawnRuntime(dataDir);
    await first.started;
    const java = track(first.pid).find((p) => p.command.includes('DynamoDBLocal.jar'))!;
    expect(java).toBeDefined();
    process.kill(first.pid, 'SIGKILL');
    await first.exit;

    const second = spawnRuntime(dataDir);
    await second.started;
    const tree = track(second.pid);
    expect(running(java.pid)).toBe(false);
    expect(dynamoDbLocalsOn(dataDir).map((p) => p.ppid)).toEqual([second.pid]);
    process.kill(second.pid, 'SIGTERM');
    await allExited([second.pid, ...tree.map((p) => p.pid)], 'the second runtime and its DynamoDB Local to exit');
  }, 120_000);
});
