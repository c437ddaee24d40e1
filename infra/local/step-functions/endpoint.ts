import { createServer, type Server } from 'node:http';
import type { Execution, LocalStepFunctionsEngine } from './engine.ts';

const epoch = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);

const describe = (e: Execution) => ({
  executionArn: e.executionArn,
  stateMachineArn: e.stateMachineArn,
  name: e.name,
  status: e.status,
  input: e.input,
  output: e.output,
  error: e.error,
  cause: e.cause,
  startDate: epoch(e.startDate),
  stopDate: epoch(e.stopDate),
});

/**
 * The AWS Step Functions JSON protocol (awsJson1_0, `X-Amz-Target: AWSStepFunctions.<Action>`)
 * over the local engine, so handlers start executions with @aws-sdk/client-sfn exactly as in
 * AWS (AWS_ENDPOINT_URL_SFN points here). Actions: StartExecution, DescribeExecution,
 * ListExecutions, StopExecution.
 */
export const stepFunctionsEndpoint = (engine: LocalStepFunctionsEngine): Server =>
  createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    };
    const fail = (type: string, message: string) => reply(400, { __type: type, message });
    const action = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
    let input: Record<string, string | number | undefined>;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    } catch {
      return fail('SerializationException', 'the body is not JSON');
    }
    try {
      switch (action) {
        case 'StartExecution': {
          const e = engine.start(String(input.stateMachineArn), input.name as string | undefined, String(input.input ?? '{}'));
          return reply(200, { executionArn: e.executionArn, startDate: epoch(e.startDate) });
        }
        case 'DescribeExecution': {
          const e = engine.executions.get(String(input.executionArn));
          return e ? reply(200, describe(e)) : fail('ExecutionDoesNotExist', `execution ${input.executionArn} does not exist`);
        }
        case 'ListExecutions': {
          const all = [...engine.executions.values()]
            .filter((e) => e.stateMachineArn === input.stateMachineArn && (!input.statusFilter || e.status === input.statusFilter))
            .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
          return reply(200, { executions: all.map((e) => ({ ...describe(e), input: undefined, output: undefined })) });
        }
        case 'StopExecution': {
          const e = engine.executions.get(String(input.executionArn));
          if (!e) return fail('ExecutionDoesNotExist', `execution ${input.executionArn} does not exist`);
          e.abort();
          return reply(200, { stopDate: Date.now() / 1000 });
        }
        default:
          return fail('UnknownOperationException', `${action || 'no action'} is not supported by the local endpoint`);
      }
    } catch (error) {
      const e = error as Error;
      return fail(e.name || 'InternalFailure', e.message);
    }
  });
