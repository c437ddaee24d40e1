import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { readEnvironment } from '../../manifest/environment.ts';

import { METRICS_NAMESPACE, SERVICE_NAME } from './service.ts';

export { METRICS_NAMESPACE, SERVICE_NAME };

/**
 * The metrics handlers emit, by name. Dashboards and alarms (infra/cdk) read these names, so a
 * rename breaks a test rather than a graph.
 * - `MnoApplyErrors`: one failed attempt to apply a change at an MNO (it may be retried), with
 *   dimensions `service` and `Mno`.
 * - `MnoApplyFailures`: a cascade target given up on (retries spent, or a permanent error), with
 *   dimensions `service` and `Mno`; and the same count with `service` only, for one alarm over all MNOs.
 * - `WebhookDeliveriesParked`: a webhook delivery whose retries are spent (dimension `service`).
 * - `SecretReplicationFailures`: a secret created without its replica in the other region
 *   (dimension `service`): after a failover that region could not read it.
 * - `Signals…`: network records consumed (`Signals`), passed over (`SignalsUnknownSim`: no SIM holds
 *   the ICCID; `SignalsForeignProfile`: the MNO does not host that profile), what they revealed
 *   (`SignalDetections`, `SignalContainments`), and pushed batches refused (`SignalBatchesRefused`,
 *   dimension `Reason`: unsigned, bad-signature, stale, replayed).
 */
export const METRIC = {
  mnoApplyErrors: 'MnoApplyErrors',
  mnoApplyFailures: 'MnoApplyFailures',
  webhookDeliveriesParked: 'WebhookDeliveriesParked',
  secretReplicationFailures: 'SecretReplicationFailures',
  signals: 'Signals',
  signalsUnknownSim: 'SignalsUnknownSim',
  signalsForeignProfile: 'SignalsForeignProfile',
  signalDetections: 'SignalDetections',
  signalContainments: 'SignalContainments',
  signalBatchesRefused: 'SignalBatchesRefused',
} as const;

/** The dimension that names the MNO (its registry id) on per-MNO metrics. */
export const MNO_DIMENSION = 'Mno';

/** One Metrics instance per process. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

/**
 * EMF lines are for CloudWatch: written in Lambda, or where POWERTOOLS_METRICS_DISABLED is
 * `false`; the local runtime and tests write none (their stdout is for people).
 */
const emitting = () => {
  const env = readEnvironment();
  return Boolean(env.AWS_LAMBDA_FUNCTION_NAME) || env.POWERTOOLS_METRICS_DISABLED === 'false';
};

/** A count with the MNO as a dimension, written at once (its own EMF line, its own dimensions). */
const countForMno = (name: string, mno: string) => {
  if (!emitting()) return;
  const single = metrics.singleMetric();
  single.addDimension(MNO_DIMENSION, mno);
  single.addMetric(name, MetricUnit.Count, 1);
};

export const countMnoApplyError = (mno: string) => countForMno(METRIC.mnoApplyErrors, mno);

export const countMnoApplyFailure = (mno: string) => {
  if (!emitting()) return;
  countForMno(METRIC.mnoApplyFailures, mno);
  const total = metrics.singleMetric();
  total.addMetric(METRIC.mnoApplyFailures, MetricUnit.Count, 1);
};

export const countSecretReplicationFailure = () => {
  if (emitting()) metrics.singleMetric().addMetric(METRIC.secretReplicationFailures, MetricUnit.Count, 1);
};

export const countWebhookParked = () => {
  if (emitting()) metrics.singleMetric().addMetric(METRIC.webhookDeliveriesParked, MetricUnit.Count, 1);
};

const SIGNAL_METRICS = { signals: METRIC.signals, 'unknown-sim': METRIC.signalsUnknownSim, 'foreign-profile': METRIC.signalsForeignProfile, detections: METRIC.signalDetections, contained: METRIC.signalContainments } as const;

export const countSignals = (what: keyof typeof SIGNAL_METRICS, n: number) => {
  if (emitting() && n > 0) metrics.singleMetric().addMetric(SIGNAL_METRICS[what], MetricUnit.Count, n);
};

export const countSignalBatchRefused = (reason: string) => {
  if (!emitting()) return;
  const single = metrics.singleMetric();
  single.addDimension('Reason', reason);
  single.addMetric(METRIC.signalBatchesRefused, MetricUnit.Count, 1);
};
