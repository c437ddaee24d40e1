import type { MnoGateway, SimStateAtMno } from '../../application/ports/mno-gateway.ts';
import type { VerifyPorts } from '../../application/signals/verify-network.ts';
import type { EventStore } from '../../domain/event-store.ts';
import type { PolicyDocument } from '../../domain/policy/document.ts';

/** Network verification's ports over a store: one tenant, `acme`, whose SIMs on the MNO are `eids`, at an MNO holding `held` (SIM states by ICCID) and no policy (or `policies`, the published ones and what the MNO holds of them). */
export const verifyPortsOver = (store: EventStore, eids: readonly string[], held: () => Record<string, SimStateAtMno>, nowMs: () => number, settleMs: number, policies: { ids: string[]; held?: PolicyDocument | undefined } = { ids: [] }): VerifyPorts => {
  const gateway = { readSimState: async (iccid: string) => held()[iccid], readPolicy: async () => policies.held } as unknown as MnoGateway;
  return {
    store,
    gateway: async () => gateway,
    admit: async () => undefined,
    enterprisesUsing: async () => ['acme'],
    publishedPolicies: async () => policies.ids,
    simsOn: async () => [...eids],
    region: 'local',
    nowMs,
    settleMs,
  };
};
