import { MnoPermanentError, MnoTransientError } from '../../application/ports/mno-gateway.ts';

/** What the CMP adapters share of talking HTTP to a CMP: time limits, error classification, and reading answers that are not trusted. */

/** Classifies an HTTP answer from a CMP: 408, 429 and 5xx are transient; other 4xx permanent. */
export const errorForStatus = (mno: string, status: number, detail: string) =>
  status === 408 || status === 429 || status >= 500
    ? new MnoTransientError(`${mno} answered ${status}${detail ? `: ${detail}` : ''}`, { status })
    : new MnoPermanentError(`${mno} refused the request (${status})${detail ? `: ${detail}` : ''}`);

/** How often, and after how long, a CMP that answered 503 is asked again within the same call. */
export const BUSY_RETRIES = { times: 2, pauseMs: 25 };

/**
 * fetch against a CMP with a time limit; network failures become transient errors. A 503 (the CMP
 * could not take the request now, and did nothing) is asked again at once, up to twice after a
 * short pause, unless it asks for a longer wait (Retry-After): a passing busy moment costs a few
 * milliseconds here, where failing the call would fail the workflow step, which Step Functions runs
 * again whole after its backoff. No other answer is repeated, and nothing that got no answer: a
 * request that timed out or lost its connection may have been carried out.
 */
export const cmpFetch = async (mno: string, url: string, init: RequestInit, timeoutMs = 10_000): Promise<Response> => {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new MnoTransientError(`${mno} could not be reached (${cause})`, { unanswered: true });
    }
    const wait = response.headers.get('retry-after');
    if (response.status !== 503 || attempt >= BUSY_RETRIES.times || (wait !== null && !(Number(wait) <= 0))) return response;
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, BUSY_RETRIES.pauseMs * (attempt + 1)));
  }
};

/**
 * What a CMP's error body says, reduced to its error code: the body itself may name other
 * enterprises' profiles or SIMs on the shared operator account, and it ends up in tenant-visible
 * events (`lastError`). The full body is for operator logs only.
 */
export const excerpt = async (response: Response) => {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { type?: unknown; code?: unknown; error?: unknown; CODE?: unknown };
    const nested = typeof body.error === 'object' && body.error !== null ? (body.error as { code?: unknown }).code : body.error;
    return errorCode([body.type, body.code, nested, body.CODE].find((v) => typeof v === 'string')) ?? '';
  } catch {
    return '';
  }
};

/**
 * An error code a CMP gave, passed on only if it looks like one (letters, digits and `_ . / : -`,
 * no spaces, at most 64): prose is dropped whole, not filtered, since squeezing the spaces out of
 * a sentence would still pass its words on. `unrecognised-code` when there was one that was not.
 */
export const errorCode = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' && /^[\w./:-]{1,64}$/.test(value) ? value : 'unrecognised-code';
};

/**
 * A CMP's answer as JSON. An answer that is not (a maintenance page behind a 200, a proxy's error)
 * is a transient error that says so and quotes none of it.
 */
export const jsonOf = async <T>(mno: string, response: Response): Promise<T> => {
  const text = await response.text().catch(() => '');
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new MnoTransientError(`${mno} answered ${response.status} with a body that is not JSON`, { status: response.status });
  }
};
