import { MNO_CREDENTIALS_READ, MNO_RATE, type Access } from './access.ts';
import definition from './cascade.asl.json' with { type: 'json' };

/**
 * The cascade state machine, one definition for the CDK app and the local engine: its ASL (with
 * `${...FunctionArn}` substitutions) and, for each Task state, the Lambda handler behind it.
 */
export const CASCADE_DEFINITION = definition;

/**
 * No execution of a round runs longer than this (the ASL's TimeoutSeconds): past it, an execution
 * is over wherever it ran, so another region's reconciler may resume it without running beside it.
 */
export const CASCADE_EXECUTION_TIMEOUT_MS = definition.TimeoutSeconds * 1000;

/** Each step reads the cascade (and its policy, SIM, MNOs) and appends its outcome; the steps that call a CMP read its credentials. */
const STEP: Access = { eventStore: 'append' };
const CMP_STEP: Access = { eventStore: 'append', secrets: [MNO_CREDENTIALS_READ], tables: [MNO_RATE] };

/** Each Task state of the ASL: its substitution, and the handler behind it (module under functions/workflow). */
export const CASCADE_TASKS = {
  PlanCascade: { substitution: 'PlanCascadeFunctionArn', entry: 'plan-cascade.ts', handler: 'handler', access: STEP },
  ApplyToMno: { substitution: 'ApplyToMnoFunctionArn', entry: 'apply-to-mno.ts', handler: 'handler', access: CMP_STEP },
  PollJob: { substitution: 'PollJobFunctionArn', entry: 'poll-job.ts', handler: 'handler', access: CMP_STEP },
  VerifyOnMno: { substitution: 'VerifyOnMnoFunctionArn', entry: 'verify-on-mno.ts', handler: 'handler', access: CMP_STEP },
  RecordFailure: { substitution: 'RecordFailureFunctionArn', entry: 'record-failure.ts', handler: 'handler', access: STEP },
  CompleteCascade: { substitution: 'CompleteCascadeFunctionArn', entry: 'complete-cascade.ts', handler: 'handler', access: STEP },
} as const satisfies Record<string, { substitution: string; entry: string; handler: string; access: Access }>;

export type CascadeTaskName = keyof typeof CASCADE_TASKS;

/** A definition with each `${Key}` replaced, as CloudFormation's DefinitionSubstitutions would (the cascade's by default). */
export const substitute = (substitutions: Record<string, string>, definition: object = CASCADE_DEFINITION) =>
  JSON.parse(JSON.stringify(definition).replace(/\$\{(\w+)\}/g, (whole, key: string) => substitutions[key] ?? whole));
