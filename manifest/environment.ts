import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { BUS_NAME } from './rules.ts';
import { SECRETS_KEY_ALIAS } from './secrets.ts';
import { TABLES } from './tables.ts';

// zod/mini (17 KiB bundled, against classic zod's 440): every entry point reads the environment,
// and some (/health, the forwarder) need no other schema. With English issue messages, as
// domain/zod-mini.ts sets them for every other schema (the manifest cannot import the domain).
z.config(en());

const text = () => z.string().check(z.minLength(1));
const tableName = (table: { name: string }) => z._default(text(), table.name);

/** `a,b,c` → ['a', 'b', 'c'] (blanks dropped). */
const commaList = z.pipe(
  z.string(),
  z.transform((s: string) => s.split(',').map((part) => part.trim()).filter(Boolean)),
);

/** Milliseconds before each webhook retry, comma-separated; empty for none. */
const delays = z.pipe(
  z.string(),
  z.pipe(
    z.transform((s: string) => (s.trim() === '' ? [] : s.split(',').map((d) => Number(d.trim())))),
    z.array(z.number().check(z.int(), z.gte(0), z.lte(86_400_000))),
  ),
);

const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'] as const;

/**
 * Every environment variable Switchboard's code reads, in one place: its type, its default, and
 * what it is for. The CDK app (infra/cdk) and the local runtime (infra/local) set them, by these
 * names; handlers read them only through `readEnvironment`, at cold start. The AWS SDK reads its
 * own (`AWS_ENDPOINT_URL_*`, credentials) and Powertools its own (`POWERTOOLS_*`).
 */
