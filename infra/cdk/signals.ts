import { Aws, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { variable } from '../../manifest/environment.ts';
import { acknowledge } from './acknowledge.ts';
import { consumedQueue, deadLetterQueue } from './dead-letter-queue.ts';
import { ALL_HANDLERS, handlersTriggeredBy } from './handlers.ts';

/** The signals bucket's name in a region (made from the account and region, so grants in nested stacks can name it). */
export const SIGNALS_BUCKET_NAME = `switchboard-signals-${Aws.ACCOUNT_ID}-${Aws.REGION}`;

/** A batch is received at most this often before it goes to the signals queue's dead-letter queue. */
const SIGNAL_RECEIVES = 3;

/**
 * Network signals in a region: the queue pushed (and polled, and filed) batches wait in for the
 * signal consumer (ten at a time, partial batch failures), and the bucket MNOs drop CDR files in
 * (`<mno id>/<file>.csv`, each MNO granted its own prefix by the operator's bucket policy), whose
 * object-created notifications invoke the file function; reports of refused lines go to
 * `reports/`. Files expire after 7 days: records are not kept past their use.
 */
export const signalIngestion = (stack: Stack, functions: Record<string, NodejsFunction>) => {
  const queue = consumedQueue(
    stack,
    'Signals',
    SIGNAL_RECEIVES,
    `Signal batches the consumer failed ${SIGNAL_RECEIVES} times: their records were not counted or checked.`,
    'Read the signal consumer’s logs for the cause; once fixed, redrive this queue to Signals from the SQS console (each batch carries what it counted already: redriven, it counts nothing twice).',
  );
  for (const spec of ALL_HANDLERS.filter((h) => h.access.queuesSignals)) {
    const fn = functions[spec.id]!;
    fn.addEnvironment(variable('SIGNALS_QUEUE_URL'), queue.queueUrl);
    queue.grantSendMessages(fn);
  }
  for (const h of handlersTriggeredBy('queue').filter((h) => h.trigger.queue === 'signals'))
    functions[h.id]!.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }));

  const bucket = new Bucket(stack, 'SignalsBucket', {
    bucketName: SIGNALS_BUCKET_NAME,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [{ expiration: Duration.days(7) }],
  });
  acknowledge(bucket, 'AwsSolutions-S1', 'MNOs’ CDR drops: every object is read once by the file function, which logs each file it reads (key, MNO, counts); the objects expire after 7 days.');
  for (const spec of ALL_HANDLERS.filter((h) => h.access.readsSignalFiles)) {
    const fn = functions[spec.id]!;
    // By the bucket's name-made ARN (the function is in a nested stack): objects read, reports written, nothing else.
    const objects = `arn:${Aws.PARTITION}:s3:::${SIGNALS_BUCKET_NAME}`;
    fn.addEnvironment(variable('SIGNALS_BUCKET'), SIGNALS_BUCKET_NAME);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [`${objects}/*`] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [`${objects}/reports/*`] }));
    acknowledge(fn.role!, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::switchboard-signals-<AWS::AccountId>-<AWS::Region>/*]', 'Object keys are the MNOs’ (a file each, named at drop time): the grant is GetObject on the signals bucket’s objects only.');
    acknowledge(fn.role!, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::switchboard-signals-<AWS::AccountId>-<AWS::Region>/reports/*]', 'A report per file, named after it: the grant is PutObject under reports/ only.');
  }
  // S3 invokes the reader asynchronously: a file it failed on after Lambda's retries is kept, with the error, for a person (and alarmed on).
  const failedFiles = deadLetterQueue(
    stack,
    'SignalFilesDlq',
    'CDR files the file reader failed on after Lambda’s retries (the S3 notification, with the error): their records were not queued.',
    'Read the error in each message; once fixed, invoke the file reader again with the notification (requestPayload), or copy the object onto itself with its metadata (its signature) to notify it again; each chunk is queued once.',
  );
  for (const h of handlersTriggeredBy('bucket').filter((h) => h.trigger.bucket === 'signals')) {
    bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(functions[h.id]!), { suffix: '.csv' });
    functions[h.id]!.configureAsyncInvoke({ onFailure: new SqsDestination(failedFiles), retryAttempts: 2, maxEventAge: Duration.hours(6) });
  }
  // CDK's own function that sets the bucket's notifications (at deployment only).
  const notifications = stack.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
  if (notifications) acknowledge(notifications, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'CDK’s custom resource that puts the bucket notification configuration at deployment; it runs only then.');
  return { queue, bucket };
};
