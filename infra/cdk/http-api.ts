import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpRoute, HttpRouteKey, LogGroupLogDestination, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { FeaturePlan, Mfa, StandardThreatProtectionMode, UserPool } from 'aws-cdk-lib/aws-cognito';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { acknowledge } from './acknowledge.ts';
import { SERVICE_NAME } from './handler-function.ts';
import { handlersTriggeredBy } from './handlers.ts';
import type { DeploymentSettings } from './settings.ts';

/** The JWT authorizer: the configured issuer, or (development fallback) a Cognito user pool of the stack's own. */
const jwtAuthorizer = (stack: Stack, settings: DeploymentSettings): IHttpRouteAuthorizer => {
  if (settings.jwtIssuer) return new HttpJwtAuthorizer('Jwt', settings.jwtIssuer, { jwtAudience: settings.jwtAudience! });
  // Development fallback: a user pool per region (tokens of one region's pool are not valid
  // in the other: set jwtIssuer for failover). Scopes like `sims:write` and the `tenant` claim
  // need a pre-token-generation trigger, not built here.
  const pool = new UserPool(stack, 'Users', {
    selfSignUpEnabled: false,
    mfa: Mfa.REQUIRED,
    mfaSecondFactor: { otp: true, sms: false },
    passwordPolicy: { minLength: 14, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
    featurePlan: FeaturePlan.PLUS,
    standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const client = pool.addClient('Api', { generateSecret: false, authFlows: { userSrp: true } });
  return new HttpJwtAuthorizer('Jwt', `https://cognito-idp.${stack.region}.amazonaws.com/${pool.userPoolId}`, {
    jwtAudience: [client.userPoolClientId],
  });
};

/**
 * The HTTP API: one route per route handler (JWT and its scopes, or public), in the handler's own
 * stack, and a throttled, access-logged default stage (returned too, for a custom domain's mapping).
 */
export const httpApi = (stack: Stack, settings: DeploymentSettings, functions: Record<string, NodejsFunction>) => {
  const authorizer = jwtAuthorizer(stack, settings);

  const api = new HttpApi(stack, 'Api', { apiName: SERVICE_NAME, createDefaultStage: false, description: 'Switchboard HTTP API' });
  const accessLogs = new LogGroup(stack, 'ApiAccessLogs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
  const stage = api.addStage('DefaultStage', {
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(
        JSON.stringify({
          requestId: '$context.requestId',
          ip: '$context.identity.sourceIp',
          requestTime: '$context.requestTime',
          routeKey: '$context.routeKey',
          status: '$context.status',
          responseLength: '$context.responseLength',
          latency: '$context.responseLatency',
          integrationLatency: '$context.integrationLatency',
          integrationError: '$context.integrationErrorMessage',
          authorizerError: '$context.authorizer.error',
          sub: '$context.authorizer.claims.sub',
        }),
      ),
    },
  });

  // Each route, its integration and its invoke permission go where its function is (the nested
  // stack `HttpReads` or `HttpCommands`, handler-stacks.ts): per route, they are half its resources.
  // The API, its stage and the authorizer (made on first use, in the API's scope) stay here.
  for (const h of handlersTriggeredBy('http')) {
    const { route } = h.trigger;
    const fn = functions[h.id]!;
    const r = new HttpRoute(Stack.of(fn), `${h.id}Route`, {
      httpApi: api,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration: new HttpLambdaIntegration('Integration', fn),
      ...(route.public ? { authorizer: new HttpNoneAuthorizer() } : { authorizer, authorizationScopes: [...route.scopes] }),
    });
    if (route.public) acknowledge(r, 'AwsSolutions-APIG4', `${route.method} ${route.path} is public by the route table: ${route.publicBecause ?? 'no reason given'}.`);
  }
  return { api, stage };
};
