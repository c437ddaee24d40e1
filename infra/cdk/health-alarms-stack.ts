import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { HealthCheck } from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { acknowledge } from './acknowledge.ts';
import { alarmTopic } from './alarms.ts';
import type { DeploymentSettings } from './settings.ts';

/** Route 53 publishes its health checks' metrics in us-east-1 only: their alarms live there. */
export const HEALTH_ALARMS_REGION = 'us-east-1';
const HEALTH_ALARM_TOPIC_NAME = 'switchboard-failover-alarms';

/**
 * The alarms on the regions' API health checks (only with a domain: the checks exist only then), in
 * us-east-1 where Route 53 writes `HealthCheckStatus`: one per region, raised when its check fails
 * (the failover record then answers with the other region), each saying what to do
 * (docs/runbook-failover.md), to a topic of their own in us-east-1.
 */
export class HealthCheckAlarmsStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { settings: DeploymentSettings; healthChecks: { region: string; role: 'primary' | 'secondary'; healthCheck: HealthCheck }[] }) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const action = new SnsAction(alarmTopic(this, props.settings, HEALTH_ALARM_TOPIC_NAME));
    for (const { region, role, healthCheck } of props.healthChecks) {
      const alarm = new Alarm(this, `ApiHealthCheck-${region}`, {
        alarmName: `switchboard-api-health-${region}`,
        alarmDescription:
          role === 'primary'
            ? `The ${role} region's API (${region}) fails its Route 53 health check: traffic is failing over to the other region, and publishing moves within 30 s. Follow docs/runbook-failover.md (unplanned failover); traffic returns once the check passes.`
            : `The ${role} region's API (${region}) fails its Route 53 health check: no region stands by should the primary fail. Find why (its /health names what does not answer) before anything else.`,
        metric: new Metric({ namespace: 'AWS/Route53', metricName: 'HealthCheckStatus', dimensionsMap: { HealthCheckId: healthCheck.healthCheckId }, statistic: 'Minimum', period: Duration.minutes(1) }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // A check that stops reporting is as bad as one that fails.
        treatMissingData: TreatMissingData.BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    acknowledge(this, 'AwsSolutions-IAM4', 'The cross-region references (the health checks\' ids, read from SSM in their regions) are read by the custom resource CDK provides, with the basic Lambda execution role.');
    acknowledge(this, 'AwsSolutions-IAM5', 'The cross-region reference reader reads only the SSM parameters CDK writes under /cdk/exports/ for this stack.');
    acknowledge(this, 'AwsSolutions-L1', 'The cross-region reference reader is CDK\'s own custom resource, on the runtime CDK chooses.');
  }
}
