import { afterEach, describe, expect, it, vi } from 'vitest';
import { countMnoApplyError, countMnoApplyFailure, countWebhookParked, METRIC, METRICS_NAMESPACE, MNO_DIMENSION } from '../../adapters/observability/metrics.ts';

/** The EMF lines Powertools writes to stdout while `run` runs. */
const emfLines = (run: () => void) => {
  const lines: Record<string, any>[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) if (line.includes('"_aws"')) lines.push(JSON.parse(line));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return lines;
};

afterEach(() => {
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

describe('metrics (EMF)', () => {
  it('counts a given-up MNO target per MNO and once more over all MNOs, in the Switchboard namespace', () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const lines = emfLines(() => countMnoApplyFailure('orange-fr'));
    expect(lines).toHaveLength(2);
    const [perMno, total] = lines;
    expect(perMno!._aws.CloudWatchMetrics).toEqual([{ Namespace: METRICS_NAMESPACE, Dimensions: [['service', MNO_DIMENSION]], Metrics: [{ Name: METRIC.mnoApplyFailures, Unit: 'Count' }] }]);
    expect(perMno).toMatchObject({ service: 'switchboard', [MNO_DIMENSION]: 'orange-fr', [METRIC.mnoApplyFailures]: 1 });
    expect(total!._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
    expect(total).toMatchObject({ service: 'switchboard', [METRIC.mnoApplyFailures]: 1 });
    expect(total![MNO_DIMENSION]).toBeUndefined();
  });

  it('counts failed attempts per MNO and parked webhook deliveries', () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const lines = emfLines(() => {
      countMnoApplyError('vodafone-de');
      countWebhookParked();
    });
    expect(lines.map((l) => [l._aws.CloudWatchMetrics[0].Metrics[0].Name, l._aws.CloudWatchMetrics[0].Dimensions, l[MNO_DIMENSION]])).toEqual([
      [METRIC.mnoApplyErrors, [['service', MNO_DIMENSION]], 'vodafone-de'],
      [METRIC.webhookDeliveriesParked, [['service']], undefined],
    ]);
  });

  it('writes nothing outside Lambda unless asked (the local runtime’s stdout is for people)', () => {
    expect(process.env.AWS_LAMBDA_FUNCTION_NAME).toBeUndefined();
    expect(emfLines(() => countMnoApplyFailure('orange-fr'))).toEqual([]);
  });
});
