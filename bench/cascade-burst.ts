import type { Runtime } from '../infra/local/runtime.ts';
import type { SimulatedMno } from '../infra/local/simulated-mnos.ts';
import type { HttpClient } from './command-http.ts';
import { cascadeTenant, executionOf, outcomeOf, publish, readCascade, setDraft } from './cascade-fleet.ts';
import { directMnos, parallelTakes } from './cascade-floor.ts';
import { probeReading, resetProbe, type ProbeReading } from './cascade-probe.ts';
import { forEachConcurrently } from './measure.ts';
import { PAUSE_MS } from './cascade-single.ts';
import { median } from './stats.ts';

/**
 * Many policies published at once: `tenants` enterprises, each with its own policy and
 * `perTenant` of the bench MNOs (no faults, latency 5–20 ms by MNO), publish together over
 * HTTP; timed from the first publish to the last cascade's execution ending. Floor: the same
 * (profile, MNO) applies straight through the adapters, all at once, each read back.
 */
export const burstLatency = (i: number, count: number) => 5 + Math.round((15 * i) / Math.max(1, count - 1));

export const cascadeBurst = async (
  runtime: Runtime,
  client: HttpClient,
  specs: readonly SimulatedMno[],
  options: { tenants: number; perTenant: number; rounds: number },
  log: (m: string) => void,
) => {
  const { tenants, perTenant, rounds } = options;
  specs.forEach((s, i) => runtime.simulators.get(s.id)!.setFaults({ latencyMs: burstLatency(i, specs.length) }));
  const names = Array.from({ length: tenants }, (_, t) => `bench-burst-${String(t + 1).padStart(2, '0')}`);
  /** Tenant t works with MNOs t·perTenant … (mod count): every MNO serves the same number of cascades. */
  const mnosOf = (t: number) => Array.from({ length: perTenant }, (_, k) => (t * perTenant + k) % specs.length);
  const tokens = new Map<string, string>();
  await forEachConcurrently(names, 4, async (name) => {
    tokens.set(name, await cascadeTenant(runtime, client, name, mnosOf(names.indexOf(name)).map((i) => specs[i]!.id)));
  });
  const direct = directMnos(specs, runtime.simulators);
  const takes = names.flatMap((name, t) => mnosOf(t).map((i) => ({ mno: direct[i]!, profileId: `bench-floor.${name}` })));

  const rows: { ms: number; cascadesPerSec: number; appliesPerSec: number; verified: number; statuses: string[]; probe: ProbeReading; floorAppliesPerSec: number }[] = [];
  await parallelTakes(takes, 0, PAUSE_MS); // warm-up
  for (let r = 0; r < rounds; r++) {
    await forEachConcurrently(names, 4, (name) => setDraft(client, tokens.get(name)!, 'burst', r + 1));
    resetProbe();
    const t0 = process.hrtime.bigint();
    const ids = await Promise.all(
      names.map(async (name) => {
        const execution = await executionOf(runtime, await publish(client, tokens.get(name)!, 'burst'));
        await execution.done;
        return execution.name;
      }),
    );
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const probe = probeReading(tenants);
    const outcomes = await Promise.all(ids.map(async (id, t) => outcomeOf(await readCascade(client, tokens.get(names[t]!)!, id))));
    const verified = outcomes.reduce((s, o) => s + (o.targets.verified ?? 0), 0);
    const floor = await parallelTakes(takes, r + 1, PAUSE_MS);
    const row = {
      ms,
      cascadesPerSec: tenants / (ms / 1000),
      appliesPerSec: verified / (ms / 1000),
      verified,
      statuses: [...new Set(outcomes.map((o) => o.status))],
      probe,
      floorAppliesPerSec: floor.appliesPerSec,
    };
    rows.push(row);
    log(`burst ${r + 1}/${rounds}: ${tenants} cascades in ${ms.toFixed(0)} ms (${row.cascadesPerSec.toFixed(1)}/s, ${verified} verified), floor ${floor.appliesPerSec.toFixed(0)} applies/s`);
  }
  const m = (pick: (row: (typeof rows)[number]) => number) => median(rows.map(pick));
  return {
    tenants,
    perTenant,
    rounds,
    latencyMs: [burstLatency(0, specs.length), burstLatency(specs.length - 1, specs.length)],
    cascadesPerSec: m((r) => r.cascadesPerSec),
    appliesPerSec: m((r) => r.appliesPerSec),
    floorAppliesPerSec: m((r) => r.floorAppliesPerSec),
    rows,
  };
};
export type CascadeBurst = Awaited<ReturnType<typeof cascadeBurst>>;
