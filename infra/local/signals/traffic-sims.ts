import type { BusEvent } from '../event-bus/put-events.ts';
import { loadState } from '../../../application/load-state.ts';
import { enterpriseStream, policyStream } from '../../../application/stream-ids.ts';
import { enterpriseDecider } from '../../../domain/enterprise/decider.ts';
import type { EventStore } from '../../../domain/event-store.ts';
import { policyDecider } from '../../../domain/policy/decider.ts';
import type { TrafficSim } from '../mno-simulators/traffic.ts';

interface Known {
  tenant: string;
  mno: string;
  imei?: string | undefined;
}

/**
 * What the simulated MNOs' traffic is made of: each profile registered (its ICCID, the MNO hosting
 * it, the SIM's device IMEI) and where the enterprise's governing policy lets its devices talk (the
 * first destination, for normal flows). Fed from the bus (SimRegistered; a change of settings or a
 * publication makes the tenant's destination read again) and from SIMs registered before this run
 * (`add`). Whether a SIM sends anything is the CMP's say (only what it holds active).
 */
export const trafficSims = (store: EventStore, log: (message: string) => void) => {
  const profiles = new Map<string, Known>();
  const destinations = new Map<string, TrafficSim['destination'] | null>();
  const loading = new Set<string>();

  const loadDestination = (tenant: string) => {
    if (loading.has(tenant)) return;
    loading.add(tenant);
    void (async () => {
      const { state: enterprise } = await loadState(store, enterpriseDecider, enterpriseStream(tenant));
      const policyId = enterprise.status === 'none' ? undefined : enterprise.settings.policyId;
      const policy = policyId ? (await loadState(store, policyDecider, policyStream(tenant, policyId))).state : undefined;
      const first = policy?.published[policy.latestVersion]?.data?.destinations?.[0];
      const port = first?.ports?.[0];
      const ip = first?.cidr.split('/')[0];
      destinations.set(tenant, first && ip ? { ip, port: typeof port === 'number' ? port : port ? Number(String(port).split('-')[0]) : undefined, protocol: first.protocol === 'udp' ? 'udp' : 'tcp' } : null);
    })()
      .catch((error: Error) => log(`traffic: the policy of ${tenant}: ${error.message}`))
      .finally(() => loading.delete(tenant));
  };

  const add = (tenant: string, profilesOfSim: readonly { iccid: string; mno: string }[], imei: string | undefined) => {
    for (const p of profilesOfSim) profiles.set(p.iccid, { tenant, mno: p.mno, imei });
  };

  return {
    add,
    /** The bus's events, as they are routed. */
    observe(event: BusEvent) {
      const tenant = (event.detail as { tenant?: string | null }).tenant;
      if (!tenant || event['replay-name'] !== undefined) return;
      const type = event['detail-type'];
      if (type === 'SimRegistered') {
        const { profiles: registered, imei } = (event.detail as { data: { profiles: { iccid: string; mno: string }[]; imei?: string } }).data;
        add(tenant, registered, imei);
      } else if (type === 'EnterpriseSettingsChanged' || type === 'PolicyPublished') {
        destinations.delete(tenant);
      }
    },
    /** The SIMs with a profile on this MNO, as the traffic generator reads them every tick. */
    on(mno: string): TrafficSim[] {
      const sims: TrafficSim[] = [];
      for (const [iccid, known] of profiles) {
        if (known.mno !== mno) continue;
        if (!destinations.has(known.tenant)) loadDestination(known.tenant);
        sims.push({ iccid, imei: known.imei, destination: destinations.get(known.tenant) ?? undefined });
      }
      return sims;
    },
  };
};