export const ENVIRONMENT = z.object({
  /** The region the function runs in (set by Lambda); commits are stamped with it. `local` on this machine. */
  AWS_REGION: z._default(text(), 'local'),
  /** Set by Lambda: metrics are written only there (or where POWERTOOLS_METRICS_DISABLED is `false`). */
  AWS_LAMBDA_FUNCTION_NAME: z.optional(z.string()),
  POWERTOOLS_METRICS_DISABLED: z.optional(z.string()),
  /** The tables' names (manifest/tables.ts); each defaults to the name CDK gives it. */
  EVENTS_TABLE: tableName(TABLES.events),
  IDEMPOTENCY_TABLE: tableName(TABLES.idempotency),
  WEBHOOK_DEAD_LETTERS_TABLE: tableName(TABLES.webhookDeadLetters),
  WEBHOOK_DELIVERIES_TABLE: tableName(TABLES.webhookDeliveries),
  READ_MODELS_TABLE: tableName(TABLES.readModels),
  BULK_ITEMS_TABLE: tableName(TABLES.bulkItems),
  MNO_RATE_TABLE: tableName(TABLES.mnoRate),
  SIGNALS_TABLE: tableName(TABLES.signals),
  /** The queue pushed signal batches wait in for the signal consumer (the push route sends to it). */
  /** Where MNOs drop CDR files: the signals bucket in AWS; locally a folder (SIGNAL_FILES_DIR). */
  SIGNALS_BUCKET: z.optional(text()),
  SIGNAL_FILES_DIR: z.optional(text()),
  SIGNALS_QUEUE_URL: z.optional(z.string().check(z.regex(/^https?:\/\//, 'a queue URL'))),
  /** How long a warm handler trusts that a tenant is active before it reads the tenant's stream again. */
  TENANT_STATUS_TTL_MS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(3_600_000)), 5000),
  /** Switchboard's own log level (Powertools Logger), in any case. */
  LOG_LEVEL: z._default(z.pipe(z.string(), z.pipe(z.transform((v: string) => v.toUpperCase()), z.enum(LEVELS))), 'WARN'),
  /** The cascade state machine, for the functions that start executions. */
  CASCADE_STATE_MACHINE_ARN: z.optional(z.string().check(z.regex(/^arn:/, 'a state machine ARN'))),
  /** The bulk operations' state machine, for the functions that start their executions. */
  BULK_STATE_MACHINE_ARN: z.optional(z.string().check(z.regex(/^arn:/, 'a state machine ARN'))),
  /** How long a cascade round's execution may take to appear before the reconciler takes it for lost. */
  CASCADE_RESUME_GRACE_MS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(3_600_000)), 60_000),
  /** How long after a cascade's execution stopped its task functions may still run (their timeout): the reconciler resumes the round only after (the local runtime: 0, its tasks stop with it). */
  CASCADE_RESUME_SETTLE_MS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(3_600_000)), 120_000),
  /** The publishing lease (domain/lease/publishing-lease.ts): how long it holds unrenewed (a lost region's publishing stops for at most this long). */
  PUBLISHING_LEASE_MS: z._default(z.coerce.number().check(z.int(), z.gte(1_000), z.lte(600_000)), 30_000),
  /** How long before it lapses its owner renews it. */
  PUBLISHING_LEASE_RENEW_BEFORE_MS: z._default(z.coerce.number().check(z.int(), z.gte(500), z.lte(300_000)), 10_000),
  /** How far before the watermark a takeover publishes again (commits seen out of time order: replication lag, shards, clocks). */
  PUBLISHING_REPLAY_MARGIN_MS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(3_600_000)), 60_000),
  /** The lease keeper (schedule `keep-publishing-lease`): how long one invocation keeps stepping (0: one step), and how often it steps. */
  LEASE_KEEPER_RUN_MS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(840_000)), 0),
  LEASE_KEEPER_STEP_MS: z._default(z.coerce.number().check(z.int(), z.gte(200), z.lte(60_000)), 5_000),
  /** How long an MNO's CMP may fail the health probe before the MNO is declared in outage (fallback starts). */
  MNO_PROBE_FAIL_AFTER_MS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(86_400_000)), 180_000),
  /** How long after a SIM's last change (or a policy's cascade) the network verification leaves it be: a cascade may still be carrying it. */
  NETWORK_SETTLE_MS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(86_400_000)), 600_000),
  /** The bus the forwarder publishes to. */
  EVENT_BUS_NAME: z._default(text(), BUS_NAME),
  /** Where secrets are kept: Secrets Manager in AWS (the CDK app sets it), else files on this machine. */
  SECRET_STORE: z._default(z.enum(['secrets-manager', 'files']), 'files'),
  /** Secrets Manager writers: the regions each new secret is replicated to, and the key alias to encrypt with. */
  SECRETS_REPLICA_REGIONS: z._default(commaList, []),
  SECRETS_KMS_KEY: z._default(text(), SECRETS_KEY_ALIAS),
  /** Files (local): the MNOs' credentials (JSON, 0600) and the webhooks' signing secrets (a 0700 directory). */
  MNO_CREDENTIALS_FILE: z.optional(text()),
  WEBHOOK_SECRETS_DIR: z.optional(text()),
  /** Files (local): ordered profiles' activation codes (a 0700 directory of 0600 files). */
  ACTIVATION_CODES_DIR: z.optional(text()),
  /** The eIM (SGP.32): its id in packages, its signing key (a KMS key id in AWS, else a key file), and the EUMs whose eUICC certificates it trusts (a JSON array of public JWKs). */
  EIM_ID: z._default(text(), 'switchboard'),
  EIM_KEY_ID: z.optional(text()),
  EIM_KEY_FILE: z.optional(text()),
  EUM_PUBLIC_KEYS: z._default(
    z.string().check(
      z.refine((s) => {
        try {
          return Array.isArray(JSON.parse(s));
        } catch {
          return false;
        }
      }, 'a JSON array of public JWKs'),
    ),
    '[]',
  ),
  /** The SQS queue webhook retries wait on (the functions that deliver webhooks in AWS). */
  WEBHOOK_RETRY_QUEUE_URL: z.optional(z.url()),
  /** Overrides the webhook retry schedule (tests). */
  WEBHOOK_RETRY_DELAYS_MS: z.optional(delays),
  /** `loopback`: webhooks may use http to loopback addresses (the local runtime's receivers); otherwise https only. */
  SWITCHBOARD_ALLOW_HTTP_WEBHOOKS: z.optional(z.enum(['loopback'])),
});

export type Environment = z.output<typeof ENVIRONMENT>;
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
  const parsed = ENVIRONMENT.safeParse(Object.fromEntries(Object.keys(ENVIRONMENT.shape).map((k) => [k, source[k] === '' && k !== 'WEBHOOK_RETRY_DELAYS_MS' ? undefined : source[k]])));
  if (parsed.success) return parsed.data;
  throw new EnvironmentError(parsed.error.issues.map((i) => `${String(i.path[0])} is not valid: ${i.message}`).join('; '));
};

/** A variable this code cannot run without; `purpose` says why, in the error that names it. */
export const required = <K extends Variable>(env: Environment, name: K, purpose: string): NonNullable<Environment[K]> => {
  const value = env[name];
  if (value === undefined || value === null) throw new EnvironmentError(`${name} is not set: ${purpose}`);
  return value as NonNullable<Environment[K]>;
};
