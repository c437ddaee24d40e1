import {
  BatchWriteItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { eid } from '../test/support/ids.ts';
import { SEED_COMMITS, versionOf } from './stream-pool.ts';

type Item = Record<string, AttributeValue>;

/**
 * The floor: what a command costs at the storage layer alone, with the bare SDK v3 client —
 * one consistent Query of the stream, then one conditional PutItem of the next commit.
 */

/** The items of a stream as the event store wrote them (the template for the floor's streams). */
export const streamItems = async (client: DynamoDBClient, table: string, pk: string): Promise<Item[]> => {
  const out = await client.send(
    new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } }, ConsistentRead: true }),
  );
  return out.Items ?? [];
};

/**
 * `count` floor streams, each a copy (same attributes, sizes and values, another pk) of a real SIM
 * stream of SEED_COMMITS commits written by the handlers, so the floor's Query reads what the
 * handler's reads. Written in batches: seeding is not measured.
 */
export const seedFloorStreams = async (client: DynamoDBClient, table: string, template: Item[], first: number, count: number) => {
  if (template.length !== SEED_COMMITS) throw new Error(`floor template has ${template.length} commits, expected ${SEED_COMMITS}`);
  const pks = Array.from({ length: count }, (_, i) => `T#bench-floor#SIM#${eid(first + i)}`);
  let pending: WriteRequest[] = pks.flatMap((pk) => template.map((item) => ({ PutRequest: { Item: { ...item, pk: { S: pk } } } })));
  while (pending.length > 0) {
    const batch = pending.slice(0, 25);
    pending = pending.slice(25);
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: batch } }));
    pending.push(...(out.UnprocessedItems?.[table] ?? []));
  }
  return pks;
};

/**
 * The floor operation on one stream: Query it (consistent), then PutItem the commit at the next
 * version with attribute_not_exists(pk). `commit` is a real one-event commit (its events, meta,
 * hash and prev attributes), so the item has the shape and size of what the handler appends.
 */
export const floorCommand = (client: DynamoDBClient, table: string, commit: Item) => async (pk: string, use: number) => {
  const loaded = await client.send(
    new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } }, ConsistentRead: true }),
  );
  if (loaded.Count !== SEED_COMMITS + use) throw new Error(`floor: ${pk} holds ${loaded.Count} commits, expected ${SEED_COMMITS + use}`);
  await client.send(
    new PutItemCommand({
      TableName: table,
      Item: { ...commit, pk: { S: pk }, v: { N: String(versionOf(use)) } },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
};
