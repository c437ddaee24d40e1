import { mnoCatalogueDecider } from '../domain/mno/catalogue.ts';
import { mnoDecider, type MnoState } from '../domain/mno/decider.ts';
import type { EventStore } from '../domain/event-store.ts';
import { MnoRateLimited } from './ports/mno-gateway.ts';
import { mnoCatalogueStream, mnoStream } from './stream-ids.ts';
import { loadState } from './load-state.ts';
import { keptStates } from './kept-states.ts';

/** The ids of every registered MNO. */
export const listedMnoIds = async (store: EventStore) => (await loadState(store, mnoCatalogueDecider, mnoCatalogueStream())).state;

export const loadMno = async (store: EventStore, id: string): Promise<MnoState> => (await loadState(store, mnoDecider, mnoStream(id))).state;

const keptMnos = keptStates(mnoDecider);
/** Several MNOs as their streams have them now: those this process read before are read again only when they changed since (one read for all of them). */
export const loadMnos = (store: EventStore, ids: readonly string[]): Promise<MnoState[]> => keptMnos(store, ids.map(mnoStream));

/**
 * An MNO's rate budget taken patiently (the schedules' sweeps, which have time): when this second's
 * share is spent, wait a little and ask again, up to `tries` times, so a sweep of many calls keeps
 * to the MNO's rate instead of failing on it.
 */
export const admitPatiently = (admit: () => Promise<void>, tries = 40, pauseMs = () => 250 + Math.random() * 250) => async () => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admit();
    } catch (error) {
      if (!(error instanceof MnoRateLimited) || attempt >= tries) throw error;
      await new Promise((ok) => setTimeout(ok, pauseMs()));
    }
  }
};
