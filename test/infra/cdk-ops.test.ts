import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC, METRICS_NAMESPACE, MNO_DIMENSION, SERVICE_NAME } from '../../adapters/observability/metrics.ts';
import { ALARM_THRESHOLDS, ALARM_TOPIC_NAME } from '../../infra/cdk/alarms.ts';
import { dashboardName } from '../../infra/cdk/dashboard.ts';
import { deadLetterQueue, deadLetterQueuesIn } from '../../infra/cdk/dead-letter-queue.ts';
import { FORWARDER_ID, PROJECTOR_ID } from '../../infra/cdk/handlers.ts';
import { build, dashboardBody, deadLetterQueueIdsOf, logicalId, resources, type Json } from './support/cdk.ts';
import { both } from './support/synthesized.ts';

/** Every metric line of every graph of the dashboard (metric arrays and expressions alike). */
const metricLines = (body: Json): unknown[][] =>
  (body.widgets as Json[]).filter((w) => w.type === 'metric').flatMap((w) => (w.properties.metrics as unknown[][]).map((m) => m));

const widget = (body: Json, title: RegExp) => {
  const found = (body.widgets as Json[]).filter((w) => title.test(w.properties?.title ?? ''));
  expect(found, String(title)).toHaveLength(1);
  return found[0]!;
};

/** A plain metric line: [namespace, name, dim, value, ..., options]. */
const isMetric = (line: unknown[], namespace: string, name: string, dimensions: Record<string, string> = {}) =>
  line[0] === namespace &&
  line[1] === name &&
  Object.entries(dimensions).every(([k, v]) => {
    const i = line.indexOf(k);
    return i >= 2 && line[i + 1] === v;
  });

