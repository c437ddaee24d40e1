import { Duration, Tags, type Stack } from 'aws-cdk-lib';
import { ApiMapping, DomainName, EndpointType, SecurityPolicy, type HttpApi, type IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import { ARecord, Failover, HealthCheck, HealthCheckType, HostedZone, RecordTarget, type IAliasRecordTarget } from 'aws-cdk-lib/aws-route53';
import type { DeploymentSettings } from './settings.ts';

/** The path Route 53 checks: the route table's public health route. */
export const HEALTH_CHECK_PATH = '/health';

export interface ApiFailover {
  certificate: Certificate;
  domainName: DomainName;
  healthCheck: HealthCheck;
  record: ARecord;
}

/**
 * DNS failover between the regions for the API's domain (only with `domainName` and `hostedZoneId`):
 * in each region an ACM certificate for the name (DNS-validated in the zone), a regional API Gateway
 * custom domain with that certificate mapped to the API's `$default` stage, a Route 53 HTTPS health
 * check on this region's own `/health` (its execute-api host: a region is judged by itself, not by
 * whatever the name resolves to), and an alias A record for the name, PRIMARY in the primary region
 * and SECONDARY in the secondary, each answered only while its health check passes.
 */
export const apiFailover = (stack: Stack, settings: DeploymentSettings, role: 'primary' | 'secondary', api: HttpApi, stage: IHttpStage): ApiFailover => {
  const { domainName: name, hostedZoneId } = settings;
  if (!name || !hostedZoneId) throw new Error('apiFailover needs domainName and hostedZoneId');
  const zone = HostedZone.fromHostedZoneId(stack, 'ApiZone', hostedZoneId);

  // A regional custom domain needs a certificate in its own region: one per stack.
  const certificate = new Certificate(stack, 'ApiCertificate', { domainName: name, validation: CertificateValidation.fromDns(zone) });
  const domainName = new DomainName(stack, 'ApiDomainName', {
    domainName: name,
    certificate,
    endpointType: EndpointType.REGIONAL,
    securityPolicy: SecurityPolicy.TLS_1_2,
  });
  new ApiMapping(stack, 'ApiDomainMapping', { api, domainName, stage });

  const healthCheck = new HealthCheck(stack, 'ApiHealthCheck', {
    type: HealthCheckType.HTTPS,
    fqdn: `${api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`,
    port: 443,
    resourcePath: HEALTH_CHECK_PATH,
    enableSNI: true,
    requestInterval: Duration.seconds(30),
    failureThreshold: 3,
  });
  Tags.of(healthCheck).add('Name', `switchboard-${stack.region}${HEALTH_CHECK_PATH}`);

  // Failover alias records must evaluate the target's health (CDK checks); the API Gateway v2 target
  // of aws-route53-targets does not set it, so the alias is spelled out here.
  const target: IAliasRecordTarget = {
    bind: () => ({ dnsName: domainName.regionalDomainName, hostedZoneId: domainName.regionalHostedZoneId, evaluateTargetHealth: true }),
  };
  const record = new ARecord(stack, 'ApiFailoverRecord', {
    zone,
    recordName: `${name}.`,
    target: RecordTarget.fromAlias(target),
    failover: role === 'primary' ? Failover.PRIMARY : Failover.SECONDARY,
    healthCheck,
    setIdentifier: `switchboard-${role}-${stack.region}`,
    comment: `Switchboard API, ${role} region (${stack.region}): answered while its /health passes`,
  });
  return { certificate, domainName, healthCheck, record };
};
