import { POLICY_RULES } from '../domain/policy/rules.ts';
import type { Runtime } from '../infra/local/runtime.ts';
import type { MnoApiStyle } from '../infra/local/mno-simulators/index.ts';
import type { SimulatedMno } from '../infra/local/simulated-mnos.ts';
import type { Execution } from '../infra/local/step-functions/engine.ts';
import { expectAnswer, type HttpClient } from './command-http.ts';

/** The cascade benchmark's MNOs: 10 rest-oauth2, 6 async-jobs, 4 legacy-ratelimited, all capabilities. */
export const CASCADE_MIX: Record<MnoApiStyle, number> = { 'rest-oauth2': 10, 'async-jobs': 6, 'legacy-ratelimited': 4 };

/**
 * Styles spread evenly over the ids (an enterprise's MNOs are sorted by id, and the Map runs them
 * in that order, 10 at a time), so neither wave of the Map gets all the slow asynchronous CMPs.
 */
export const benchMnos = (mix = CASCADE_MIX): SimulatedMno[] => {
  const slots = Object.entries(mix).flatMap(([style, count]) =>
    Array.from({ length: count }, (_, k) => ({ style: style as MnoApiStyle, at: (k + 0.5) / count })),
  );
  slots.sort((a, b) => a.at - b.at);
  return slots.map(({ style }, i) => ({
    id: `bench-mno-${String(i + 1).padStart(2, '0')}`,
    name: `Bench MNO ${i + 1} (${style})`,
    style,
    // Its own network, and the one the test IMSIs belong to (262-91): SIM profiles must name an IMSI of their MNO.
    plmns: [`262-${String(10 + i).padStart(2, '0')}`, '262-91'],
    countries: ['DE'],
    capabilities: POLICY_RULES,
  }));
};

/** A policy with every rule; `n` changes the data cap, so each publish is a new version. */
export const policyDraft = (n: number) => ({
  data: { apns: ['iot.bench'], destinations: [{ cidr: '10.20.0.0/16', protocol: 'tcp', ports: [443, '8000-8099'] }], internetBreakout: false },
  sms: { mo: ['+4915112345678'], mt: ['+49*'] },
  roaming: { countries: ['DE', 'FR'], plmns: ['262-01', '208-01'] },
  imeiLock: true,
  caps: { dataMbPerMonth: 100 + n, smsPerMonth: 100 },
  vpn: { peer: '198.51.100.7', subnets: ['10.20.0.0/16'], secretRef: 'secret://vpn/bench' },
});

/** Onboards a tenant that works with `mnos` and returns a token that may write and read its policies. */
export const cascadeTenant = async (runtime: Runtime, client: HttpClient, tenant: string, mnos: readonly string[]) => {
  const admin = await runtime.issuer.sign({ subject: 'bench-ops', scopes: ['platform:admin'] });
  expectAnswer(`onboard ${tenant}`, await client.send('POST', '/v1/enterprises', admin, { tenantId: tenant, name: `Bench ${tenant}` }), 201);
  const token = await runtime.issuer.sign({ subject: 'bench-policy-admin', tenant, scopes: ['policies:write', 'policies:read'] });
  expectAnswer(`choose MNOs of ${tenant}`, await client.send('PUT', '/v1/enterprise/mnos', token, { mnos }), 200);
  return token;
};

export const setDraft = async (client: HttpClient, token: string, policyId: string, n: number) =>
  expectAnswer(`draft ${policyId}`, await client.send('PUT', `/v1/policies/${policyId}`, token, policyDraft(n)), 200);

/** POST …/publish → the cascade id of the new version. */
export const publish = async (client: HttpClient, token: string, policyId: string): Promise<string> => {
  const answer = await client.send('POST', `/v1/policies/${policyId}/publish`, token);
  expectAnswer(`publish ${policyId}`, answer, 202);
  return (JSON.parse(answer.body) as { cascadeId: string }).cascadeId;
};

/**
 * The engine's execution of a cascade's first round (named after the cascade). It starts shortly
 * after publish answers: the CascadeStarted event travels stream → forwarder → bus → rule → starter.
 */
export const executionOf = async (runtime: Runtime, cascadeId: string): Promise<Execution> => {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((ok) => setTimeout(ok, 2))) {
    const found = [...runtime.cascades.engine.executions.values()].find((e) => e.name === cascadeId);
    if (found) return found;
  }
  throw new Error(`no execution is named ${cascadeId} 10 s after publishing`);
};

export interface CascadeTargetView {
  mno: string;
  status: string;
  attempts: number;
  lastError: string | null;
}
export interface CascadeView {
  id: string;
  status: string;
  targets: CascadeTargetView[];
  version: number;
}

export const readCascade = async (client: HttpClient, token: string, cascadeId: string): Promise<CascadeView> => {
  const answer = await client.send('GET', `/v1/cascades/${cascadeId}`, token);
  expectAnswer(`cascade ${cascadeId}`, answer, 200);
  return JSON.parse(answer.body) as CascadeView;
};

/** Outcome of one cascade: overall status, targets by status, attempts, and the distinct errors left. */
export const outcomeOf = (view: CascadeView) => {
  const byStatus: Record<string, number> = {};
  for (const t of view.targets) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
  return {
    status: view.status,
    targets: byStatus,
    attempts: view.targets.reduce((s, t) => s + t.attempts, 0),
    retriedTargets: view.targets.filter((t) => t.attempts > 1).length,
    errors: [...new Set(view.targets.filter((t) => t.status !== 'verified').map((t) => `${t.mno}: ${t.lastError ?? t.status}`))],
    /** Events in the cascade's stream (its version). */
    events: view.version,
  };
};
export type CascadeOutcome = ReturnType<typeof outcomeOf>;
