import type { App } from 'aws-cdk-lib';

/**
 * What the deployment is told through CDK context (`cdk.json`, or `-c key=value`). Every key has a
 * default here; infra/cdk/README.md lists them.
 */
export interface DeploymentSettings {
  /** Region of the first stack; it owns the event store's global table. */
  primaryRegion: string;
  /** Region of the second stack and of the event store's replica. */
  secondaryRegion: string;
  /** MRSC only: the region that holds the witness (same region set as the other two). */
  witnessRegion: string;
  /**
   * `strong`: multi-region strong consistency (MRSC): two replicas and a witness, conditional
   * appends hold across regions, both regions may write. `eventual`: MREC, one writing region.
   */
  consistency: 'strong' | 'eventual';
  /** JWT issuer (the `iss` claim, https URL). Absent: a Cognito user pool per region is created. */
  jwtIssuer?: string;
  /** JWT audiences (the `aud` claim), comma-separated in context. Required with `jwtIssuer`. */
  jwtAudience?: string[];
  /** Steady-state requests per second and burst of the API's default stage. */
  apiRateLimit: number;
  apiBurstLimit: number;
  /**
   * Route 53 failover (both or neither): the API's domain name (e.g. `api.example.com`, no trailing
   * dot) and the id of the public hosted zone it lives in. With them each regional stack gets an ACM
   * certificate validated in that zone, an API Gateway custom domain mapped to its API, a Route 53
   * health check on its own `/health`, and a failover alias record (PRIMARY in the primary region,
   * SECONDARY in the secondary). Without them: none of these; the API is reached at its
   * execute-api URL.
   */
  domainName?: string;
  hostedZoneId?: string;
  /** An e-mail address subscribed to each region's alarm topic (it confirms by mail). Absent: no subscription. */
  alarmEmail?: string;
  /**
   * The ARN of the eIM's multi-region KMS key the primary stack made (its output `EimKeyArn`): with
   * it the secondary stack replicates that key, so both regions sign eIM packages with one key the
   * devices trust. Absent (before the primary's first deployment): the secondary region cannot
   * sign packages yet.
   */
  eimPrimaryKeyArn?: string;
  /** The EUMs whose eUICC certificates are trusted: a JSON array of public JWKs (`EUM_PUBLIC_KEYS`). */
  eumPublicKeys?: string;
}

export const DEFAULT_SETTINGS = {
  // One MRSC region set (EU: eu-west-1, eu-west-2, eu-west-3, eu-central-1).
  primaryRegion: 'eu-west-1',
  secondaryRegion: 'eu-central-1',
  witnessRegion: 'eu-west-2',
  consistency: 'strong',
  apiRateLimit: 200,
  apiBurstLimit: 400,
} as const satisfies Partial<DeploymentSettings>;

/** Lower-case labels of letters, digits and inner hyphens, at least two of them (no wildcard: one API name). */
const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const text = (app: App, key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
};

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const positive = (app: App, key: string, fallback: number) => {
  const value = Number(text(app, key) ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`context ${key} must be a positive number`);
  return value;
};

/** Reads and checks the context; a wrong value fails synthesis with the key's name. */
export const readSettings = (app: App): DeploymentSettings => {
  const consistency = text(app, 'consistency') ?? DEFAULT_SETTINGS.consistency;
  if (consistency !== 'strong' && consistency !== 'eventual') throw new Error(`context consistency must be strong or eventual, not ${consistency}`);
  const settings: DeploymentSettings = {
    primaryRegion: text(app, 'primaryRegion') ?? DEFAULT_SETTINGS.primaryRegion,
    secondaryRegion: text(app, 'secondaryRegion') ?? DEFAULT_SETTINGS.secondaryRegion,
    witnessRegion: text(app, 'witnessRegion') ?? DEFAULT_SETTINGS.witnessRegion,
    consistency,
    jwtIssuer: text(app, 'jwtIssuer'),
    jwtAudience: list(text(app, 'jwtAudience')),
    apiRateLimit: positive(app, 'apiRateLimit', DEFAULT_SETTINGS.apiRateLimit),
    apiBurstLimit: positive(app, 'apiBurstLimit', DEFAULT_SETTINGS.apiBurstLimit),
    domainName: text(app, 'domainName'),
    hostedZoneId: text(app, 'hostedZoneId'),
    alarmEmail: text(app, 'alarmEmail'),
    eimPrimaryKeyArn: text(app, 'eimPrimaryKeyArn'),
    eumPublicKeys: text(app, 'eumPublicKeys'),
  };
  const regions = [settings.primaryRegion, settings.secondaryRegion, ...(consistency === 'strong' ? [settings.witnessRegion] : [])];
  if (new Set(regions).size !== regions.length) throw new Error(`context regions must differ: ${regions.join(', ')}`);
  if (settings.jwtIssuer && !settings.jwtIssuer.startsWith('https://')) throw new Error('context jwtIssuer must be an https URL');
  if (settings.jwtIssuer && !settings.jwtAudience?.length) throw new Error('context jwtAudience is required with jwtIssuer');
  if (Boolean(settings.domainName) !== Boolean(settings.hostedZoneId)) throw new Error('context domainName and hostedZoneId go together: set both (Route 53 failover) or neither');
  if (settings.domainName && !DOMAIN_NAME.test(settings.domainName))
    throw new Error(`context domainName must be a fully qualified DNS name in lower case without a trailing dot (e.g. api.example.com), not ${settings.domainName}`);
  if (settings.hostedZoneId && !HOSTED_ZONE_ID.test(settings.hostedZoneId)) throw new Error(`context hostedZoneId must be a Route 53 hosted zone id (Z...), not ${settings.hostedZoneId}`);
  if (settings.alarmEmail && !EMAIL.test(settings.alarmEmail)) throw new Error(`context alarmEmail must be an e-mail address, not ${settings.alarmEmail}`);
  return settings;
};
