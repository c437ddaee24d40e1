import definition from './cascade.asl.json' with { type: 'json' };

/**
 * The cascade state machine, one definition for the CDK app and the local engine: its ASL (with
 * `${...FunctionArn}` substitutions) and, for each Task state, the Lambda handler behind it.
 */
export const CASCADE_DEFINITION = definition;

export const CASCADE_TASKS = {
  PlanCascade: { substitution: 'PlanCascadeFunctionArn', entry: 'plan-cascade.ts', handler: 'handler' },
  ApplyToMno: { substitution: 'ApplyToMnoFunctionArn', entry: 'apply-to-mno.ts', handler: 'handler' },
  PollJob: { substitution: 'PollJobFunctionArn', entry: 'poll-job.ts', handler: 'handler' },
  VerifyOnMno: { substitution: 'VerifyOnMnoFunctionArn', entry: 'verify-on-mno.ts', handler: 'handler' },
  RecordFailure: { substitution: 'RecordFailureFunctionArn', entry: 'record-failure.ts', handler: 'handler' },
  CompleteCascade: { substitution: 'CompleteCascadeFunctionArn', entry: 'complete-cascade.ts', handler: 'handler' },
} as const;

export type CascadeTaskName = keyof typeof CASCADE_TASKS;

/** The definition with each `${Key}` replaced, as CloudFormation's DefinitionSubstitutions would. */
export const substitute = (substitutions: Record<string, string>) =>
  JSON.parse(JSON.stringify(CASCADE_DEFINITION).replace(/\$\{(\w+)\}/g, (whole, key: string) => substitutions[key] ?? whole));

/** Input of the cascade state machine: which cascade of which tenant. */
export interface CascadeInput {
  tenant: string;
  cascadeId: string;
  /**
   * The round the execution was started for: planning and completion act only while it is the
   * cascade's current round, so a stale or repeated execution changes nothing (absent in
   * executions started before rounds were passed: then the current round).
   */
  round?: number;
}

/** One target's work item, carried from task to task through the Map iteration. */
export interface TargetWork extends CascadeInput {
  /** The cascade's round this work belongs to (1, then one more per redrive). */
  round: number;
  mno: string;
  done?: boolean;
  jobId?: string | null;
  polls?: number;
  /** The MNO failed the job for a passing reason: submit it again. */
  resubmit?: boolean;
  /** The target's round had already ended (a repeated execution): nothing more is done for it. */
  finished?: boolean;
  error?: { Error: string; Cause: string };
}
