import { GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DevicePull, PullState, SignalBatch } from '../../application/signals/ports.ts';
import { conditional } from '../dynamodb/conditional.ts';

/** Readings are kept a cycle and some after their last poll. */
const KEEP_SECONDS = 62 * 24 * 3600;
const WATERMARK = '~watermark';

const written = async (write: Promise<unknown>) => (await conditional(write)).written;

/**
 * The pull path's place in the signals table: per MNO (`pk` = `PULL#<mno>`) a watermark (`sk` =
 * `~watermark`) and each device's last reading (`sk` = its ICCID), each with a version written
 * compare-and-set, so two polls of one MNO (a slow one and the next) never both count a reading.
 */
export const dynamoDbPullState = (client: DynamoDBClient, table: string, nowMs: () => number = Date.now): PullState => {
  const key = (mno: string, sk: string) => ({ pk: { S: `PULL#${mno}` }, sk: { S: sk } });
  const expires = () => ({ N: String(Math.floor(nowMs() / 1000) + KEEP_SECONDS) });
  const versioned = (version: number) =>
    version === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': { N: String(version) } } };
  return {
    async watermark(mno) {
      const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: key(mno, WATERMARK), ConsistentRead: true }));
      return { since: Item?.since?.S, version: Number(Item?.version?.N ?? 0), retry: Item?.retry?.SS };
    },
    advance: (mno, version, since, retry = []) =>
      written(
        client.send(
          new PutItemCommand({
            TableName: table,
            Item: { ...key(mno, WATERMARK), since: { S: since }, version: { N: String(version + 1) }, ...(retry.length > 0 && { retry: { SS: [...new Set(retry)] } }), expiresAt: expires() },
            ...versioned(version),
          }),
        ),
      ),
    async device(mno, iccid) {
      const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: key(mno, iccid), ConsistentRead: true }));
      if (!Item) return undefined;
      return {
        cycle: Item.cycle!.S!,
        bytes: Number(Item.bytes!.N),
        sms: Number(Item.sms!.N),
        seenUntil: Item.seenUntil!.S!,
        recent: Item.recent?.SS,
        outbox: Item.outbox?.S ? (JSON.parse(Item.outbox.S) as SignalBatch) : undefined,
        version: Number(Item.version!.N),
      };
    },
    saveDevice: (mno, iccid, r: DevicePull, version) =>
      written(
        client.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              ...key(mno, iccid),
              cycle: { S: r.cycle },
              bytes: { N: String(r.bytes) },
              sms: { N: String(r.sms) },
              seenUntil: { S: r.seenUntil },
              ...(r.recent && r.recent.length > 0 && { recent: { SS: [...new Set(r.recent)] } }),
              ...(r.outbox && { outbox: { S: JSON.stringify(r.outbox) } }),
              version: { N: String(version + 1) },
              expiresAt: expires(),
            },
            ...versioned(version),
          }),
        ),
      ),
    async clearOutbox(mno, iccid, batchId) {
      await written(
        client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key(mno, iccid),
            UpdateExpression: 'REMOVE outbox',
            ConditionExpression: 'contains(outbox, :batch)',
            ExpressionAttributeValues: { ':batch': { S: `"batchId":${JSON.stringify(batchId)}` } },
          }),
        ),
      );
    },
  };
};
