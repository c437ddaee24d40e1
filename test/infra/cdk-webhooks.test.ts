import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SECRETS_KEY_ALIAS } from '../../adapters/secrets/secrets-manager.ts';
import { ALL_HANDLERS, WEBHOOK_DELIVER_ID, WEBHOOK_RETRY_ID, eventFunctionId, routeFunctionId, taskFunctionId } from '../../infra/cdk/handlers.ts';
import { POLL_SIGNALS_ID, PROBE_ID, SIGNAL_FILES_ID, VERIFY_NETWORK_ID } from '../../manifest/entry-points.ts';
import { functionPolicy, list, logicalId, resources, type Json, type Synthesized } from './support/cdk.ts';
import { built, primary, secondary } from './support/synthesized.ts';

const CREATE_SUBSCRIPTION = routeFunctionId({ method: 'POST', path: '/v1/subscriptions' });
const DELETE_SUBSCRIPTION = routeFunctionId({ method: 'DELETE', path: '/v1/subscriptions/{subscriptionId}' });
const REDELIVER = routeFunctionId({ method: 'POST', path: '/v1/subscriptions/{subscriptionId}/dead-letters/{eventId}/redeliver' });
// The cascade's steps that call a CMP, and the health probe.
const ORDER_PROFILE = eventFunctionId('order-profile');
const NEXT_PACKAGE = routeFunctionId({ method: 'POST', path: '/v1/esipa/{eid}/packages/next' });
const ES2PLUS_NOTIFICATIONS = routeFunctionId({ method: 'POST', path: '/v1/es2plus/{mnoId}/handleDownloadProgressInfo' });
// …and those that call CMPs for signals: the poll, the network's verification.
const CMP_CALLERS = [...(['ApplyToMno', 'PollJob', 'VerifyOnMno'] as const).map(taskFunctionId), PROBE_ID, POLL_SIGNALS_ID, VERIFY_NETWORK_ID];
/** The public routes that check what MNOs sign: their inbound keys only, never CMP credentials. */
const SIGNAL_PUSH = routeFunctionId({ method: 'POST', path: '/v1/signals/{mnoId}' });

const secretStatements = (stack: Synthesized['built']['primary'], t: Template, id: string) =>
  functionPolicy(stack, t, id).filter((s: Json) => list<string>(s.Action).some((a) => a.startsWith('secretsmanager:')));

const resourceText = (s: Json) => JSON.stringify(s.Resource);

