import { ArnFormat, Duration, type Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BULK_STATE_MACHINE_NAME, CASCADE_STATE_MACHINE_NAME } from './cascade-state-machine.ts';
import { acknowledge } from './acknowledge.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { ALL_HANDLERS, handlersTriggeredBy } from './handlers.ts';

/**
 * The scheduled entry points (manifest/entry-points.ts, trigger `schedule`): a rule on the default
 * bus per schedule, with retries and a dead-letter queue; and, for those that watch cascades, the
 * right to describe the cascade state machine's executions (their ARNs are made at run time: the
 * grant is the state machine's executions by name prefix, nothing wider).
 */
export const schedules = (stack: Stack, functions: Record<string, NodejsFunction>) => {
  const scheduled = handlersTriggeredBy('schedule');
  if (scheduled.length === 0) return;
  const dlq = deadLetterQueue(stack, 'ScheduleTargetsDlq', 'Scheduled invocations (the cascade reconciler) that could not be delivered to their function.');
  for (const h of scheduled)
    new Rule(stack, `Schedule-${h.trigger.name}`, {
      ruleName: `switchboard-${h.trigger.name}`,
      description: `Runs ${h.id} on a schedule (${h.trigger.rate}).`,
      schedule: Schedule.expression(h.trigger.rate),
      targets: [new LambdaFunction(functions[h.id]!, { deadLetterQueue: dlq, retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
    });
  const executions = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${CASCADE_STATE_MACHINE_NAME}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const bulkExecutions = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${BULK_STATE_MACHINE_NAME}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  for (const h of ALL_HANDLERS.filter((s) => s.access.watchesBulkOperations)) {
    const fn = functions[h.id]!;
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [bulkExecutions] }));
    acknowledge(fn.role!, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${stack.region}:<AWS::AccountId>:execution:${BULK_STATE_MACHINE_NAME}:*]`, 'Execution ARNs are made at run time (one per bulk operation and attempt): the grant is DescribeExecution on the bulk state machine’s executions only.');
  }
  for (const h of ALL_HANDLERS.filter((s) => s.access.watchesCascades)) {
    const fn = functions[h.id]!;
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] }));
    acknowledge(fn.role!, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${stack.region}:<AWS::AccountId>:execution:${CASCADE_STATE_MACHINE_NAME}:*]`, 'Execution ARNs are made at run time (one per cascade round and attempt): the grant is DescribeExecution on the cascade state machine’s executions only.');
  }
};
