import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readEnvironment } from '../../manifest/environment.ts';
import { startAwsJsonEndpoint, type AwsCall } from '../support/aws-json-endpoint.ts';

// The adapters read their endpoint and settings from the environment when first used.
let endpoint: Awaited<ReturnType<typeof startAwsJsonEndpoint>>;
const stored = new Map<string, string>();
const replicas = new Set<string>();
const deleted = new Set<string>();

const answer = ({ operation, input }: AwsCall) => {
  if (operation === 'CreateSecret') {
    if (stored.has(input.Name)) return { error: 'ResourceExistsException' };
    stored.set(input.Name, input.SecretString);
    if (input.AddReplicaRegions) replicas.add(input.Name);
    // A tenant named t-unreplicated: the other region's key is missing.
    const replication = String(input.Name).includes('/t-unreplicated/')
      ? [{ Region: 'eu-central-1', Status: 'Failed', StatusMessage: 'Replication failed: the KMS key alias/switchboard-secrets was not found' }]
      : [{ Region: 'eu-central-1', Status: 'InProgress' }];
    return { ARN: `arn:aws:secretsmanager:eu-west-1:1:secret:${input.Name}-AbCdEf`, Name: input.Name, ReplicationStatus: replication };
  }
  if (operation === 'DescribeSecret') {
    if (!stored.has(input.SecretId)) return { error: 'ResourceNotFoundException' };
    return { Name: input.SecretId, ...(deleted.has(input.SecretId) && { DeletedDate: 1 }), ReplicationStatus: replicas.has(input.SecretId) ? [{ Region: 'eu-central-1', Status: 'InSync' }] : [] };
  }
  if (operation === 'RemoveRegionsFromReplication') {
    replicas.delete(input.SecretId);
    return { ARN: 'x', ReplicationStatus: [] };
  }
  if (operation === 'DeleteSecret') {
    if (replicas.has(input.SecretId)) return { error: 'InvalidRequestException', message: 'remove the replicas first' };
    deleted.add(input.SecretId);
    return { Name: input.SecretId, DeletionDate: 1 };
  }
  if (operation === 'GetSecretValue') {
    const value = stored.get(input.SecretId);
    return value === undefined ? { error: 'ResourceNotFoundException' } : { Name: input.SecretId, SecretString: value };
  }
  return { error: 'UnknownOperationException' };
};

beforeAll(async () => {
  endpoint = await startAwsJsonEndpoint(answer);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.url,
    SECRET_STORE: 'secrets-manager',
    SECRETS_REPLICA_REGIONS: 'eu-central-1',
  });
});
afterAll(async () => {
  for (const key of ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'SECRET_STORE', 'SECRETS_REPLICA_REGIONS']) delete process.env[key];
  await endpoint.close();
});
beforeEach(() => {
  endpoint.calls.length = 0;
});

describe('webhook secrets in Secrets Manager', () => {
  it('creates one secret per subscription, under its tenant, with the regional key, replicated to the other region', async () => {
    const { webhookSecretsFor } = await import('../../adapters/webhooks/secrets.ts');
    const secrets = webhookSecretsFor(readEnvironment());
    await secrets.put('t-acme', '0b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e', 'whsec_c2VjcmV0');
    expect(endpoint.calls).toEqual([
      {
        operation: 'CreateSecret',
        input: expect.objectContaining({
          Name: 'switchboard/webhooks/t-acme/0b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e',
          KmsKeyId: 'alias/switchboard-secrets',
          AddReplicaRegions: [{ Region: 'eu-central-1', KmsKeyId: 'alias/switchboard-secrets' }],
          SecretString: JSON.stringify({ secret: 'whsec_c2VjcmV0' }),
        }),
      },
    ]);
    expect(endpoint.calls[0]!.input.Description).not.toContain('whsec_');
    expect(await secrets.get('t-acme', '0b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e')).toBe('whsec_c2VjcmV0');
  });

  it('keeps a secret whose replica could not be made, and says so in a log line and a metric, never with the value', async () => {
    const { secretsManagerWebhookSecrets } = await import('../../adapters/webhooks/secrets.ts');
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const written: string[] = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const logged = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(' ')));
    try {
      await secretsManagerWebhookSecrets().put('t-unreplicated', '4b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e', 'whsec_kept');
    } finally {
      out.mockRestore();
      err.mockRestore();
      logged.mockRestore();
      delete process.env.POWERTOOLS_METRICS_DISABLED;
    }
    expect(stored.get('switchboard/webhooks/t-unreplicated/4b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e')).toContain('whsec_kept');
    const text = written.join('\n');
    expect(text).toContain('secret not replicated');
    expect(text).toContain('"SecretReplicationFailures"');
    expect(text).not.toContain('whsec_kept');
  });

  it('reads a secret once per warm function (cached), and an unknown one as absent', async () => {
    const { secretsManagerWebhookSecrets } = await import('../../adapters/webhooks/secrets.ts');
    const secrets = secretsManagerWebhookSecrets({ replicaRegions: ['eu-central-1'] });
    await secrets.put('t-cache', '1b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e', 'whsec_one');
    await secrets.get('t-cache', '1b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e');
    await secrets.get('t-cache', '1b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e');
    expect(endpoint.calls.filter((c) => c.operation === 'GetSecretValue')).toHaveLength(1);
    expect(await secrets.get('t-cache', '2b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e')).toBeUndefined();
  });

  it('deletes a subscription’s secret, its replica first, recoverable for a week; deleting again or a secret never made is fine', async () => {
    const { secretsManagerWebhookSecrets } = await import('../../adapters/webhooks/secrets.ts');
    const secrets = secretsManagerWebhookSecrets({ replicaRegions: ['eu-central-1'] });
    const name = 'switchboard/webhooks/t-gone/5b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e';
    await secrets.put('t-gone', '5b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e', 'whsec_bye');
    endpoint.calls.length = 0;
    await secrets.remove('t-gone', '5b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e');
    expect(endpoint.calls.map((c) => c.operation)).toEqual(['DescribeSecret', 'RemoveRegionsFromReplication', 'DeleteSecret']);
    expect(endpoint.calls[1]!.input).toEqual({ SecretId: name, RemoveReplicaRegions: ['eu-central-1'] });
    expect(endpoint.calls[2]!.input).toEqual({ SecretId: name, RecoveryWindowInDays: 7 });
    await secrets.remove('t-gone', '5b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e');
    await secrets.remove('t-gone', '6b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e');
    expect(endpoint.calls.slice(3).map((c) => c.operation)).toEqual(['DescribeSecret', 'DescribeSecret']);
  });

  it('never overwrites a secret, and refuses names that are not a tenant and a subscription id', async () => {
    const { secretsManagerWebhookSecrets } = await import('../../adapters/webhooks/secrets.ts');
    const secrets = secretsManagerWebhookSecrets({ replicaRegions: ['eu-central-1'] });
    await secrets.put('t-once', '3b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e', 'whsec_first');
    await expect(secrets.put('t-once', '3b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e', 'whsec_second')).rejects.toThrow();
    expect(stored.get('switchboard/webhooks/t-once/3b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e')).toContain('whsec_first');
    await expect(secrets.put('../t', '3b0c5d3e-1f2a-4b3c-8d4e-5f6a7b8c9d0e', 'x')).rejects.toThrow('not a tenant and subscription id');
  });
});

