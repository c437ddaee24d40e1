import { describe, expect, it } from 'vitest';
import { publishPolicy } from '../../application/policies/publish.ts';
import { executeCommand } from '../../application/command.ts';
import { policyStream } from '../../application/stream-ids.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { cascadeFixture } from '../support/cascade-fixture.ts';

/** A cascade recorded on a user's behalf is started at once (the rule starts it too, or alone when that start fails). */
const { store, context, tenant } = cascadeFixture();
const draft = (policyId: string, apns: string[]) =>
  executeCommand(store, policyDecider, policyStream(tenant, policyId), { type: 'SetPolicyDraft', policyId, document: { data: { apns } } as never, actor: 'alice' }, context);

describe('starting a published policy’s cascade at once', () => {
  it('starts the new cascade once; a publish that changed nothing starts nothing', async () => {
    const started: string[] = [];
    const start = async (t: string, cascadeId: string) => void started.push(`${t}/${cascadeId}`);
    await draft('now', ['a']);
    expect(await publishPolicy(store, tenant, 'now', 'c-now-1', context, start)).toMatchObject({ cascadeId: 'c-now-1', changed: true });
    expect(await publishPolicy(store, tenant, 'now', 'c-now-2', context, start)).toMatchObject({ cascadeId: 'c-now-1', changed: false });
    expect(started).toEqual([`${tenant}/c-now-1`]);
  });

  it('a start that fails leaves the publish done (the rule starts the cascade from its event)', async () => {
    await draft('later', ['b']);
    const failing = async () => {
      throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    };
    expect(await publishPolicy(store, tenant, 'later', 'c-later-1', context, failing)).toMatchObject({ cascadeId: 'c-later-1', changed: true });
    expect((await store.load(`T#${tenant}#CASCADE#c-later-1`)).commits.flatMap((c) => c.events.map((e) => e.type))).toEqual(['CascadeStarted']);
  });
});
