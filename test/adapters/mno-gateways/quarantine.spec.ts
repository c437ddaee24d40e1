import { afterEach, describe, expect, it } from 'vitest';
import { asyncJobsGateway } from '../../../adapters/mno-gateways/async-jobs.ts';
import { legacyRateLimitedGateway } from '../../../adapters/mno-gateways/legacy-ratelimited.ts';
import { restOauth2Gateway } from '../../../adapters/mno-gateways/rest-oauth2.ts';
import type { MnoGateway } from '../../../application/ports/mno-gateway.ts';
import { quarantineOf } from '../../../domain/policy/compile.ts';
import { PolicyDocument } from '../../../domain/policy/document.ts';
import { POLICY_RULES } from '../../../domain/policy/rules.ts';
import { startMnoSimulator, type MnoApiStyle, type MnoSimulator } from '../../../infra/local/mno-simulators/index.ts';
import { iccid } from '../../support/ids.ts';

/**
 * A SIM quarantined at each CMP style, against the simulated CMPs: it stays attached, held to the
 * rules it is given (data to the management destinations only, no SMS), reads back `quarantined`,
 * and is released by setting it active again.
 */
let cmp: MnoSimulator | undefined;
afterEach(async () => cmp?.stop());

const GATEWAYS: Record<MnoApiStyle, (url: string, credentials: Record<string, string>) => MnoGateway> = {
  'rest-oauth2': (url, c) => restOauth2Gateway('north', url, c),
  'async-jobs': (url, c) => asyncJobsGateway('north', url, c),
  'legacy-ratelimited': (url, c) => legacyRateLimitedGateway('north', url, c),
};
const policy = PolicyDocument.parse({ imeiLock: true, responses: { 'imei-mismatch': 'quarantine' }, quarantine: { destinations: [{ cidr: '198.51.100.0/24', protocol: 'tcp', ports: [443] }] } });
const restriction = quarantineOf(policy, POLICY_RULES)!.effective;
const settle = async (mno: MnoGateway, submission: Awaited<ReturnType<MnoGateway['setSimState']>>) => {
  if (submission.done) return;
  while ((await mno.jobStatus(submission.jobId)) !== 'done');
};

describe.each(['rest-oauth2', 'async-jobs', 'legacy-ratelimited'] as const)('quarantine at a %s CMP', (style) => {
  it('holds the SIM to the management destinations and no SMS, reads back quarantined, and is released by setting it active', async () => {
    cmp = await startMnoSimulator({ id: 'north', style, pollsToComplete: 1 });
    const mno = GATEWAYS[style](cmp.url, cmp.credentials);
    const sim = iccid(91);
    await settle(mno, await mno.setSimState(sim, 'active'));
    await settle(mno, await mno.setSimState(sim, 'quarantined', restriction));
    expect(await mno.readSimState(sim)).toBe('quarantined');
    expect(cmp.simStatus(sim)).toBe('quarantined');
    const held = JSON.stringify(cmp.state());
    expect(held).toContain('198.51.100.0/24');
    await settle(mno, await mno.setSimState(sim, 'active'));
    expect(await mno.readSimState(sim)).toBe('active');
  });
});

describe('the quarantine a policy declares', () => {
  it('is data to its destinations alone, no breakout, no SMS either way; a policy quarantining without destinations is refused', () => {
    expect(restriction).toEqual({ data: { destinations: [{ cidr: '198.51.100.0/24', protocol: 'tcp', ports: [443] }], internetBreakout: false }, sms: { mo: [], mt: [] } });
    const refused = PolicyDocument.safeParse({ responses: { 'usage-spike': 'quarantine' } });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues[0]).toMatchObject({ path: ['quarantine'], message: expect.stringContaining('quarantine.destinations') });
  });
});
