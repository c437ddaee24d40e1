import type { RecordedEvent } from '../../domain/event-store.ts';

/**
 * One eIM package of a SIM as the API shows it, from the SIM's events: what was asked (its PSMOs),
 * and, once the eUICC answered, what it did (or why it refused the package). `status`: `queued`
 * (waiting for the device), `executed`, `refused`.
 */
export const eimPackageView = (events: readonly RecordedEvent[], counter: number) => {
  const of = (type: string) => events.find((e) => e.type === type && (e.data as { counter: number }).counter === counter)?.data as Record<string, unknown> | undefined;
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
