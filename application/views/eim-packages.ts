import type { RecordedEvent } from '../../domain/event-store.ts';
import type { SimEvents } from '../../domain/sim/events.ts';
import type * as z from '../../domain/zod-mini.ts';
import type { EimPackage } from './sims.schema.ts';

type PackageEvent = 'EimPackageQueued' | 'EimPackageExecuted' | 'EimPackageRefused';

/**
 * One eIM package of a SIM as the API shows it, from the SIM's events: what was asked (its PSMOs),
 * and, once the eUICC answered, what it did (or why it refused the package). `status`: `queued`
 * (waiting for the device), `executed`, `refused`.
 */
export const eimPackageView = (events: readonly RecordedEvent[], counter: number): z.output<typeof EimPackage> | undefined => {
  const of = <T extends PackageEvent>(type: T) =>
    events.find((e) => e.type === type && (e.data as { counter: number }).counter === counter)?.data as z.output<(typeof SimEvents)[T]> | undefined;
  const queued = of('EimPackageQueued');
  if (!queued) return undefined;
  const executed = of('EimPackageExecuted');
  const refused = of('EimPackageRefused');
  return {
    counter,
    transactionId: queued.transactionId,
    psmos: queued.psmos,
    status: executed ? 'executed' : refused ? 'refused' : 'queued',
    ...(executed && { results: executed.results }),
    ...(refused && { refused: refused.reason }),
  };
};
