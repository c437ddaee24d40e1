import { setTimeout as sleep } from 'node:timers/promises';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { simStream } from '../application/stream-ids.ts';
import { eid, iccid, imsi } from '../test/support/ids.ts';
import { expectAnswer, type HttpClient } from './command-http.ts';
import type { SimMnos } from './sim-fleet.ts';
import { summarize, type LatencySummary } from './stats.ts';

/** The local stream pollers sleep this long between polls (infra/local/stream-poller.ts, `intervalMs` default). */
export const POLL_INTERVAL_MS = 100;
/** The observer reads the row again this long after a miss. */
const OBSERVE_EVERY_MS = 2;
const GIVE_UP_MS = 10_000;

const ns = () => process.hrtime.bigint();

/**
 * Projection lag: a SIM registered over HTTP (POST /v1/sims: claims + SimRegistered; no rule
 * starts a cascade for it, so nothing but the forwarder and the projector runs beside it), then
 * its read-model row (pk = the SIM's stream id) read with a consistent GetItem every ~2 ms until it
 * is there. Timed from the 201 (the append acknowledged) to the end of the GetItem that returned
 * the row; the command's own latency is kept apart. Each sample starts after a random pause of
 * up to one poll interval, so appends land at random points of the pollers' cycle instead of
 * locking onto it (an append made right after the previous row showed up would always wait
 * almost a whole interval).
 */
export const projectionLag = async (
  dynamodb: DynamoDBClient,
  readModels: string,
  client: HttpClient,
  token: string,
  tenant: string,
  mnos: SimMnos,
  options: { samples: number; warmup: number; first: number },
  log: (m: string) => void,
) => {
  const fromAck: number[] = [];
  const fromSend: number[] = [];
  const command: number[] = [];
  let reads = 0;
  let lastKey = '';
  for (let i = 0; i < options.warmup + options.samples; i++) {
    const n = options.first + i;
    await sleep(Math.random() * POLL_INTERVAL_MS);
    const profiles = [
      { iccid: iccid(2 * n), mno: mnos[0], imsi: imsi(2 * n) },
      { iccid: iccid(2 * n + 1), mno: mnos[1], imsi: imsi(2 * n + 1), fallback: true },
    ];
    const key = { pk: { S: simStream(tenant, eid(n)) } };
    const t0 = ns();
    const answer = await client.send('POST', '/v1/sims', token, { eid: eid(n), profiles });
    const t1 = ns();
    expectAnswer(`register SIM ${n}`, answer, 201, '"1"');
    let seen = 0;
    for (;;) {
      const { Item } = await dynamodb.send(new GetItemCommand({ TableName: readModels, Key: key, ConsistentRead: true }));
      seen++;
      if (Item) break;
      if (Number(ns() - t1) / 1e6 > GIVE_UP_MS) throw new Error(`projection lag: the row of SIM ${n} did not appear within ${GIVE_UP_MS} ms`);
      await sleep(OBSERVE_EVERY_MS);
    }
    const t2 = ns();
    lastKey = key.pk.S;
    if (i < options.warmup) continue;
    reads += seen;
    fromAck.push(Number(t2 - t1));
    fromSend.push(Number(t2 - t0));
    command.push(Number(t1 - t0));
  }
  const lag = summarize(fromAck);
  log(`projection lag: p50 ${lag.p50Ms.toFixed(1)} ms, p99 ${lag.p99Ms.toFixed(1)} ms over ${lag.n} registrations`);

  // The observer's own round trip: the same consistent GetItem of a row that is there.
  const getItem: number[] = [];
  const key = { pk: { S: lastKey } };
  for (let i = 0; i < 20 + 2 * options.samples; i++) {
    const t0 = ns();
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: readModels, Key: key, ConsistentRead: true }));
    if (!Item) throw new Error(`projection lag: the row ${lastKey} is gone`);
    if (i >= 20) getItem.push(Number(ns() - t0));
  }
  return {
    samples: lag.n,
    lag,
    /** From sending the command (its own latency included). */
    lagFromSend: summarize(fromSend),
    command: summarize(command),
    /** Consistent GetItems per sample, the one that found the row included. */
    readsPerSample: reads / lag.n,
    getItem: summarize(getItem),
    pollIntervalMs: POLL_INTERVAL_MS,
    observeEveryMs: OBSERVE_EVERY_MS,
  };
};
export type ProjectionLag = Awaited<ReturnType<typeof projectionLag>>;
export type { LatencySummary };
