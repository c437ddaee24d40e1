import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { dynamoDbLocalsOn, killAll, spawnRuntime, tempDataDir } from './runtime-process.ts';

afterEach(killAll);

describe('one runtime per data folder', () => {
  it('a second npm start on the same folder exits at once, naming the running one’s pid and API port; the first carries on untouched', async () => {
    const dataDir = tempDataDir();
    const first = spawnRuntime(dataDir);
    const { url, dynamo } = await first.started;
    const files = ['endpoints.json', 'mno-credentials.json'].map((f) => readFileSync(join(dataDir, f), 'utf8'));

    const second = spawnRuntime(dataDir);
    const exit = await eventually(() => second.child.exitCode, (code) => code !== null, 'the second start to exit', { timeout: 30_000, interval: 50 });
    expect(exit).not.toBe(0);
    expect(second.output()).toContain(`pid ${first.pid}`);
    expect(second.output()).toContain(`port ${new URL(url).port}`);
    expect(second.output()).not.toContain('running at');

    // The first runtime: its files as they were, its one DynamoDB Local answering, its API serving.
    expect(['endpoints.json', 'mno-credentials.json'].map((f) => readFileSync(join(dataDir, f), 'utf8'))).toEqual(files);
    expect(dynamoDbLocalsOn(dataDir)).toHaveLength(1);
    const client = new DynamoDBClient({ endpoint: dynamo, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    expect((await client.send(new ListTablesCommand({}))).TableNames).toContain('switchboard-events');
    client.destroy();
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(first.child.exitCode).toBeNull();
  }, 90_000);
});
