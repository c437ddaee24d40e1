import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../manifest/routes.ts';
import { HEALTH_CHECK_PATH } from '../../infra/cdk/failover.ts';
import { build, dashboardBody, logicalId, resources, synthesize, type Json } from './support/cdk.ts';

const DOMAIN = {
  jwtIssuer: 'https://issuer.example.com/',
  jwtAudience: 'switchboard-api',
  domainName: 'api.switchboard.example.com',
  hostedZoneId: 'Z0123456789EXAMPLE',
};

const DNS_TYPES = ['AWS::Route53::RecordSet', 'AWS::Route53::HealthCheck', 'AWS::CertificateManager::Certificate', 'AWS::ApiGatewayV2::DomainName', 'AWS::ApiGatewayV2::ApiMapping'];

describe('without a domain', () => {
  it('has no Route 53 records or health checks, no certificate and no custom domain, in either stack, and no health-check alarms stack', () => {
    expect(build({}, { nag: false }).healthAlarms).toBeUndefined();
    const { primary, secondary } = synthesize();
    for (const t of [primary, secondary]) {
      for (const type of DNS_TYPES) t.resourceCountIs(type, 0);
      expect(Object.keys(t.toJSON().Outputs)).not.toContain('ApiDomainUrl');
    }
  });
});

