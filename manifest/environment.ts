import { z } from 'zod';
import { BUS_NAME } from './rules.ts';
import { SECRETS_KEY_ALIAS } from './secrets.ts';
import { TABLES } from './tables.ts';

const tableName = (table: { name: string }) => z.string().min(1).default(table.name);

/** `a,b,c` → ['a', 'b', 'c'] (blanks dropped). */
const commaList = z
  .string()
  .transform((s) => s.split(',').map((part) => part.trim()).filter(Boolean));

/** Milliseconds before each webhook retry, comma-separated; empty for none. */
const delays = z
  .string()
  .transform((s) => (s.trim() === '' ? [] : s.split(',').map((d) => Number(d.trim()))))
  .refine((list) => list.every((d) => Number.isInteger(d) && d >= 0 && d <= 86_400_000), 'a comma-separated list of delays in milliseconds, e.g. 1000,2000,4000');

/**
 * Every environment variable Switchboard's code reads, in one place: its type, its default, and
 * what it is for. The CDK app (infra/cdk) and the local runtime (infra/local) set them, by these
 * names; handlers read them only through `readEnvironment`, at cold start. The AWS SDK reads its
 * own (`AWS_ENDPOINT_URL_*`, credentials) and Powertools its own (`POWERTOOLS_*`).
 */
export const ENVIRONMENT = z.object({
  /** The region the function runs in (set by Lambda); commits are stamped with it. `local` on this machine. */
  AWS_REGION: z.string().min(1).default('local'),
  /** Set by Lambda: metrics are written only there (or where POWERTOOLS_METRICS_DISABLED is `false`). */
  AWS_LAMBDA_FUNCTION_NAME: z.string().optional(),
  POWERTOOLS_METRICS_DISABLED: z.string().optional(),
  /** The tables' names (manifest/tables.ts); each defaults to the name CDK gives it. */
  EVENTS_TABLE: tableName(TABLES.events),
  IDEMPOTENCY_TABLE: tableName(TABLES.idempotency),
  WEBHOOK_DEAD_LETTERS_TABLE: tableName(TABLES.webhookDeadLetters),
  READ_MODELS_TABLE: tableName(TABLES.readModels),
  /** How long a warm handler trusts that a tenant is active before it reads the tenant's stream again. */
  TENANT_STATUS_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  /** Switchboard's own log level (Powertools Logger). */
  LOG_LEVEL: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'])).default('WARN'),
  /** The cascade state machine, for the functions that start executions. */
  CASCADE_STATE_MACHINE_ARN: z.string().regex(/^arn:/, 'a state machine ARN').optional(),
  /** The bus the forwarder publishes to. */
  EVENT_BUS_NAME: z.string().min(1).default(BUS_NAME),
  /** Where secrets are kept: Secrets Manager in AWS (the CDK app sets it), else files on this machine. */
  SECRET_STORE: z.enum(['secrets-manager', 'files']).default('files'),
  /** Secrets Manager writers: the regions each new secret is replicated to, and the key alias to encrypt with. */
  SECRETS_REPLICA_REGIONS: commaList.default([]),
  SECRETS_KMS_KEY: z.string().min(1).default(SECRETS_KEY_ALIAS),
  /** Files (local): the MNOs' credentials (JSON, 0600) and the webhooks' signing secrets (a 0700 directory). */
  MNO_CREDENTIALS_FILE: z.string().min(1).optional(),
  WEBHOOK_SECRETS_DIR: z.string().min(1).optional(),
  /** The SQS queue webhook retries wait on (the functions that deliver webhooks in AWS). */
  WEBHOOK_RETRY_QUEUE_URL: z.url().optional(),
  /** Overrides the webhook retry schedule (tests). */
  WEBHOOK_RETRY_DELAYS_MS: delays.optional(),
  /** `loopback`: webhooks may use http to loopback addresses (the local runtime's receivers); otherwise https only. */
  SWITCHBOARD_ALLOW_HTTP_WEBHOOKS: z.enum(['loopback']).optional(),
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
