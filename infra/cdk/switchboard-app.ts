import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EventStoreKeyStack } from './event-store-key-stack.ts';
import { HEALTH_ALARMS_REGION, HealthCheckAlarmsStack } from './health-alarms-stack.ts';
import { SwitchboardRegionStack } from './region-stack.ts';
import { readSettings } from './settings.ts';

export const regionStackName = (region: string) => `Switchboard-${region}`;
export const keyStackName = (region: string) => `Switchboard-EventStoreKey-${region}`;

/**
 * The whole deployment: the secondary region's event-store key, then the primary regional stack
 * (which owns the global table), then the secondary regional stack. cdk-nag's AwsSolutions pack
 * validates the app at synthesis (a finding that is not acknowledged fails it).
 */
export const switchboardApp = (props: AppProps = {}, options: { nag?: boolean } = {}) => {
  // Cross-stack references (the replica key, same region) stay strong: the key's stack must not
  // drop an export the secondary stack still uses.
  const app = new App({ ...props, context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong', ...props.context } });
  const settings = readSettings(app);
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const env = (region: string) => ({ account, region });

  const key = new EventStoreKeyStack(app, keyStackName(settings.secondaryRegion), {
    env: env(settings.secondaryRegion),
    description: 'Switchboard: the event store replica key in the secondary region (deploy first)',
  });
  const primary = new SwitchboardRegionStack(app, regionStackName(settings.primaryRegion), {
    env: env(settings.primaryRegion),
    description: 'Switchboard: primary region (owns the event store global table)',
    settings,
    role: 'primary',
    // With a domain, the us-east-1 alarms stack reads the health checks' ids across regions.
    crossRegionReferences: settings.domainName !== undefined,
  });
  primary.addStackDependency(key, 'the replica is encrypted with the secondary region key');
  const secondary = new SwitchboardRegionStack(app, regionStackName(settings.secondaryRegion), {
    env: env(settings.secondaryRegion),
    description: 'Switchboard: secondary region (event store replica)',
    settings,
    role: 'secondary',
    replicaKey: key.key,
    crossRegionReferences: settings.domainName !== undefined,
  });
  secondary.addStackDependency(primary, 'the replica and its stream exist once the primary stack is deployed');

  // The health checks' alarms, where Route 53 writes their metrics (only with a domain: no checks without one).
  const healthAlarms =
    primary.failover && secondary.failover
      ? new HealthCheckAlarmsStack(app, 'Switchboard-HealthAlarms', {
          env: env(HEALTH_ALARMS_REGION),
          description: 'Switchboard: alarms on the regions\' Route 53 health checks (us-east-1, where their metrics are)',
          settings,
          healthChecks: [
            { region: settings.primaryRegion, role: 'primary', healthCheck: primary.failover.healthCheck },
            { region: settings.secondaryRegion, role: 'secondary', healthCheck: secondary.failover.healthCheck },
          ],
        })
      : undefined;

  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, settings, key, primary, secondary, healthAlarms };
};
