import { describe, expect, it } from 'vitest';
import { ENVIRONMENT, EnvironmentError, readEnvironment, required } from '../../manifest/environment.ts';
import { TABLES } from '../../manifest/tables.ts';

describe('the environment (manifest/environment.ts)', () => {
  it('names every variable the code reads: each table’s name variable is one of them', () => {
    for (const table of Object.values(TABLES)) expect(Object.keys(ENVIRONMENT.shape), table.name).toContain(table.envVar);
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
});
