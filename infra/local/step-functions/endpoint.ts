import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { actions, type Input } from './actions.ts';
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
  return createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(body));
    };
    const fail = (type: string, message: string, status = 400) => reply(status, { __type: type, message });
    const action = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
    const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
    if (!handler) return fail('UnknownOperationException', `${action || 'no action'} is not supported by the local endpoint`);
    let input: Input;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      if (typeof input !== 'object' || !input || Array.isArray(input)) throw new Error('not an object');
    } catch {
      return fail('SerializationException', 'the body is not a JSON object');
    }
    try {
      return reply(200, handler(input));
    } catch (error) {
      const e = error as Error;
      return e instanceof StepFunctionsError ? fail(e.name, e.message) : fail('InternalFailure', e.message, 500);
    }
  });
};
