import { ArnFormat, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { CASCADE_STATE_MACHINE_NAME } from './cascade-state-machine.ts';
import type { DeadLetterQueue } from './dead-letter-queue.ts';
import { apiServerErrorRate, cascadesNotCompleted, iteratorAge, mnoApplyFailures, queueDepth, secretReplicationFailures, type Observed } from './ops-metrics.ts';
import type { DeploymentSettings } from './settings.ts';

export const ALARM_TOPIC_NAME = 'switchboard-alarms';

/** The thresholds, in the alarms' own units. */
export const ALARM_THRESHOLDS = {
  /** Percent of the API's requests answered 5xx, in 2 of 3 five-minute periods. */
  api5xxPercent: 5,
  /** Cascade executions failed or timed out in five minutes. */
  cascadesNotCompleted: 1,
  /** MNO targets given up on in five minutes (greater than this). */
  mnoApplyFailures: 0,
  /** A stream consumer's iterator age (ms), 3 minutes running. */
  iteratorAgeMs: Duration.minutes(5).toMilliseconds(),
  /** Messages visible in a dead-letter queue. */
  deadLetters: 1,
  /** Secrets created without their replica in five minutes (greater than this). */
  secretReplicationFailures: 0,
} as const;

/**
 * What to do about the messages of the dead-letter queues that exist today, by construct id (their
 * makers name what the messages are, not what to do). A queue made with a runbook of its own, or
 * not listed here, gets its own or the general one.
 */
const DEAD_LETTER_RUNBOOKS: Record<string, (region: string, url: string) => string> = {
  ForwarderDlq: (region, url) =>
    'Their events were NOT published to the bus: their cascades did not start, their webhooks were not sent. ' +
    "Fix the cause (the forwarder's logs and Errors), find those commits in the event store and publish their events again (no tool does this yet), " +
    `then delete the messages (aws sqs receive-message / delete-message --queue-url ${url} --region ${region}).`,
  ProjectorDlq: (region, url) =>
    "The read models (lists) miss those commits. Fix the cause (the projector's logs), " +
    `run npm run rebuild-projections -- --region ${region}, then empty the queue: aws sqs purge-queue --queue-url ${url} --region ${region}.`,
  RuleTargetsDlq: (region, url) =>
    'Each message is the event; its attributes name the rule and the error. ' +
    `Fix the cause, send each event again (source, detail-type, detail) with aws events put-events --region ${region} (a cascade started twice is harmless: executions are named after the cascade), ` +
    `then delete the messages (aws sqs receive-message / delete-message --queue-url ${url} --region ${region}).`,
};

const generalRunbook = (region: string, url: string) =>
  `Read the messages (aws sqs receive-message --queue-url ${url} --region ${region}), fix the cause, process them again, then delete them.`;

export interface OpsAlarms {
  topic: Topic;
  api5xxRate: Alarm;
  cascadesFailed: Alarm;
  mnoApplyFailures: Alarm;
  secretReplicationFailures: Alarm;
  /** One per stream consumer, by its name. */
  iteratorAge: Record<string, Alarm>;
  /** One per dead-letter queue, in the order of `Observed.deadLetterQueues`. */
  deadLetters: { dlq: DeadLetterQueue; alarm: Alarm }[];
  all: Alarm[];
}

/**
 * An SNS topic CloudWatch alarms of this account publish to: KMS-encrypted with a key of its own
 * that CloudWatch may use (the AWS-managed alias/aws/sns key does not let it), TLS only, optionally
 * with an e-mail subscription.
 */
export const alarmTopic = (stack: Stack, settings: DeploymentSettings, topicName: string) => {
  // A customer-managed key: the AWS-managed alias/aws/sns key does not let CloudWatch publish.
  const key = new Key(stack, 'AlarmTopicKey', {
    description: `Switchboard: encrypts the ${topicName} topic (CloudWatch alarms publish to it)`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchAlarmsPublishToTheEncryptedTopic',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  const topic = new Topic(stack, 'AlarmTopic', { topicName, displayName: 'Switchboard alarms', masterKey: key, enforceSSL: true });
  // The topic policy CDK writes (TLS only) replaces SNS's default one: allow this account's alarms to publish.
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchAlarmsOfThisAccountPublish',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }),
  );
  if (settings.alarmEmail) topic.addSubscription(new EmailSubscription(settings.alarmEmail));
  return topic;
};

/**
 * The alarms that need a person, each telling that person what to do, all to one SNS topic per
 * region (KMS-encrypted with a key of its own that CloudWatch may use, TLS only; optionally an
 * e-mail subscription). No data is not a problem: missing data never alarms (an idle API, no
 * cascades, an empty queue that CloudWatch stopped reporting).
 */
export const opsAlarms = (stack: Stack, settings: DeploymentSettings, observed: Observed): OpsAlarms => {
  const region = stack.region;

  const topic = alarmTopic(stack, settings, ALARM_TOPIC_NAME);
  const action = new SnsAction(topic);

  const all: Alarm[] = [];
  const alarm = (
    id: string,
    metric: IMetric,
    props: { name: string; description: string; threshold: number; comparison: ComparisonOperator; evaluationPeriods?: number; datapointsToAlarm?: number },
  ) => {
    const a = new Alarm(stack, id, {
      alarmName: `switchboard-${props.name}`,
      alarmDescription: props.description,
      metric,
      threshold: props.threshold,
      comparisonOperator: props.comparison,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      datapointsToAlarm: props.datapointsToAlarm ?? props.evaluationPeriods ?? 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    a.addAlarmAction(action);
    a.addOkAction(action);
    all.push(a);
    return a;
  };

  const api5xxRate = alarm('Api5xxRateAlarm', apiServerErrorRate(observed.api), {
    name: 'api-5xx-rate',
    threshold: ALARM_THRESHOLDS.api5xxPercent,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    description:
      `More than ${ALARM_THRESHOLDS.api5xxPercent}% of the HTTP API's requests in ${region} were answered 5xx (in 2 of the last 3 five-minute periods). ` +
      'A 5xx is our fault or a dependency\'s (DynamoDB, Step Functions), never the client\'s. ' +
      'Find the route in the API access logs (routeKey, status, integrationError), then that function\'s logs and Errors. ' +
      'If the whole region is failing: with a domain, Route 53 fails over when /health fails; without one, send clients to the other region\'s ApiUrl.',
  });

  const cascadesFailed = alarm('CascadesFailedAlarm', cascadesNotCompleted(observed.stateMachine), {
    name: 'cascades-failed',
    threshold: ALARM_THRESHOLDS.cascadesNotCompleted,
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    description:
      `A cascade execution of ${CASCADE_STATE_MACHINE_NAME} failed or timed out in ${region}: the workflow itself broke (an MNO that fails does not fail the execution; the cascade completes as partial or failed). ` +
      `See which and where: npm run ops -- executions --region ${region} --recent 20 (then its execution history). ` +
      `Once the cause is fixed, redrive it: aws stepfunctions redrive-execution --execution-arn <arn> --region ${region}, or POST /v1/cascades/{cascadeId}/redrive.`,
  });

  const mnoFailures = alarm('MnoApplyFailuresAlarm', mnoApplyFailures(), {
    name: 'mno-apply-failures',
    threshold: ALARM_THRESHOLDS.mnoApplyFailures,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    description:
      `A cascade in ${region} gave up on an MNO (retries spent, or a permanent error): that MNO does not enforce what the enterprise declared. ` +
      `The dashboard's per-MNO graph names the MNO; npm run ops -- executions --region ${region} shows the cascade and the error. ` +
      'Fix the cause (an MNO that is down: POST /v1/mnos/{mnoId}/outage, so it gets no new work; its credentials; a rule it rejects), then POST /v1/cascades/{cascadeId}/redrive runs the targets that did not succeed again.',
  });

  const secretsNotReplicated = alarm('SecretReplicationFailuresAlarm', secretReplicationFailures(), {
    name: 'secret-replication-failures',
    threshold: ALARM_THRESHOLDS.secretReplicationFailures,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    description:
      `A secret (a webhook signing secret) was created in ${region} without its replica in the other region: after a failover, that region could not sign those deliveries. ` +
      'The function log line "secret not replicated" names the secret and the reason (often the other region\'s alias/switchboard-secrets key missing or disabled). ' +
      `Fix the cause, then: aws secretsmanager replicate-secret-to-regions --secret-id <name> --add-replica-regions Region=<other region>,KmsKeyId=alias/switchboard-secrets --region ${region}.`,
  });

  const iteratorAgeAlarms: Record<string, Alarm> = {};
  for (const consumer of observed.streamConsumers)
    iteratorAgeAlarms[consumer.name] = alarm(`${consumer.name}IteratorAgeAlarm`, iteratorAge(consumer.fn, consumer.name), {
      name: `${consumer.name.toLowerCase()}-iterator-age`,
      threshold: ALARM_THRESHOLDS.iteratorAgeMs,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      description:
        `The ${consumer.name.toLowerCase()} is more than ${ALARM_THRESHOLDS.iteratorAgeMs / 60_000} minutes behind the event store's stream in ${region} (3 minutes running). ${consumer.whenBehind} ` +
        'Look at its Errors, Throttles and logs: a batch that keeps failing is retried (bisected) up to 10 times, then its position goes to its dead-letter queue; records older than 24 h are skipped there too.',
    });

  const deadLetters = observed.deadLetterQueues.map((dlq) => {
    const id = dlq.queue.node.id;
    const runbook = dlq.runbook ?? (DEAD_LETTER_RUNBOOKS[id] ?? generalRunbook)(region, dlq.queue.queueUrl);
    return {
      dlq,
      alarm: alarm(`${id}NotEmptyAlarm`, queueDepth(dlq.queue, id), {
        name: `dead-letters-${id}`,
        threshold: ALARM_THRESHOLDS.deadLetters,
        comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description: `Dead-letter queue ${id} in ${region} is not empty. ${dlq.what} ${runbook} Messages are kept 14 days.`,
      }),
    };
  });

  return { topic, api5xxRate, cascadesFailed, mnoApplyFailures: mnoFailures, secretReplicationFailures: secretsNotReplicated, iteratorAge: iteratorAgeAlarms, deadLetters, all };
};