const alarmsOf = (t: Template) => resources(t, 'AWS::CloudWatch::Alarm').map(([id, r]) => ({ id, p: r.Properties as Json }));
const alarmNamed = (t: Template, name: string) => {
  const found = alarmsOf(t).filter((a) => a.p.AlarmName === `switchboard-${name}`);
  expect(found, name).toHaveLength(1);
  return found[0]!.p;
};
/** An alarm's description with its tokens (queue URLs) stood in for by 100 characters, as deployed at most. */
const descriptionOf = (p: Json): string => {
  const d = p.AlarmDescription;
  if (typeof d === 'string') return d;
  return (d['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : 'x'.repeat(100))).join('');
};

describe.each(both())('the %s stack: dashboard', (_name, stack, template) => {
  let body: Json;
  const ref = (c: Parameters<typeof logicalId>[1]) => `\${${logicalId(stack(), c)}}`;

  beforeAll(() => {
    const dashboards = resources(template(), 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]![1].Properties.DashboardName).toBe(dashboardName(stack().region));
    body = dashboardBody(dashboards[0]![1]);
  });

  it('graphs the API: requests, 4xx, 5xx and latency, of this stack\'s HTTP API', () => {
    const api = { ApiId: ref(stack().api) };
    const lines = metricLines({ widgets: [widget(body, /^API requests/), widget(body, /^API latency/)] });
    for (const name of ['Count', '4xx', '5xx', 'Latency', 'IntegrationLatency'])
      expect(lines.some((l) => isMetric(l, 'AWS/ApiGateway', name, api)), name).toBe(true);
  });

  it('graphs cascade executions started / succeeded / failed and their duration, of this stack\'s state machine', () => {
    const sm = { StateMachineArn: ref(stack().stateMachine) };
    const lines = metricLines(body);
    for (const name of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionTime'])
      expect(lines.some((l) => isMetric(l, 'AWS/States', name, sm)), name).toBe(true);
    const started = lines.find((l) => isMetric(l, 'AWS/States', 'ExecutionsStarted', sm))!;
    expect(started.at(-1)).toMatchObject({ stat: 'Sum' });
  });

  it('graphs MNO apply failures and errors per MNO with a SEARCH over the EMF metrics (MNO ids are data)', () => {
    for (const metric of [METRIC.mnoApplyFailures, METRIC.mnoApplyErrors]) {
      const expressions = metricLines(body)
        .map((l) => l.at(-1) as Json)
        .filter((o) => typeof o?.expression === 'string' && o.expression.includes(`MetricName="${metric}"`));
      expect(expressions, metric).toHaveLength(1);
      expect(expressions[0]!.expression).toBe(`SEARCH('{${METRICS_NAMESPACE},${MNO_DIMENSION},service} MetricName="${metric}" service="${SERVICE_NAME}"', 'Sum', 300)`);
      expect(expressions[0]!.label).toContain(`Dim.${MNO_DIMENSION}`);
    }
  });

  it('graphs the iterator age of both stream consumers, the forwarder and the projector', () => {
    const lines = metricLines(body);
    for (const id of [FORWARDER_ID, PROJECTOR_ID])
      expect(
        lines.some((l) => isMetric(l, 'AWS/Lambda', 'IteratorAge', { FunctionName: ref(stack().functions[id]!) })),
        id,
      ).toBe(true);
  });

  it('graphs the depth of every dead-letter queue of the stack (found from the template: stream mappings, rule targets, redrive policies)', () => {
    const queues = deadLetterQueueIdsOf(template());
    expect(queues.length).toBeGreaterThanOrEqual(3);
    const lines = metricLines(body);
    for (const id of queues)
      expect(
        lines.some((l) => isMetric(l, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: `\${${id}.QueueName}` })),
        id,
      ).toBe(true);
  });

  it('graphs parked webhook deliveries and shows every alarm\'s state', () => {
    expect(metricLines(body).some((l) => isMetric(l, METRICS_NAMESPACE, METRIC.webhookDeliveriesParked, { service: SERVICE_NAME }))).toBe(true);
    const alarmWidget = (body.widgets as Json[]).find((w) => w.type === 'alarm')!;
    expect(alarmWidget.properties.alarms).toHaveLength(alarmsOf(template()).length);
  });

  it('has no Route 53 health check graph without a domain', () => {
    expect(metricLines(body).some((l) => l[0] === 'AWS/Route53')).toBe(false);
  });
});

describe.each(both())('the %s stack: alarms', (_name, stack, template) => {
  const topicId = () => logicalId(stack(), stack().alarms.topic);

  it('publish to one SNS topic, encrypted with a rotated customer key that CloudWatch may use, TLS only, no subscription by default', () => {
    const t = template();
    const topics = resources(t, 'AWS::SNS::Topic');
    expect(topics).toHaveLength(1);
    const [, topic] = topics[0]!;
    expect(topic.Properties.TopicName).toBe(ALARM_TOPIC_NAME);
    const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    const key = t.toJSON().Resources[keyId];
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
    );
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: Match.objectLike({ ArnLike: Match.anyValue() }) }),
        ]),
      },
    });
    t.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('every alarm notifies the topic on ALARM and OK, treats missing data as not breaching, and says what to do in under 1024 characters', () => {
    const alarms = alarmsOf(template());
    expect(alarms.length).toBeGreaterThanOrEqual(8);
    for (const { id, p } of alarms) {
      expect(p.AlarmActions, id).toEqual([{ Ref: topicId() }]);
      expect(p.OKActions, id).toEqual([{ Ref: topicId() }]);
      expect(p.TreatMissingData, id).toBe('notBreaching');
      expect(descriptionOf(p).length, id).toBeGreaterThan(100);
      expect(descriptionOf(p).length, id).toBeLessThanOrEqual(1024);
    }
  });

  it('alarms on the API 5xx rate: 5xx over requests of this API, above 5% in 2 of 3 five-minute periods', () => {
    const p = alarmNamed(template(), 'api-5xx-rate');
    expect(p).toMatchObject({ Threshold: ALARM_THRESHOLDS.api5xxPercent, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    const [expression, ...inputs] = p.Metrics as Json[];
    expect(expression!.Expression).toBe('100 * FILL(errors, 0) / requests');
    const byId = Object.fromEntries(inputs.map((m) => [m.Id, m.MetricStat]));
    const api = [{ Name: 'ApiId', Value: { Ref: logicalId(stack(), stack().api) } }];
    expect(byId.errors).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: api }, Stat: 'Sum', Period: 300 });
    expect(byId.requests).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: api }, Stat: 'Sum', Period: 300 });
  });

  it('alarms on any cascade execution that failed or timed out, and points at npm run ops -- executions', () => {
    const p = alarmNamed(template(), 'cascades-failed');
    expect(p).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
    const names = (p.Metrics as Json[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric.MetricName);
    expect(names.sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
    for (const m of (p.Metrics as Json[]).filter((x) => x.MetricStat))
      expect(m.MetricStat.Metric.Dimensions).toEqual([{ Name: 'StateMachineArn', Value: { Ref: logicalId(stack(), stack().stateMachine) } }]);
    expect(descriptionOf(p)).toContain(`npm run ops -- executions --region ${stack().region}`);
  });

  it.each<[string, string, string, string]>([
    ['mno-apply-failures', METRIC.mnoApplyFailures, '/redrive', 'a cascade gave up on an MNO (the service-only aggregate over all MNOs)'],
    ['secret-replication-failures', METRIC.secretReplicationFailures, 'replicate-secret-to-regions', 'a secret was created without its replica in the other region'],
  ])('alarms %s on %s > 0 (%s): %s', (name, metricName, runbook) => {
    const p = alarmNamed(template(), name);
    expect(p).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(p.Metrics).toEqual([
      expect.objectContaining({
        MetricStat: {
          Metric: { Namespace: METRICS_NAMESPACE, MetricName: metricName, Dimensions: [{ Name: 'service', Value: SERVICE_NAME }] },
          Period: 300,
          Stat: 'Sum',
        },
      }),
    ]);
    expect(descriptionOf(p)).toContain(runbook);
  });

  it('alarms when a stream consumer is more than 5 minutes behind (forwarder, projector)', () => {
    for (const [name, id] of [
      ['forwarder', FORWARDER_ID],
      ['projector', PROJECTOR_ID],
    ] as const) {
      const p = alarmNamed(template(), `${name}-iterator-age`);
      expect(p).toMatchObject({ Threshold: 300_000, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 3 });
      expect(p.Metrics[0].MetricStat).toEqual({
        Metric: { Namespace: 'AWS/Lambda', MetricName: 'IteratorAge', Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack(), stack().functions[id]!) } }] },
        Period: 60,
        Stat: 'Maximum',
      });
    }
    expect(descriptionOf(alarmNamed(template(), 'projector-iterator-age'))).toContain('npm run rebuild-projections');
  });

  it('alarms when any dead-letter queue is not empty, one alarm per queue, each with what to do', () => {
    const queues = deadLetterQueueIdsOf(template());
    const dlqAlarms = alarmsOf(template()).filter((a) => a.p.Metrics?.[0]?.MetricStat?.Metric?.MetricName === 'ApproximateNumberOfMessagesVisible');
    // At least every queue the template uses as one; exactly the ones the stack registered (a queue made
    // by deadLetterQueue() that code, not a redrive policy, sends to is alarmed on too).
    expect(dlqAlarms.length).toBeGreaterThanOrEqual(queues.length);
    expect(dlqAlarms).toHaveLength(deadLetterQueuesIn(stack()).length);
    for (const id of queues) {
      const found = dlqAlarms.filter((a) => JSON.stringify(a.p.Metrics[0].MetricStat.Metric.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]));
      expect(found, id).toHaveLength(1);
      expect(found[0]!.p).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
      expect(found[0]!.p.Metrics[0].MetricStat.Stat).toBe('Maximum');
    }
    expect(descriptionOf(alarmNamed(template(), 'dead-letters-ProjectorDlq'))).toContain('npm run rebuild-projections');
  });
});

