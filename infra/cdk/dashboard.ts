import { Duration, type Stack } from 'aws-cdk-lib';
import { AlarmStatusWidget, Dashboard, GraphWidget, Metric, Stats, TextWidget, type HorizontalAnnotation, type IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC } from '../../adapters/observability/metrics.ts';
import { ALARM_THRESHOLDS, type OpsAlarms } from './alarms.ts';
import { api4xx, api5xx, apiRequests, cascadeExecutions, iteratorAge, perMno, queueDepth, webhookDeliveriesParked, type Observed } from './ops-metrics.ts';

export const dashboardName = (region: string) => `switchboard-${region}`;

const HALF = 12;
const FULL = 24;
const HEIGHT = 6;

const graph = (title: string, props: Omit<ConstructorParameters<typeof GraphWidget>[0], 'title'>) =>
  new GraphWidget({ title, width: HALF, height: HEIGHT, leftYAxis: { min: 0 }, ...props });

const threshold = (value: number, label: string): HorizontalAnnotation => ({ value, label, color: '#d62728' });

/**
 * The region's ops dashboard, top to bottom: the alarms' states; the API (requests, 4xx, 5xx;
 * latency); cascades (executions started / succeeded / failed; duration); MNOs (apply failures and
 * errors, one line per MNO); the stream consumers' iterator age and every dead-letter queue's depth;
 * parked webhook deliveries and, with a domain, the region's Route 53 health check.
 */
export const opsDashboard = (stack: Stack, observed: Observed, alarms: OpsAlarms, healthCheckId?: string) => {
  const region = stack.region;
  const { api, stateMachine } = observed;
  const executions = cascadeExecutions(stateMachine);

  const widgets: IWidget[][] = [
    [
      new TextWidget({
        width: FULL,
        height: 2,
        markdown:
          `## Switchboard, ${region}\n` +
          `Each alarm's description says what to do. Runbook: \`npm run ops -- executions --region ${region}\` (cascades), ` +
          `\`npm run rebuild-projections -- --region ${region}\` (read models), \`POST /v1/cascades/{cascadeId}/redrive\` (MNO targets).`,
      }),
    ],
    [new AlarmStatusWidget({ title: 'Alarms', alarms: alarms.all, width: FULL, height: 3 })],
    [
      graph('API requests and errors', { left: [apiRequests(api)], right: [api4xx(api), api5xx(api)], rightYAxis: { min: 0 } }),
      graph('API latency (ms)', {
        left: [
          api.metricLatency({ statistic: Stats.percentile(50), period: Duration.minutes(5), label: 'p50' }),
          api.metricLatency({ statistic: Stats.percentile(90), period: Duration.minutes(5), label: 'p90' }),
          api.metricLatency({ statistic: Stats.percentile(99), period: Duration.minutes(5), label: 'p99' }),
          api.metricIntegrationLatency({ statistic: Stats.percentile(99), period: Duration.minutes(5), label: 'integration p99' }),
        ],
      }),
    ],
    [
      graph('Cascade executions', { left: [executions.started, executions.succeeded, executions.failed, executions.timedOut, executions.aborted] }),
      graph('Cascade duration (ms)', {
        left: [
          stateMachine.metricTime({ statistic: Stats.percentile(50), period: Duration.minutes(5), label: 'p50' }),
          stateMachine.metricTime({ statistic: Stats.percentile(90), period: Duration.minutes(5), label: 'p90' }),
          stateMachine.metricTime({ statistic: Stats.MAXIMUM, period: Duration.minutes(5), label: 'max' }),
        ],
      }),
    ],
    [
      graph('MNO apply failures by MNO (targets given up on)', { left: [perMno(METRIC.mnoApplyFailures)] }),
      graph('MNO apply errors by MNO (attempts, may be retried)', { left: [perMno(METRIC.mnoApplyErrors)] }),
    ],
    [
      graph('Stream iterator age (ms)', {
        left: observed.streamConsumers.map((c) => iteratorAge(c.fn, c.name)),
        leftAnnotations: [threshold(ALARM_THRESHOLDS.iteratorAgeMs, 'alarm')],
      }),
      graph('Dead-letter queues (messages visible)', {
        left: observed.deadLetterQueues.map((d) => queueDepth(d.queue, d.queue.node.id)),
        leftAnnotations: [threshold(ALARM_THRESHOLDS.deadLetters, 'alarm')],
      }),
    ],
    [
      graph('Webhook deliveries parked', { left: [webhookDeliveriesParked()] }),
      ...(healthCheckId
        ? [
            graph(`Route 53 health check on ${region}'s /health (1 = healthy)`, {
              left: [
                new Metric({
                  namespace: 'AWS/Route53',
                  metricName: 'HealthCheckStatus',
                  dimensionsMap: { HealthCheckId: healthCheckId },
                  statistic: Stats.MINIMUM,
                  period: Duration.minutes(1),
                  // Route 53 publishes health check metrics in us-east-1 only.
                  region: 'us-east-1',
                  label: region,
                }),
              ],
              leftYAxis: { min: 0, max: 1 },
            }),
          ]
        : []),
    ],
  ];

  return new Dashboard(stack, 'OpsDashboard', { dashboardName: dashboardName(region), defaultInterval: Duration.hours(6), widgets });
};
