import { BUS_NAME } from './rules.ts';
import { SECRETS_KEY_ALIAS } from './secrets.ts';
import { TABLES } from './tables.ts';

/**
 * How one variable is read: from its text (`undefined` when unset; an empty value counts as unset
 * unless `keepsEmpty`) to its value, or `expected`, what it should have been, when it does not fit.
 *
 * Not zod (measured, `npm run bench -- bundles`): every function reads the environment at cold
 * start, and building this table as zod/mini schemas (about 140 of them) and parsing it took
 * about 9 ms of a handler's module init against 37 ms for the DynamoDB client alone. The variables
 * are a few flat kinds of text, read here in a few lines each.
 */
interface Reader<T> {
  read(text: string | undefined): T | Misfit;
  keepsEmpty?: boolean;
}

/** What a variable's text should have been. */
class Misfit {
  constructor(readonly expected: string) {}
}

const reader = <T>(read: (text: string | undefined) => T | Misfit, keepsEmpty = false): Reader<T> => ({ read, keepsEmpty });

/** Any text, or nothing. */
const optionalText = reader((text) => text);
/** Non-empty text, else `fallback`. */
const text = (fallback: string) => reader((t) => t ?? fallback);
/** Text that matches `pattern`, or nothing. */
const matching = (pattern: RegExp, what: string) => reader((t) => (t === undefined || pattern.test(t) ? t : new Misfit(what)));
/** One of `values`, else `fallback`. */
const oneOf = <V extends string, F extends V | undefined>(values: readonly V[], fallback: F, normalize = (t: string) => t) =>
  reader((t): V | F | Misfit => {
    if (t === undefined) return fallback;
    const v = normalize(t);
    return (values as readonly string[]).includes(v) ? (v as V) : new Misfit(`one of ${values.join(', ')}`);
  });

const isInteger = (t: string, min: number, max: number) => /^\s*-?\d+\s*$/.test(t) && Number(t) >= min && Number(t) <= max;
/** A whole number from `min` to `max`, else `fallback`. */
const integer = (min: number, max: number, fallback: number) =>
  reader((t) => (t === undefined ? fallback : isInteger(t, min, max) ? Number(t) : new Misfit(`a whole number from ${min} to ${max}`)));

/** `a,b,c` → ['a', 'b', 'c'] (blanks dropped); none when unset. */
const commaList = reader((t): string[] => (t === undefined ? [] : t.split(',').map((part) => part.trim()).filter(Boolean)));

/** Milliseconds before each webhook retry, comma-separated; empty for none. */
const delays = reader((t): number[] | undefined | Misfit => {
  if (t === undefined) return undefined;
  const parts = t.trim() === '' ? [] : t.split(',').map((d) => d.trim());
  return parts.every((d) => isInteger(d, 0, 86_400_000)) ? parts.map(Number) : new Misfit('whole numbers of milliseconds from 0 to 86400000, comma-separated');
}, true);

/** A JSON array, else `fallback`. */
const jsonArray = (fallback: string) =>
  reader((t) => {
    const value = t ?? fallback;
    try {
      if (Array.isArray(JSON.parse(value))) return value;
    } catch {
      // Not JSON: the misfit below.
    }
    return new Misfit('a JSON array of public JWKs');
  });

/** An absolute URL, or nothing. */
const url = reader((t) => (t === undefined || URL.canParse(t) ? t : new Misfit('a URL')));

const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'] as const;
const tableName = (table: { name: string }) => text(table.name);

/**
 * Every environment variable Switchboard's code reads, in one place: its type, its default, and
 * what it is for. The CDK app (infra/cdk) and the local runtime (infra/local) set them, by these
 * names; handlers read them only through `readEnvironment`, at cold start. The AWS SDK reads its
 * own (`AWS_ENDPOINT_URL_*`, credentials) and Powertools its own (`POWERTOOLS_*`).
 */
