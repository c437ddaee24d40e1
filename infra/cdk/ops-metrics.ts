import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { MathExpression, Metric, Stats, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { METRIC, METRICS_NAMESPACE, MNO_DIMENSION, SERVICE_NAME } from '../../adapters/observability/metrics.ts';
import type { DeadLetterQueue } from './dead-letter-queue.ts';

/**
 * The metrics the region's dashboard shows and its alarms watch, defined once for both. Switchboard's
 * own metrics are the handlers' EMF lines (functions/metrics.ts: namespace, names, dimensions).
 */

/** What a regional stack's ops look at. */
export interface Observed {
  api: HttpApi;
  stateMachine: StateMachine;
  /** The event store stream's consumers: a short name, the function, what its lag means. */
  streamConsumers: { name: string; fn: IFunction; whenBehind: string }[];
  deadLetterQueues: DeadLetterQueue[];
}

export const PERIOD = Duration.minutes(5);
const PERIOD_SECONDS = PERIOD.toSeconds();

/** A Switchboard metric with the `service` dimension only (the aggregate over MNOs, where there are per-MNO ones too). */
export const switchboardMetric = (metricName: string, options: MetricOptions = {}) =>
  new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: SERVICE_NAME }, statistic: Stats.SUM, period: PERIOD, ...options });

/**
 * One line per MNO of a per-MNO metric: MNO ids are data (registered at run time), not known at
 * deploy time, so a SEARCH over the `{namespace, Mno, service}` dimension set finds every MNO
 * that reported one.
 */
export const perMnoSearchExpression = (metricName: string) =>
  `SEARCH('{${METRICS_NAMESPACE},${MNO_DIMENSION},service} MetricName="${metricName}" service="${SERVICE_NAME}"', 'Sum', ${PERIOD_SECONDS})`;

export const perMno = (metricName: string) =>
  new MathExpression({ expression: perMnoSearchExpression(metricName), usingMetrics: {}, label: `\${PROP('Dim.${MNO_DIMENSION}')}`, period: PERIOD });

export const mnoApplyFailures = () => switchboardMetric(METRIC.mnoApplyFailures, { label: 'MNO targets given up on (all MNOs)' });
export const webhookDeliveriesParked = () => switchboardMetric(METRIC.webhookDeliveriesParked, { label: 'webhook deliveries parked' });
export const secretReplicationFailures = () => switchboardMetric(METRIC.secretReplicationFailures, { label: 'secrets not replicated' });

export const apiRequests = (api: HttpApi) => api.metricCount({ statistic: Stats.SUM, period: PERIOD, label: 'requests' });
export const api4xx = (api: HttpApi) => api.metricClientError({ statistic: Stats.SUM, period: PERIOD, label: '4xx' });
export const api5xx = (api: HttpApi) => api.metricServerError({ statistic: Stats.SUM, period: PERIOD, label: '5xx' });

/** 5xx as a percentage of requests; no requests, no data point. */
export const apiServerErrorRate = (api: HttpApi) =>
  new MathExpression({
    expression: '100 * FILL(errors, 0) / requests',
    usingMetrics: { errors: api5xx(api), requests: apiRequests(api) },
    label: '5xx (% of requests)',
    period: PERIOD,
  });

export const cascadeExecutions = (stateMachine: StateMachine) => ({
  started: stateMachine.metricStarted({ statistic: Stats.SUM, period: PERIOD, label: 'started' }),
  succeeded: stateMachine.metricSucceeded({ statistic: Stats.SUM, period: PERIOD, label: 'succeeded' }),
  failed: stateMachine.metricFailed({ statistic: Stats.SUM, period: PERIOD, label: 'failed' }),
  timedOut: stateMachine.metricTimedOut({ statistic: Stats.SUM, period: PERIOD, label: 'timed out' }),
  aborted: stateMachine.metricAborted({ statistic: Stats.SUM, period: PERIOD, label: 'aborted' }),
});

/** Executions that ended without completing the cascade: failed or timed out (aborted is a person's doing). */
export const cascadesNotCompleted = (stateMachine: StateMachine) => {
  const { failed, timedOut } = cascadeExecutions(stateMachine);
  return new MathExpression({ expression: 'FILL(failed, 0) + FILL(timedOut, 0)', usingMetrics: { failed, timedOut }, label: 'failed or timed out', period: PERIOD });
};

/** How far behind the stream a consumer is: the age of the newest record of its last batch, at worst. */
export const iteratorAge = (fn: IFunction, label: string) => fn.metric('IteratorAge', { statistic: Stats.MAXIMUM, period: Duration.minutes(1), label });

export const queueDepth = (queue: IQueue, label: string) =>
  queue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: PERIOD, label });