describe('with domainName and hostedZoneId', () => {
  let app: ReturnType<typeof build>;
  let primary: Template;
  let secondary: Template;

  beforeAll(() => {
    app = build(DOMAIN);
    primary = Template.fromStack(app.primary);
    secondary = Template.fromStack(app.secondary);
  });

  const both = () =>
    [
      ['primary', 'PRIMARY', () => app.primary, () => primary],
      ['secondary', 'SECONDARY', () => app.secondary, () => secondary],
    ] as const;

  it('checks a route the route table serves without a token', () => {
    expect(ROUTES.find((r) => r.path === HEALTH_CHECK_PATH && r.method === 'GET')).toMatchObject({ public: true });
  });

  describe.each(both())('the %s stack', (_name, failover, stack, template) => {
    const id = (c: Parameters<typeof logicalId>[1]) => logicalId(stack(), c);

    it('has an ACM certificate for the name, DNS-validated in the hosted zone', () => {
      template().resourceCountIs('AWS::CertificateManager::Certificate', 1);
      template().hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: DOMAIN.domainName,
        ValidationMethod: 'DNS',
        DomainValidationOptions: [{ DomainName: DOMAIN.domainName, HostedZoneId: DOMAIN.hostedZoneId }],
      });
    });

    it('has a regional custom domain (TLS 1.2) with that certificate, mapped to the API\'s $default stage', () => {
      const f = stack().failover!;
      template().hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
        DomainName: DOMAIN.domainName,
        DomainNameConfigurations: [{ CertificateArn: { Ref: id(f.certificate) }, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
      });
      template().hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
        ApiId: { Ref: id(stack().api) },
        DomainName: { Ref: id(f.domainName) },
        Stage: '$default',
      });
      template().hasResourceProperties('AWS::ApiGatewayV2::Stage', { ApiId: { Ref: id(stack().api) }, StageName: '$default' });
    });

    it('has a Route 53 health check on this region\'s own /health, over HTTPS with SNI', () => {
      const checks = resources(template(), 'AWS::Route53::HealthCheck');
      expect(checks).toHaveLength(1);
      const config = checks[0]![1].Properties.HealthCheckConfig as Json;
      expect(config).toMatchObject({ Type: 'HTTPS', Port: 443, ResourcePath: '/health', EnableSNI: true, RequestInterval: 30, FailureThreshold: 3 });
      expect(config.FullyQualifiedDomainName).toEqual({
        'Fn::Join': ['', [{ Ref: id(stack().api) }, `.execute-api.${stack().region}.`, { Ref: 'AWS::URLSuffix' }]],
      });
    });

    it(`has the name's alias A record, failover ${failover}, answered while its health check passes`, () => {
      const f = stack().failover!;
      const records = resources(template(), 'AWS::Route53::RecordSet');
      expect(records).toHaveLength(1);
      expect(records[0]![1].Properties).toMatchObject({
        HostedZoneId: DOMAIN.hostedZoneId,
        Name: `${DOMAIN.domainName}.`,
        Type: 'A',
        Failover: failover,
        HealthCheckId: { Ref: id(f.healthCheck) },
        AliasTarget: {
          DNSName: { 'Fn::GetAtt': [id(f.domainName), 'RegionalDomainName'] },
          HostedZoneId: { 'Fn::GetAtt': [id(f.domainName), 'RegionalHostedZoneId'] },
          EvaluateTargetHealth: true,
        },
      });
      expect(records[0]![1].Properties.SetIdentifier).toContain(stack().region);
      expect(template().toJSON().Outputs.ApiDomainUrl.Value).toBe(`https://${DOMAIN.domainName}`);
    });

    it('graphs its health check (us-east-1, where Route 53 publishes it) on the dashboard', () => {
      const body = dashboardBody(resources(template(), 'AWS::CloudWatch::Dashboard')[0]![1]);
      const widget = (body.widgets as Json[]).find((w) => /health check/i.test(w.properties?.title ?? ''))!;
      expect(widget.properties.metrics).toEqual([
        ['AWS/Route53', 'HealthCheckStatus', 'HealthCheckId', `\${${id(stack().failover!.healthCheck)}}`, expect.objectContaining({ region: 'us-east-1', stat: 'Minimum' })],
      ]);
    });

    it('has no unacknowledged cdk-nag finding', () => {
      const report = new AwsSolutionsChecks().validateScope(stack());
      expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    });
  });

  it('alarms on each region’s health check in us-east-1, where Route 53 writes HealthCheckStatus, to a topic of its own; missing data alarms too', () => {
    const stack = app.healthAlarms!;
    expect(stack.region).toBe('us-east-1');
    const t = Template.fromStack(stack);
    const alarms = resources(t, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties as Json);
    expect(alarms.map((a) => a.AlarmName).sort()).toEqual([`switchboard-api-health-${app.settings.primaryRegion}`, `switchboard-api-health-${app.settings.secondaryRegion}`].sort());
    for (const a of alarms) {
      expect(a).toMatchObject({ Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Statistic: 'Minimum', Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
      expect(JSON.stringify(a.Dimensions)).toContain('HealthCheckId');
      expect(a.AlarmActions).toHaveLength(1);
    }
    expect(alarms.find((a) => a.AlarmName.endsWith(app.settings.primaryRegion))!.AlarmDescription).toContain('docs/runbook-failover.md');
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'switchboard-failover-alarms' });
  });

  it('gives the two regions different set identifiers for the same name', () => {
    const ids = [primary, secondary].map((t) => resources(t, 'AWS::Route53::RecordSet')[0]![1].Properties.SetIdentifier);
    expect(new Set(ids).size).toBe(2);
  });
});

describe('the domain settings', () => {
  it('take domainName and hostedZoneId together or not at all', () => {
    expect(() => build({ domainName: DOMAIN.domainName }, { nag: false })).toThrow(/domainName and hostedZoneId/);
    expect(() => build({ hostedZoneId: DOMAIN.hostedZoneId }, { nag: false })).toThrow(/domainName and hostedZoneId/);
  });

  it('reject a name with a trailing dot, upper case or a wildcard, and a zone id that is not one', () => {
    for (const domainName of ['api.example.com.', 'API.example.com', '*.example.com', 'localhost'])
      expect(() => build({ domainName, hostedZoneId: DOMAIN.hostedZoneId }, { nag: false }), domainName).toThrow(/context domainName/);
    expect(() => build({ domainName: DOMAIN.domainName, hostedZoneId: 'example.com' }, { nag: false })).toThrow(/context hostedZoneId/);
  });
});
