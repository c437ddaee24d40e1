import { ArnFormat, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { BULK_DEFINITION } from '../../manifest/bulk-workflow.ts';
import { CASCADE_DEFINITION } from '../../manifest/cascade-workflow.ts';
import { acknowledge } from './acknowledge.ts';
import { handlersTriggeredBy } from './handlers.ts';

export const CASCADE_STATE_MACHINE_NAME = 'switchboard-cascade';
export const BULK_STATE_MACHINE_NAME = 'switchboard-bulk';

const MACHINES = {
  cascade: { id: 'Cascade', name: CASCADE_STATE_MACHINE_NAME, definition: CASCADE_DEFINITION },
  bulk: { id: 'Bulk', name: BULK_STATE_MACHINE_NAME, definition: BULK_DEFINITION },
} as const;

/**
 * A state machine's ARN from its name (known before it exists): what the functions that start one
 * are given. They are in a nested stack (handler-stacks.ts) and the state machine, in the regional
 * stack, names its task functions (in a nested stack too) by ARN: a reference from a starter back to
 * the state machine would make each stack wait for the other.
 */
export const stateMachineArnByName = (stack: Stack, machine: keyof typeof MACHINES) =>
  stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: MACHINES[machine].name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

/** One of the app's state machines: the shared ASL, task resources substituted by function ARN, its task functions alone invokable. */
const workflowStateMachine = (stack: Stack, functions: Record<string, NodejsFunction>, machine: keyof typeof MACHINES) => {
  const { id, name, definition } = MACHINES[machine];
  const tasks = handlersTriggeredBy('task').filter((t) => t.trigger.machine === machine);
  const stateMachineLogs = new LogGroup(stack, `${id}Logs`, {
    logGroupName: `/aws/vendedlogs/states/${name}-${stack.region}`,
    retention: RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stateMachine = new StateMachine(stack, id, {
    stateMachineName: name,
    stateMachineType: StateMachineType.STANDARD,
    definitionBody: DefinitionBody.fromString(JSON.stringify(definition)),
    definitionSubstitutions: Object.fromEntries(tasks.map((t) => [t.trigger.substitution, functions[t.id]!.functionArn])),
    logs: { destination: stateMachineLogs, level: LogLevel.ALL, includeExecutionData: true },
    tracingEnabled: true,
  });
  // Exactly the task functions, by ARN (no `:*` qualifier wildcard: tasks invoke $LATEST).
  stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: tasks.map((t) => functions[t.id]!.functionArn) }));
  acknowledge(
    stateMachine.role,
    'AwsSolutions-IAM5[Resource::*]',
    'Step Functions log delivery (logs:CreateLogDelivery, GetLogDelivery, ListLogDeliveries, ...) and X-Ray tracing do not support resource-level permissions; CDK grants exactly those actions on "*".',
  );
  return stateMachine;
};

/** The cascade state machine. */
export const cascadeStateMachine = (stack: Stack, functions: Record<string, NodejsFunction>) => workflowStateMachine(stack, functions, 'cascade');

/**
 * The bulk operations' state machine. Its Distributed Map runs each chunk as a child execution of
 * this same state machine, which its role starts, describes and stops (what Step Functions needs of
 * a Distributed Map, granted by name: the machine's ARN is known before it exists).
 */
export const bulkStateMachine = (stack: Stack, functions: Record<string, NodejsFunction>) => {
  const stateMachine = workflowStateMachine(stack, functions, 'bulk');
  const self = stateMachineArnByName(stack, 'bulk');
  const children = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${BULK_STATE_MACHINE_NAME}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [self] }));
  stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [children] }));
  acknowledge(
    stateMachine.role,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${stack.region}:<AWS::AccountId>:execution:${BULK_STATE_MACHINE_NAME}/*]`,
    'A Distributed Map names its child executions at run time (one per chunk of the manifest): the grant is DescribeExecution and StopExecution on this state machine’s own child executions only.',
  );
  return stateMachine;
};
