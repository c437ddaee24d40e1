import type { PolicyDocument } from '../../domain/policy/document.ts';

/** `quarantined`: active, held to a restriction (data to some destinations only, no SMS). */
export type SimStateAtMno = 'active' | 'suspended' | 'terminated' | 'quarantined';

/** A change submitted to an MNO: applied at once (synchronous CMP), or a job to poll. */
export type Submission = { done: true } | { done: false; jobId: string };

/**
 * One MNO's CMP, whatever its API style: the adapter translates Switchboard's policy model into
 * the operator's and back. Failures are MnoTransientError (retry) or MnoPermanentError (don't).
 */
export interface MnoGateway {
  applyPolicy(profileId: string, policy: PolicyDocument): Promise<Submission>;
  /** `restriction`, with `quarantined` only: what the SIM is held to (the quarantine, compiled for this MNO). */
  setSimState(iccid: string, state: SimStateAtMno, restriction?: PolicyDocument): Promise<Submission>;
  /** A job's progress: `pending`, or `done`; a failed job throws. */
  jobStatus(jobId: string): Promise<'pending' | 'done'>;
  /** What the MNO enforces for a profile, in Switchboard's model (undefined: no such profile). */
  readPolicy(profileId: string): Promise<PolicyDocument | undefined>;
  readSimState(iccid: string): Promise<SimStateAtMno | undefined>;
}

/** Worth retrying: the MNO is down, slow, throttling or busy. The message names the MNO's answer, never credentials. */
export class MnoTransientError extends Error {
  override readonly name = 'MnoTransientError';
  /** No answer came (a timeout, a connection cut): the MNO may still carry the request out, later. */
  readonly unanswered: boolean;
  /** The HTTP status the CMP answered with, when it answered one. */
  readonly status: number | undefined;
  constructor(message: string, options: { unanswered?: boolean; status?: number } = {}) {
    super(message);
    this.unanswered = options.unanswered ?? false;
    this.status = options.status;
  }
}

/**
 * Switchboard's own budget of calls to this MNO this second is spent (the MNO's declared rate
 * limit): nothing was sent. Not a failed attempt: the workflow waits and asks again.
 */
export class MnoRateLimited extends Error {
  override readonly name = 'MnoRateLimited';
}

/** An asynchronous job the MNO ended as failed but retryable: worth submitting again, not polling again. */
export class MnoJobFailed extends MnoTransientError {}

/** Not worth retrying: the MNO refused the request itself. */
export class MnoPermanentError extends Error {
  override readonly name = 'MnoPermanentError';
}