export const ENVIRONMENT = {
  /** The region the function runs in (set by Lambda); commits are stamped with it. `local` on this machine. */
  AWS_REGION: text('local'),
  /** Set by Lambda: metrics are written only there (or where POWERTOOLS_METRICS_DISABLED is `false`). */
  AWS_LAMBDA_FUNCTION_NAME: optionalText,
  POWERTOOLS_METRICS_DISABLED: optionalText,
  /** The tables' names (manifest/tables.ts); each defaults to the name CDK gives it. */
  EVENTS_TABLE: tableName(TABLES.events),
  IDEMPOTENCY_TABLE: tableName(TABLES.idempotency),
  WEBHOOK_DEAD_LETTERS_TABLE: tableName(TABLES.webhookDeadLetters),
  WEBHOOK_DELIVERIES_TABLE: tableName(TABLES.webhookDeliveries),
  READ_MODELS_TABLE: tableName(TABLES.readModels),
  BULK_ITEMS_TABLE: tableName(TABLES.bulkItems),
  MNO_RATE_TABLE: tableName(TABLES.mnoRate),
  SIGNALS_TABLE: tableName(TABLES.signals),
  /** Where MNOs drop CDR files: the signals bucket in AWS; locally a folder (SIGNAL_FILES_DIR). */
  SIGNALS_BUCKET: optionalText,
  SIGNAL_FILES_DIR: optionalText,
  /** The queue pushed signal batches wait in for the signal consumer (the push route sends to it). */
  SIGNALS_QUEUE_URL: matching(/^https?:\/\//, 'a queue URL'),
  /** How long a warm handler trusts that a tenant is active before it reads the tenant's stream again. */
  TENANT_STATUS_TTL_MS: integer(0, 3_600_000, 5000),
  /** Switchboard's own log level (Powertools Logger), in any case. */
  LOG_LEVEL: oneOf(LEVELS, 'WARN', (t) => t.toUpperCase()),
  /** The cascade state machine, for the functions that start executions. */
  CASCADE_STATE_MACHINE_ARN: matching(/^arn:/, 'a state machine ARN'),
  /** The bulk operations' state machine, for the functions that start their executions. */
  BULK_STATE_MACHINE_ARN: matching(/^arn:/, 'a state machine ARN'),
  /** How long a cascade round's execution may take to appear before the reconciler takes it for lost. */
  CASCADE_RESUME_GRACE_MS: integer(0, 3_600_000, 60_000),
  /** How long after a cascade's execution stopped its task functions may still run (their timeout): the reconciler resumes the round only after (the local runtime: 0, its tasks stop with it). */
  CASCADE_RESUME_SETTLE_MS: integer(0, 3_600_000, 120_000),
  /** The publishing lease (domain/lease/publishing-lease.ts): how long it holds unrenewed (a lost region's publishing stops for at most this long). */
  PUBLISHING_LEASE_MS: integer(1_000, 600_000, 30_000),
  /** How long before it lapses its owner renews it. */
  PUBLISHING_LEASE_RENEW_BEFORE_MS: integer(500, 300_000, 10_000),
  /** How far before the watermark a takeover publishes again (commits seen out of time order: replication lag, shards, clocks). */
  PUBLISHING_REPLAY_MARGIN_MS: integer(0, 3_600_000, 60_000),
  /** The lease keeper (schedule `keep-publishing-lease`): how long one invocation keeps stepping (0: one step), and how often it steps. */
  LEASE_KEEPER_RUN_MS: integer(0, 840_000, 0),
  LEASE_KEEPER_STEP_MS: integer(200, 60_000, 5_000),
  /** How long an MNO's CMP may fail the health probe before the MNO is declared in outage (fallback starts). */
  MNO_PROBE_FAIL_AFTER_MS: integer(0, 86_400_000, 180_000),
  /** How long after a SIM's last change (or a policy's cascade) the network verification leaves it be: a cascade may still be carrying it. */
  NETWORK_SETTLE_MS: integer(0, 86_400_000, 600_000),
  /** The bus the forwarder publishes to. */
  EVENT_BUS_NAME: text(BUS_NAME),
  /** Where secrets are kept: Secrets Manager in AWS (the CDK app sets it), else files on this machine. */
  SECRET_STORE: oneOf(['secrets-manager', 'files'] as const, 'files'),
  /** Secrets Manager writers: the regions each new secret is replicated to, and the key alias to encrypt with. */
  SECRETS_REPLICA_REGIONS: commaList,
  SECRETS_KMS_KEY: text(SECRETS_KEY_ALIAS),
  /** Files (local): the MNOs' credentials (JSON, 0600) and the webhooks' signing secrets (a 0700 directory). */
  MNO_CREDENTIALS_FILE: optionalText,
  WEBHOOK_SECRETS_DIR: optionalText,
  /** Files (local): ordered profiles' activation codes (a 0700 directory of 0600 files). */
  ACTIVATION_CODES_DIR: optionalText,
  /** The eIM (SGP.32): its id in packages, its signing key (a KMS key id in AWS, else a key file), and the EUMs whose eUICC certificates it trusts (a JSON array of public JWKs). */
  EIM_ID: text('switchboard'),
  EIM_KEY_ID: optionalText,
  EIM_KEY_FILE: optionalText,
  EUM_PUBLIC_KEYS: jsonArray('[]'),
  /** The SQS queue webhook retries wait on (the functions that deliver webhooks in AWS). */
  WEBHOOK_RETRY_QUEUE_URL: url,
  /** Overrides the webhook retry schedule (tests). */
  WEBHOOK_RETRY_DELAYS_MS: delays,
  /** `loopback`: webhooks may use http to loopback addresses (the local runtime's receivers); otherwise https only. */
  SWITCHBOARD_ALLOW_HTTP_WEBHOOKS: oneOf(['loopback'] as const, undefined),
} satisfies Record<string, Reader<unknown>>;

export type Environment = { -readonly [K in keyof typeof ENVIRONMENT]: Exclude<ReturnType<(typeof ENVIRONMENT)[K]['read']>, Misfit> };
export type Variable = keyof Environment;

/** A variable's name, checked against the list above (for the code that sets them: CDK, the local runtime). */
export const variable = <K extends Variable>(name: K): K => name;

export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/**
 * The environment, parsed. A variable that is set but malformed fails here, naming it and what
 * it should be (never its value: a misplaced secret must not reach a log).
 */
export const readEnvironment = (source: NodeJS.ProcessEnv = process.env): Environment => {
  const values: Record<string, unknown> = {};
  const misfits: string[] = [];
  for (const [name, variable] of Object.entries(ENVIRONMENT) as [string, Reader<unknown>][]) {
    const raw = source[name];
    const value = variable.read(raw === '' && !variable.keepsEmpty ? undefined : raw);
    if (value instanceof Misfit) misfits.push(`${name} is not valid: expected ${value.expected}`);
    else values[name] = value;
  }
  if (misfits.length > 0) throw new EnvironmentError(misfits.join('; '));
  return values as Environment;
};

/** A variable this code cannot run without; `purpose` says why, in the error that names it. */
export const required = <K extends Variable>(env: Environment, name: K, purpose: string): NonNullable<Environment[K]> => {
  const value = env[name];
  if (value === undefined || value === null) throw new EnvironmentError(`${name} is not set: ${purpose}`);
  return value as NonNullable<Environment[K]>;
};
