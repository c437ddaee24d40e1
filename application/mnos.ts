import { mnoCatalogueDecider } from '../domain/mno/catalogue.ts';
import { mnoDecider, type MnoState } from '../domain/mno/decider.ts';
import type { EventStore } from '../domain/event-store.ts';
import { mnoCatalogueStream, mnoStream } from './stream-ids.ts';
import { loadState } from './load-state.ts';

/** The ids of every registered MNO. */
export const listedMnoIds = async (store: EventStore) => (await loadState(store, mnoCatalogueDecider, mnoCatalogueStream())).state;

export const loadMno = async (store: EventStore, id: string): Promise<MnoState> => (await loadState(store, mnoDecider, mnoStream(id))).state;