describe('MNO credentials in Secrets Manager', () => {
  it('resolves secret://mno/<id> to switchboard/mno/<id>, a JSON object of strings', async () => {
    stored.set('switchboard/mno/orange-fr', JSON.stringify({ clientId: 'sb', clientSecret: 's3cr3t', ignored: 42 }));
    const { credentialStoreFor } = await import('../../adapters/mno-gateways/credentials.ts');
    expect(await credentialStoreFor(readEnvironment()).get('secret://mno/orange-fr')).toEqual({ clientId: 'sb', clientSecret: 's3cr3t' });
    expect(endpoint.calls).toEqual([{ operation: 'GetSecretValue', input: { SecretId: 'switchboard/mno/orange-fr' } }]);
  });

  it('refuses references outside the MNO family and missing credentials, naming the reference and never a value', async () => {
    const { secretsManagerCredentialStore } = await import('../../adapters/mno-gateways/credentials.ts');
    const store = secretsManagerCredentialStore();
    await expect(store.get('secret://webhooks/t-acme/x')).rejects.toThrow('secret://mno/<id>');
    await expect(store.get('secret://mno/../webhooks/t')).rejects.toThrow('secret://mno/<id>');
    await expect(store.get('secret://mno/absent')).rejects.toThrow('no credentials are stored under secret://mno/absent');
    expect(endpoint.calls.map((c) => c.input.SecretId)).toEqual(['switchboard/mno/absent']);
  });
});

describe('a secret that is not a JSON object', () => {
  it('fails naming the secret, never quoting its value (JSON errors quote what they failed on)', async () => {
    stored.set('switchboard/mno/garbled', 'hunter2-not-json');
    stored.set('switchboard/mno/quoted', JSON.stringify('hunter2-a-string'));
    const { secretsManagerCredentialStore } = await import('../../adapters/mno-gateways/credentials.ts');
    const store = secretsManagerCredentialStore();
    const garbled = await store.get('secret://mno/garbled').catch((e: Error) => e);
    expect(garbled).toBeInstanceOf(Error);
    expect((garbled as Error).message).toBe('secret switchboard/mno/garbled is not valid JSON');
    expect(JSON.stringify(garbled, Object.getOwnPropertyNames(garbled))).not.toContain('hunter2');
    await expect(store.get('secret://mno/quoted')).rejects.toThrow('secret switchboard/mno/quoted is not a JSON object');
  });
});

describe('MNO gateways', () => {
  it('are kept for reuse, and made again with the credentials read afresh once their time is up (rotation)', async () => {
    stored.set('switchboard/mno/rotating', JSON.stringify({ clientId: 'a', clientSecret: 'one' }));
    const { mnoGateways, GATEWAY_TTL_MS } = await import('../../adapters/mno-gateways/index.ts');
    const { secretsManagerCredentialStore } = await import('../../adapters/mno-gateways/credentials.ts');
    const gatewayFor = mnoGateways(secretsManagerCredentialStore());
    const registration = {
      id: 'rotating',
      name: 'Rotating',
      plmns: ['208-01'],
      countries: ['FR'],
      api: { style: 'rest-oauth2' as const, endpoint: 'https://cmp.example.com', credentialsRef: 'secret://mno/rotating' },
      capabilities: [],
    };
    const t0 = Date.now();
    const first = await gatewayFor(registration as never, t0);
    expect(await gatewayFor(registration as never, t0 + GATEWAY_TTL_MS - 1)).toBe(first);
    const reads = endpoint.calls.filter((c) => c.input.SecretId === 'switchboard/mno/rotating').length;
    expect(await gatewayFor(registration as never, t0 + GATEWAY_TTL_MS + 1)).not.toBe(first);
    expect(GATEWAY_TTL_MS).toBeLessThanOrEqual(300_000);
    expect(reads).toBe(1);
  });
});

