import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable } from '../../adapters/dynamodb/create-table.ts';
import { TABLES } from '../../manifest/tables.ts';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { GENESIS } from '../../domain/event-store.ts';
import { startStreamPoller } from '../../infra/local/stream-poller.ts';
import { eventually } from '../support/eventually.ts';
import { freshTables } from '../support/tables.ts';

/** The local stand-in for an event source mapping: what it cannot hand over is kept, not dropped. */
let tables: Awaited<ReturnType<typeof freshTables>>;
let poller: Awaited<ReturnType<typeof startStreamPoller>> | undefined;
beforeAll(async () => {
  tables = await freshTables();
});
afterAll(() => poller?.stop());
const idle: Awaited<ReturnType<typeof startStreamPoller>>[] = [];
afterAll(() => Promise.all(idle.map((p) => p.stop())));

describe('the local stream poller', () => {
  it('a record the handler fails three times goes to the dead-letter file (0600); the records after it are handled', async () => {
    const store = new DynamoDbEventStore(tables.client, tables.events);
    const append = (stream: string) =>
      store.append(stream, GENESIS, [{ type: 'CascadeListed', data: { cascadeId: 'c' } }], { actor: 'a', commandId: randomUUID(), correlationId: 'c', region: 'local', time: new Date().toISOString() });
    const handled: string[] = [];
    let poisonTries = 0;
    const deadLetterFile = join(mkdtempSync(join(tmpdir(), 'poller-')), 'dead-letters.ndjson');
    poller = await startStreamPoller({
      dynamodb: tables.client,
      endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
      tableName: tables.events,
      deadLetterFile,
      intervalMs: 20,
      handlers: [
        async ({ Records }) => {
          const poison = Records.findIndex((r) => r.dynamodb?.NewImage?.pk?.S === 'POISON');
          const ok = poison === -1 ? Records : Records.slice(0, poison);
          handled.push(...ok.map((r) => r.dynamodb!.NewImage!.pk!.S!));
          if (poison === -1) return { batchItemFailures: [] };
          poisonTries++;
          return { batchItemFailures: [{ itemIdentifier: Records[poison]!.dynamodb!.SequenceNumber! }] };
        },
      ],
    });
    await append('BEFORE');
    await append('POISON');
    await append('AFTER');
    await eventually(() => handled, (h) => h.includes('AFTER'), 'the record after the poisoned one to be handled', { timeout: 20_000, interval: 50 });
    expect(poisonTries).toBe(3);
    expect(statSync(deadLetterFile).mode & 0o777).toBe(0o600);
    const parked = readFileSync(deadLetterFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(parked.map((p) => p.record.dynamodb.NewImage.pk.S)).toContain('POISON');
    expect(parked.map((p) => p.record.dynamodb.NewImage.pk.S)).not.toContain('AFTER');
  }, 30_000);

  it('a stream idle while another table’s moves on (DynamoDB Local then refuses its iterator as past the oldest record) still delivers what is written later', async () => {
    // A DynamoDB Local of its own, as the eventual mode's replicator meets it: a fresh table nothing writes to at first.
    const dynamo = await startDynamoDbLocal();
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'local', credentials: LOCAL_CREDENTIALS });
    try {
      await createTable(client, TABLES.events, 'events-idle');
      await createTable(client, { ...TABLES.webhookDeliveries, stream: 'NEW_IMAGE' }, 'deliveries-idle');
      const seen: string[] = [];
      idle.push(await startStreamPoller({ dynamodb: client, endpoint: dynamo.endpoint, tableName: 'deliveries-idle', handlers: [async ({ Records }) => void seen.push(...Records.map((r) => r.dynamodb!.NewImage!.id!.S!))] }));
      // Another table's stream moves on meanwhile (DynamoDB Local numbers records across its streams).
      await client.send(new PutItemCommand({ TableName: 'events-idle', Item: { pk: { S: 'a' }, v: { N: '1' } } }));
      await new Promise((ok) => setTimeout(ok, 1_500));
      await client.send(new PutItemCommand({ TableName: 'deliveries-idle', Item: { id: { S: 'later' } } }));
      await eventually(() => seen, (s) => s.includes('later'), 'the record written after the idle time', { timeout: 10_000, interval: 50 });
    } finally {
      await Promise.all(idle.splice(0).map((p) => p.stop()));
      client.destroy();
      await dynamo.stop();
    }
  }, 30_000);
});
