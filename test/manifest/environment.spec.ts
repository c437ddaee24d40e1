import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT, EnvironmentError, readEnvironment, required } from '../../manifest/environment.ts';
import { TABLES } from '../../manifest/tables.ts';

describe('the environment (manifest/environment.ts)', () => {
  it('names every variable the code reads: each table’s name variable is one of them', () => {
    for (const table of Object.values(TABLES)) expect(Object.keys(ENVIRONMENT), table.name).toContain(table.envVar);
  });

  it('given nothing, then the defaults: the tables’ own names, the local region, files for secrets', () => {
    const env = readEnvironment({});
    expect(env).toMatchObject({ AWS_REGION: 'local', EVENTS_TABLE: TABLES.events.name, READ_MODELS_TABLE: TABLES.readModels.name, SECRET_STORE: 'files', TENANT_STATUS_TTL_MS: 5000, LOG_LEVEL: 'WARN' });
    expect(env.CASCADE_STATE_MACHINE_ARN).toBeUndefined();
  });

  it('given a malformed variable, then an error naming it and what it should be, never its value', () => {
    const error = (() => {
      try {
        readEnvironment({ WEBHOOK_RETRY_QUEUE_URL: 'hunter2 not a url', TENANT_STATUS_TTL_MS: '-5' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error!.message).toContain('WEBHOOK_RETRY_QUEUE_URL');
    expect(error!.message).toContain('TENANT_STATUS_TTL_MS');
    expect(error!.message).not.toContain('hunter2');
  });

  it('given a variable an entry point cannot run without, missing, then an error naming it and what it is for', () => {
    expect(() => required(readEnvironment({}), 'CASCADE_STATE_MACHINE_ARN', 'this function starts cascade executions')).toThrow(
      'CASCADE_STATE_MACHINE_ARN is not set: this function starts cascade executions',
    );
    expect(required(readEnvironment({ CASCADE_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:1:stateMachine:x' }), 'CASCADE_STATE_MACHINE_ARN', 'x')).toMatch(/^arn:/);
  });

  it('reads lists and levels as the code wants them', () => {
    expect(readEnvironment({ SECRETS_REPLICA_REGIONS: 'eu-central-1, eu-west-2,', LOG_LEVEL: 'info', WEBHOOK_RETRY_DELAYS_MS: '10,20' })).toMatchObject({
      SECRETS_REPLICA_REGIONS: ['eu-central-1', 'eu-west-2'],
      LOG_LEVEL: 'INFO',
      WEBHOOK_RETRY_DELAYS_MS: [10, 20],
    });
    expect(readEnvironment({ WEBHOOK_RETRY_DELAYS_MS: '' }).WEBHOOK_RETRY_DELAYS_MS).toEqual([]);
  });

  it('given each kind of variable malformed, then what it should be, and nothing read', () => {
    const misfit = (variables: Record<string, string>) => {
      try {
        readEnvironment(variables);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('read');
    };
    expect(misfit({ TENANT_STATUS_TTL_MS: '1.5' })).toBe('TENANT_STATUS_TTL_MS is not valid: expected a whole number from 0 to 3600000');
    expect(misfit({ PUBLISHING_LEASE_MS: '999' })).toBe('PUBLISHING_LEASE_MS is not valid: expected a whole number from 1000 to 600000');
    expect(misfit({ LEASE_KEEPER_STEP_MS: 'soon' })).toContain('LEASE_KEEPER_STEP_MS is not valid');
    expect(misfit({ LOG_LEVEL: 'loud' })).toBe('LOG_LEVEL is not valid: expected one of DEBUG, INFO, WARN, ERROR, SILENT, CRITICAL');
    expect(misfit({ SECRET_STORE: 'vault' })).toBe('SECRET_STORE is not valid: expected one of secrets-manager, files');
    expect(misfit({ CASCADE_STATE_MACHINE_ARN: 'switchboard-cascade' })).toBe('CASCADE_STATE_MACHINE_ARN is not valid: expected a state machine ARN');
    expect(misfit({ SIGNALS_QUEUE_URL: 'sqs://queue' })).toBe('SIGNALS_QUEUE_URL is not valid: expected a queue URL');
    expect(misfit({ EUM_PUBLIC_KEYS: '{"kty":"EC"}' })).toBe('EUM_PUBLIC_KEYS is not valid: expected a JSON array of public JWKs');
    expect(misfit({ EUM_PUBLIC_KEYS: '[' })).toContain('EUM_PUBLIC_KEYS');
    expect(misfit({ WEBHOOK_RETRY_DELAYS_MS: '10,-1' })).toContain('WEBHOOK_RETRY_DELAYS_MS is not valid');
    expect(misfit({ SWITCHBOARD_ALLOW_HTTP_WEBHOOKS: 'always' })).toBe('SWITCHBOARD_ALLOW_HTTP_WEBHOOKS is not valid: expected one of loopback');
  });

  it('reads every whole number in a variable’s range as itself, and refuses every one outside it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 100_000_000 }), (n) => {
        const inRange = n >= 0 && n <= 86_400_000;
        if (inRange) expect(readEnvironment({ NETWORK_SETTLE_MS: ` ${n} ` }).NETWORK_SETTLE_MS).toBe(n);
        else expect(() => readEnvironment({ NETWORK_SETTLE_MS: String(n) })).toThrow(EnvironmentError);
      }),
    );
  });

  it('takes an empty variable for an unset one (its default), except the retry delays, where empty means none', () => {
    expect(readEnvironment({ AWS_REGION: '', TENANT_STATUS_TTL_MS: '', EVENTS_TABLE: '' })).toMatchObject({ AWS_REGION: 'local', TENANT_STATUS_TTL_MS: 5000, EVENTS_TABLE: TABLES.events.name });
    expect(readEnvironment({}).WEBHOOK_RETRY_DELAYS_MS).toBeUndefined();
  });
});
