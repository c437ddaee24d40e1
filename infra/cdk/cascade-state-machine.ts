import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { CASCADE_DEFINITION } from '../../manifest/cascade-workflow.ts';
import { acknowledge } from './acknowledge.ts';
import { handlersTriggeredBy } from './handlers.ts';

export const CASCADE_STATE_MACHINE_NAME = 'switchboard-cascade';

/** The cascade state machine: the shared ASL, task resources substituted by function ARN. */
export const cascadeStateMachine = (stack: Stack, functions: Record<string, NodejsFunction>) => {
  const tasks = handlersTriggeredBy('task');
  const taskFunctions = tasks.map((t) => functions[t.id]!);
  const stateMachineLogs = new LogGroup(stack, 'CascadeLogs', {
    logGroupName: `/aws/vendedlogs/states/${CASCADE_STATE_MACHINE_NAME}-${stack.region}`,
    retention: RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stateMachine = new StateMachine(stack, 'Cascade', {
    stateMachineName: CASCADE_STATE_MACHINE_NAME,
    stateMachineType: StateMachineType.STANDARD,
    definitionBody: DefinitionBody.fromString(JSON.stringify(CASCADE_DEFINITION)),
    definitionSubstitutions: Object.fromEntries(tasks.map((t) => [t.trigger.substitution, functions[t.id]!.functionArn])),
    logs: { destination: stateMachineLogs, level: LogLevel.ALL, includeExecutionData: true },
    tracingEnabled: true,
  });
  // Exactly the task functions, by ARN (no `:*` qualifier wildcard: tasks invoke $LATEST).
  stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: taskFunctions.map((f) => f.functionArn) }));
  acknowledge(
    stateMachine.role,
    'AwsSolutions-IAM5[Resource::*]',
    'Step Functions log delivery (logs:CreateLogDelivery, GetLogDelivery, ListLogDeliveries, ...) and X-Ray tracing do not support resource-level permissions; CDK grants exactly those actions on "*".',
  );
  return stateMachine;
};
