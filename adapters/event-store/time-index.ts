import { createHash } from 'node:crypto';

/**
 * The event store's index by time (`by-time`): every commit is listed under the minute it was
 * appended in (its metadata's time), spread over a few shards so that one busy minute is not one
 * hot partition of the index. A publisher taking the lease over reads the commits since the
 * published watermark from it (adapters/event-store `commitsSince`), whichever stream they are on.
 */
export const TIME_INDEX = 'by-time';
const TIME_INDEX_SHARDS = 8;
const MINUTE_MS = 60_000;

const shards = new Map<string, number>();
/** A stream's shard (kept for the streams a process appends to often: a hash per append is measurable on the command path). */
const shardOf = (streamId: string) => {
  let shard = shards.get(streamId);
  if (shard === undefined) {
    shard = createHash('sha256').update(streamId).digest()[0]! % TIME_INDEX_SHARDS;
    if (shards.size >= 4_096) shards.clear();
    shards.set(streamId, shard);
  }
  return shard;
};
const minuteOf = (ms: number) => new Date(Math.floor(ms / MINUTE_MS) * MINUTE_MS).toISOString().slice(0, 16);

/** The index's attributes of a commit: its bucket (`tb`, minute and shard) and its sort key within it (`at`). */
export const timeIndexOf = (streamId: string, version: number, time: string) => ({
  tb: `${minuteOf(Date.parse(time))}#${shardOf(streamId)}`,
  at: `${time}#${streamId}#${String(version).padStart(12, '0')}`,
});

/** Every bucket a commit appended from `fromMs` to `toMs` is listed under. */
export const bucketsBetween = (fromMs: number, toMs: number): string[] => {
  const out: string[] = [];
  for (let m = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS; m <= toMs; m += MINUTE_MS)
    for (let shard = 0; shard < TIME_INDEX_SHARDS; shard++) out.push(`${minuteOf(m)}#${shard}`);
  return out;
};
