import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LeaseStore } from '../../application/ports/lease-store.ts';
import type { Lease } from '../../domain/lease/publishing-lease.ts';

/** The lease's key in the event store's table: no stream has it, and it holds no events (stream consumers pass it by). */
export const LEASE_PK = 'LEASE#publishing';
export const LEASE_KEY = { pk: { S: LEASE_PK }, v: { N: '0' } };

const toItem = (lease: Lease): Record<string, AttributeValue> => ({
  ...LEASE_KEY,
  owner: { S: lease.owner },
  token: { N: String(lease.token) },
  expiresAtMs: { N: String(lease.expiresAtMs) },
  ...(lease.watermark !== undefined && { watermark: { S: lease.watermark } }),
  ...(lease.sinceMs !== undefined && { sinceMs: { N: String(lease.sinceMs) } }),
  ...(lease.replayFrom !== undefined && { replayFrom: { S: lease.replayFrom } }),
});

const fromItem = (item: Record<string, AttributeValue>): Lease => ({
  owner: item.owner!.S!,
  token: Number(item.token!.N),
  expiresAtMs: Number(item.expiresAtMs!.N),
  ...(item.watermark?.S !== undefined && { watermark: item.watermark.S }),
  ...(item.sinceMs?.N !== undefined && { sinceMs: Number(item.sinceMs.N) }),
  ...(item.replayFrom?.S !== undefined && { replayFrom: item.replayFrom.S }),
});

/** The condition that `owner` still holds the lease under `token` (the fence), and what else must hold. */
const heldBy = (owner: string, token: number, and?: { condition: string; values: Record<string, AttributeValue> }) => ({
  ConditionExpression: `#owner = :owner AND #token = :token${and ? ` AND ${and.condition}` : ''}`,
  ExpressionAttributeNames: { '#owner': 'owner', '#token': 'token' },
  ExpressionAttributeValues: { ':owner': { S: owner }, ':token': { N: String(token) }, ...and?.values },
});

/** Only the condition's failure means "another wrote first"; anything else is an error. */
const conditional = async (write: () => Promise<unknown>) => {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

/**
 * The publishing lease as one item of the event store's (global) table, read consistently and
 * written conditionally: a takeover holds only if the lease is still what the taker read, and the
 * watermark moves only under the holder's token. With strong multi-region consistency the
 * conditions hold across regions; with eventual consistency, only within one (docs/architecture.md).
 */
export class DynamoDbLeaseStore implements LeaseStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async read() {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: LEASE_KEY, ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  replace(expected: Lease | undefined, next: Lease) {
    return conditional(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(next),
          ...(expected === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : heldBy(expected.owner, expected.token, { condition: 'expiresAtMs = :expires', values: { ':expires': { N: String(expected.expiresAtMs) } } })),
        }),
      ),
    );
  }

  renew(current: Lease, expiresAtMs: number) {
    return conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: LEASE_KEY,
          UpdateExpression: 'SET expiresAtMs = :next',
          ...heldBy(current.owner, current.token, { condition: 'expiresAtMs = :expires', values: { ':expires': { N: String(current.expiresAtMs) }, ':next': { N: String(expiresAtMs) } } }),
        }),
      ),
    );
  }

  async advance(owner: string, token: number, watermark: string) {
    const moved = await conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: LEASE_KEY,
          UpdateExpression: 'SET watermark = :w',
          ...heldBy(owner, token, { condition: '(attribute_not_exists(watermark) OR watermark < :w)', values: { ':w': { S: watermark } } }),
        }),
      ),
    );
    if (moved) return true;
    // Not moved: fenced, or the watermark is already past it (still the holder).
    const lease = await this.read();
    return lease?.owner === owner && lease.token === token;
  }

  replayed(owner: string, token: number) {
    return conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: LEASE_KEY,
          UpdateExpression: 'REMOVE replayFrom',
          ...heldBy(owner, token),
        }),
      ),
    );
  }
}
