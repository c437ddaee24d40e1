import { MAX_RECORDS, signedHeaders, type PushRecord } from '../../../adapters/signals/push-format.ts';

/**
 * Delivers a simulated MNO's records to Switchboard as a real MNO pushes them
 * (adapters/signals/push-format.ts): `POST <url>` with `{ batchId, records }`, at most `batchSize`
 * records a batch, signed with the MNO's signal key. Throws on a non-2xx answer or none within
 * the timeout, so the traffic generator keeps the records; the error's `delivered` counts the
 * records of the batches taken before it.
 */
export interface PushDelivererOptions {
  /** The ingestion URL, e.g. http://127.0.0.1:3000/v1/signals/<mnoId>. */
  url: string;
  /** The MNO's signal key. Never log it. */
  key: string;
  /** In batch ids; default: the URL's last path segment. */
  mnoId?: string;
  now?: () => number;
  /** Records a batch, 1–1000 (default 1000). */
  batchSize?: number;
  /** Default 5000. */
  timeoutMs?: number;
}

export class PushDeliveryFailed extends Error {
  constructor(
    message: string,
    /** Records taken (in earlier batches of this call) before it failed. */
    readonly delivered: number,
  ) {
    super(message);
    this.name = 'PushDeliveryFailed';
  }
}

export const pushDeliverer = (options: PushDelivererOptions) => {
  const { url, key } = options;
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? MAX_RECORDS;
  const timeoutMs = options.timeoutMs ?? 5_000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_RECORDS) throw new RangeError(`batchSize is 1–${MAX_RECORDS}`);
  const rawId = options.mnoId ?? decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? 'mno');
  const mnoId = rawId.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 80) || 'mno';
  let counter = 0;

  const post = async (records: PushRecord[]) => {
    counter += 1;
    const at = now();
    const body = JSON.stringify({ batchId: `${mnoId}-${at}-${counter}`, records });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(key, body, at) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status} ${answer.slice(0, 200)}`.trim());
  };

  return async (records: PushRecord[]): Promise<void> => {
    let delivered = 0;
    for (let i = 0; i < records.length; i += batchSize) {
      const batch = records.slice(i, i + batchSize);
      try {
        await post(batch);
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const why = cause?.code ?? cause?.message;
        const reason =
          error instanceof Error && error.name === 'TimeoutError'
            ? `signal push to ${url}: no answer within ${timeoutMs} ms`
            : `signal push to ${url}: ${error instanceof Error ? error.message : String(error)}${why ? ` (${why})` : ''}`;
        throw new PushDeliveryFailed(reason, delivered);
      }
      delivered += batch.length;
    }
  };
};