describe.each([
  ['primary', () => built.primary, () => primary, 'eu-central-1'],
  ['secondary', () => built.secondary, () => secondary, 'eu-west-1'],
] as const)('webhooks and secrets in the %s stack', (_name, stack, template, otherRegion) => {
  const fn = (t: Template, id: string) => t.toJSON().Resources[logicalId(stack(), stack().functions[id]!)] as Json;

  it('retries webhooks through an encrypted, TLS-only SQS queue with a dead-letter queue, consumed with partial batch responses', () => {
    const t = template();
    const [[queueId, queue]] = resources(t, 'AWS::SQS::Queue').filter(([id]) => id.startsWith('WebhookRetries') && !id.includes('Dlq')) as [[string, Json]];
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: 360, RedrivePolicy: { maxReceiveCount: 5 } });
    const mapping = resources(t, 'AWS::Lambda::EventSourceMapping')
      .map(([, m]) => m.Properties)
      .find((m) => JSON.stringify(m.EventSourceArn).includes(`"${queueId}"`));
    expect(mapping).toMatchObject({ FunctionName: { Ref: logicalId(stack(), stack().functions[WEBHOOK_RETRY_ID]!) }, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    for (const id of [WEBHOOK_DELIVER_ID, WEBHOOK_RETRY_ID]) {
      expect(fn(t, id).Properties.Environment.Variables.WEBHOOK_RETRY_QUEUE_URL).toEqual({ Ref: queueId });
      const sends = functionPolicy(stack(), t, id).filter((s: Json) => list<string>(s.Action).includes('sqs:SendMessage'));
      expect(sends.some((s: Json) => JSON.stringify(s.Resource).includes(`"${queueId}"`)), id).toBe(true);
    }
  });

  it('grants secrets by family: the create route creates webhook secrets replicated to the other region, the delete route deletes them; delivery and redelivery read them; CMP callers read MNO credentials; nobody else touches any', () => {
    const t = template();
    const create = secretStatements(stack(), t, CREATE_SUBSCRIPTION);
    expect(create.flatMap((s: Json) => list<string>(s.Action)).sort()).toEqual(['secretsmanager:CreateSecret', 'secretsmanager:ReplicateSecretToRegions']);
    expect(resourceText(create[0]!)).toContain(':secret:switchboard/webhooks/*');
    expect(fn(t, CREATE_SUBSCRIPTION).Properties.Environment.Variables).toMatchObject({ SECRET_STORE: 'secrets-manager', SECRETS_REPLICA_REGIONS: otherRegion, SECRETS_KMS_KEY: SECRETS_KEY_ALIAS });
    // The replica's key in the other region, by its alias only.
    const replicaKey = functionPolicy(stack(), t, CREATE_SUBSCRIPTION).find((s: Json) => JSON.stringify(s.Resource).includes(`:kms:${otherRegion}:`));
    expect(replicaKey).toMatchObject({ Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': SECRETS_KEY_ALIAS } } });

    for (const id of [WEBHOOK_DELIVER_ID, WEBHOOK_RETRY_ID, REDELIVER]) {
      const read = secretStatements(stack(), t, id);
      expect(read.map((s: Json) => [s.Action, resourceText(s).includes(':secret:switchboard/webhooks/*')]), id).toEqual([['secretsmanager:GetSecretValue', true]]);
    }
    for (const id of CMP_CALLERS) {
      const read = secretStatements(stack(), t, id);
      expect(read.map((s: Json) => [s.Action, resourceText(s).includes(':secret:switchboard/mno/*')]), id).toEqual([['secretsmanager:GetSecretValue', true]]);
    }
    const remove = secretStatements(stack(), t, DELETE_SUBSCRIPTION);
    expect(remove.map((s: Json) => [list<string>(s.Action).sort(), resourceText(s).includes(':secret:switchboard/webhooks/*')])).toEqual([
      [['secretsmanager:DeleteSecret', 'secretsmanager:DescribeSecret', 'secretsmanager:RemoveRegionsFromReplication'], true],
    ]);
    // Activation codes: the order step creates them (and reads, to make none twice), the devices' route reads them, the SM-DP+'s notifications delete them.
    const codes = (id: string) => secretStatements(stack(), t, id).filter((s: Json) => resourceText(s).includes(':secret:switchboard/activation-codes/*')).flatMap((s: Json) => list<string>(s.Action)).sort();
    expect(codes(ORDER_PROFILE)).toEqual(['secretsmanager:CreateSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:ReplicateSecretToRegions']);
    expect(codes(NEXT_PACKAGE)).toEqual(['secretsmanager:GetSecretValue']);
    expect(codes(ES2PLUS_NOTIFICATIONS)).toEqual(['secretsmanager:DeleteSecret', 'secretsmanager:DescribeSecret', 'secretsmanager:RemoveRegionsFromReplication']);
    expect(secretStatements(stack(), t, ORDER_PROFILE).filter((s: Json) => resourceText(s).includes(':secret:switchboard/mno/*')).flatMap((s: Json) => list<string>(s.Action))).toEqual(['secretsmanager:GetSecretValue']);
    // Reachable without a token (or reading what MNOs drop), they read the keys MNOs sign with, and no CMP credential.
    for (const id of [ES2PLUS_NOTIFICATIONS, SIGNAL_PUSH, SIGNAL_FILES_ID]) {
      const statements = secretStatements(stack(), t, id);
      expect(statements.filter((s: Json) => resourceText(s).includes(':secret:switchboard/mno-inbound/*')).flatMap((s: Json) => list<string>(s.Action)), id).toEqual(['secretsmanager:GetSecretValue']);
      expect(statements.filter((s: Json) => resourceText(s).includes(':secret:switchboard/mno/*')), id).toEqual([]);
    }
    const allowed = new Set([CREATE_SUBSCRIPTION, DELETE_SUBSCRIPTION, REDELIVER, WEBHOOK_DELIVER_ID, WEBHOOK_RETRY_ID, ...CMP_CALLERS, ORDER_PROFILE, NEXT_PACKAGE, ES2PLUS_NOTIFICATIONS, SIGNAL_PUSH, SIGNAL_FILES_ID]);
    for (const spec of ALL_HANDLERS.filter((h) => !allowed.has(h.id))) {
      expect(secretStatements(stack(), t, spec.id), spec.id).toEqual([]);
      expect(fn(t, spec.id).Properties.Environment.Variables.SECRET_STORE, spec.id).toBeUndefined();
    }
  });

  it('encrypts secrets with a rotating customer-managed key under the shared alias, both kept when the stack goes', () => {
    const t = template();
    const [[keyId, key]] = resources(t, 'AWS::KMS::Key').filter(([id]) => id.startsWith('SecretsKey')) as [[string, Json]];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    const [[, alias]] = resources(t, 'AWS::KMS::Alias').filter(([, a]) => a.Properties.AliasName === SECRETS_KEY_ALIAS) as [[string, Json]];
    expect(alias.Properties.TargetKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(alias.DeletionPolicy).toBe('Retain');
  });
});

describe('functions invoked by rules', () => {
  it('send the events they failed on (after Lambda’s retries) to a dead-letter queue, instead of dropping them', () => {
    const t = primary;
    const configs = resources(t, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
    const events = ALL_HANDLERS.filter((h) => h.kind === 'event');
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const spec of events) {
      const config = configs.find((c) => JSON.stringify(c.FunctionName) === JSON.stringify({ Ref: logicalId(built.primary, built.primary.functions[spec.id]!) }));
      expect(config, spec.id).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^EventFunctionFailuresDlq/), 'Arn'] } } } });
    }
  });
});