describe('ops settings and wiring', () => {
  it('subscribes alarmEmail to each region\'s topic, and rejects one that is not an address', () => {
    const app = build({ alarmEmail: 'oncall@example.com' }, { nag: false });
    for (const stack of [app.primary, app.secondary])
      Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
        TopicArn: { Ref: logicalId(stack, stack.alarms.topic) },
      });
    expect(() => build({ alarmEmail: 'oncall' }, { nag: false })).toThrow(/alarmEmail/);
  });

  it('finds the dead-letter queues generically: every deadLetterQueue(), and any queue named in a redrive policy', () => {
    const app = build({}, { nag: false });
    const found = deadLetterQueuesIn(app.primary).map((d) => d.queue.node.id);
    expect(found).toEqual(expect.arrayContaining(['ForwarderDlq', 'ProjectorDlq', 'RuleTargetsDlq']));
    expect(deadLetterQueuesIn(app.primary).every((d) => d.what.length > 10)).toBe(true);
    // Not part of a synthesized app: a plain queue with a redrive policy naming another.
    const scope = build({}, { nag: false }).secondary;
    const target = new Queue(scope, 'ProbeTarget');
    new Queue(scope, 'ProbeSource', { deadLetterQueue: { queue: target, maxReceiveCount: 3 } });
    expect(deadLetterQueuesIn(scope).map((d) => d.queue)).toContain(target);
    expect(deadLetterQueuesIn(scope).map((d) => d.queue.node.id)).not.toContain('ProbeSource');
  });

  it('fails synthesis when a dead-letter queue is made after the alarms (it would have none)', () => {
    const app = build({}, { nag: false });
    deadLetterQueue(app.primary, 'LateDlq', 'A queue someone added after the ops modules.');
    expect(() => app.app.synth()).toThrow(/LateDlq.*made after the ops alarms/s);
  });
});
