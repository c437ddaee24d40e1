import type { Server } from 'node:http';
import { awsJsonEndpoint, type AwsJsonAction } from '../aws-json-endpoint.ts';
import { actions } from './actions.ts';
import { StepFunctionsError, type LocalStepFunctionsEngine } from './engine.ts';

/**
 * The AWS Step Functions JSON protocol (awsJson1_0, `X-Amz-Target: AWSStepFunctions.<Action>`)
 * over the local engine, so handlers start executions with @aws-sdk/client-sfn exactly as in AWS
 * (AWS_ENDPOINT_URL_SFN points here), and operators use the same SDK or
 * `aws stepfunctions … --endpoint-url`. Actions: ListStateMachines, DescribeStateMachine,
 * StartExecution, DescribeExecution, ListExecutions, GetExecutionHistory, StopExecution,
 * RedriveExecution. Dates are epoch seconds; errors are `{ __type, message }` with AWS's names.
 * Requests are not signature-checked.
 */
export const stepFunctionsEndpoint = (engine: LocalStepFunctionsEngine): Server => {
  const handlers = actions(engine);
  return awsJsonEndpoint({
    targetPrefix: 'AWSStepFunctions.',
    protocol: '1.0',
    name: 'Step Functions',
    actions: handlers as unknown as Record<string, AwsJsonAction>,
    clientError: (e) => (e instanceof StepFunctionsError ? { type: e.name, message: e.message } : undefined),
    internalErrorType: 'InternalFailure',
  });
};
