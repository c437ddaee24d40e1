import { MnoRateLimited, MnoTransientError, type MnoGateway } from './ports/mno-gateway.ts';
import type { EventStore } from '../domain/event-store.ts';
import type { MnoRegistration } from '../domain/mno/events.ts';
import { mnoDecider } from '../domain/mno/decider.ts';
import { executeCommand } from './command.ts';
import { inBatches } from './in-batches.ts';
import { listedMnoIds, loadMno } from './mnos.ts';
import { mnoStream } from './stream-ids.ts';

/**
 * What the probe asks of a CMP: the state of a SIM no MNO has (an ICCID of the test range). Any
 * answer its application gives, found or not, proves it serves; a timeout, a refused connection or
 * a 5xx does not. A refusal of Switchboard's credentials is an answer too (and another problem).
 */
export const PROBE_ICCID = '8900000000000000003';

export interface ProbePorts {
  store: EventStore;
  gateway(registration: MnoRegistration): Promise<MnoGateway>;
  /** One call taken from the MNO's rate budget (MnoRateLimited when this second's is spent): the probe is a call like any other. */
  admit(registration: MnoRegistration): Promise<void>;
  region: string;
  nowMs(): number;
  /** How long a CMP may fail the probe before its MNO is declared in outage. */
  failAfterMs: number;
}

/**
 * One probe: ok, or what failed (the error's message: the adapters put no credentials in one). Only
 * no answer (a timeout, a refused or cut connection) or a 5xx fails it: a CMP that throttles (429,
 * BUSY) or refuses Switchboard's request serves, and moving every tenant off it would only add load
 * elsewhere.
 */
const probeOnce = async (gateway: MnoGateway): Promise<{ ok: boolean; detail?: string }> => {
  try {
    await gateway.readSimState(PROBE_ICCID);
    return { ok: true };
  } catch (error) {
    const down = error instanceof MnoTransientError && (error.unanswered || (error.status !== undefined && error.status >= 500));
    return down ? { ok: false, detail: (error as Error).message.slice(0, 300) } : { ok: true };
  }
};

/**
 * The health probe (schedule `probe-mnos`): every verified MNO's CMP is asked once; the outcome
 * goes to the MNO's decider, which records only changes (failing since, outage detected, recovered,
 * outage cleared). An outage it declares starts fallback like an operator's does.
 */
export const probeMnos = async (ports: ProbePorts) => {
  const results: { mno: string; ok: boolean; changed: boolean }[] = [];
  const errors: { mno: string; error: string }[] = [];
  await inBatches(await listedMnoIds(ports.store), async (id) => {
    const mno = await loadMno(ports.store, id);
    // Verified MNOs only; one an operator declared in outage stays so until an operator clears it: nothing to probe for.
    if (mno.status !== 'verified' || (mno.outage && mno.outage.detectedBy === undefined)) return;
    // No gateway (its credentials unreadable): Switchboard's problem, not the CMP's; this MNO is not probed this time, the others are.
    const gateway = await ports.gateway(mno.registration).catch((error: Error) => void errors.push({ mno: id, error: error.message }));
    if (!gateway) return;
    // Its rate budget spent this second (Switchboard's own traffic to it): not probed this time, and no failure.
    const admitted = await ports.admit(mno.registration).then(
      () => true,
      (error: unknown) => (error instanceof MnoRateLimited ? false : Promise.reject(error)),
    );
    if (!admitted) return;
    const { ok, detail } = await probeOnce(gateway);
    const at = new Date(ports.nowMs()).toISOString();
    const context = { actor: 'switchboard:health-probe', correlationId: `probe-${at}`, region: ports.region };
    const { changed } = await executeCommand(ports.store, mnoDecider, mnoStream(id), { type: 'RecordProbe', ok, at, detail, failAfterMs: ports.failAfterMs }, context);
    results.push({ mno: id, ok, changed });
  });
  return { results, errors };
};
