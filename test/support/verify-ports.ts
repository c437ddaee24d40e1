import type { MnoGateway, SimStateAtMno } from '../../application/ports/mno-gateway.ts';
import type { VerifyPorts } from '../../application/signals/verify-network.ts';
import type { EventStore } from '../../domain/event-store.ts';

/** Network verification's ports over a store: one tenant, `acme`, whose SIMs on the MNO are `eids`, at an MNO holding `held` (SIM states by ICCID) and no policy. */
export const verifyPortsOver = (store: EventStore, eids: readonly string[], held: () => Record<string, SimStateAtMno>, nowMs: () => number, settleMs: number): VerifyPorts => {
  const gateway = { readSimState: async (iccid: string) => held()[iccid], readPolicy: async () => undefined } as unknown as MnoGateway;
  return {
    store,
    gateway: async () => gateway,
    admit: async () => undefined,
    enterprisesUsing: async () => ['acme'],
    publishedPolicies: async () => [],
    simsOn: async () => [...eids],
    region: 'local',
    nowMs,
    settleMs,
  };
};
