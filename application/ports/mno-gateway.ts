import type { PolicyDocument } from '../../domain/policy/document.ts';

export type SimStateAtMno = 'active' | 'suspended' | 'terminated';

/** A change submitted to an MNO: applied at once (synchronous CMP), or a job to poll. */
export type Submission = { done: true } | { done: false; jobId: string };

/**
 * One MNO's CMP, whatever its API style: the adapter translates Switchboard's policy model into
 * the operator's and back. Failures are MnoTransientError (retry) or MnoPermanentError (don't).
 */
export interface MnoGateway {
  applyPolicy(profileId: string, policy: PolicyDocument): Promise<Submission>;
  setSimState(iccid: string, state: SimStateAtMno): Promise<Submission>;
  /** A job's progress: `pending`, or `done`; a failed job throws. */
  jobStatus(jobId: string): Promise<'pending' | 'done'>;
  /** What the MNO enforces for a profile, in Switchboard's model (undefined: no such profile). */
  readPolicy(profileId: string): Promise<PolicyDocument | undefined>;
  readSimState(iccid: string): Promise<SimStateAtMno | undefined>;
}

/** Worth retrying: the MNO is down, slow, throttling or busy. The message names the MNO's answer, never credentials. */
export class MnoTransientError extends Error {
  override readonly name = 'MnoTransientError';
}

/** An asynchronous job the MNO ended as failed but retryable: worth submitting again, not polling again. */
export class MnoJobFailed extends MnoTransientError {}

/** Not worth retrying: the MNO refused the request itself. */
export class MnoPermanentError extends Error {
  override readonly name = 'MnoPermanentError';
}

/** Classifies an HTTP answer from a CMP: 408, 429 and 5xx are transient; other 4xx permanent. */
export const errorForStatus = (mno: string, status: number, detail: string) =>
  status === 408 || status === 429 || status >= 500
    ? new MnoTransientError(`${mno} answered ${status}${detail ? `: ${detail}` : ''}`)
    : new MnoPermanentError(`${mno} refused the request (${status})${detail ? `: ${detail}` : ''}`);

/** fetch against a CMP with a time limit; network failures become transient errors. */
export const cmpFetch = async (mno: string, url: string, init: RequestInit, timeoutMs = 10_000): Promise<Response> => {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new MnoTransientError(`${mno} could not be reached (${cause})`);
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
    const code = [body.type, body.code, nested, body.CODE].find((v) => typeof v === 'string');
    return typeof code === 'string' ? code.replace(/[^\w./:-]/g, '').slice(0, 80) : '';
  } catch {
    return '';
  }
};
