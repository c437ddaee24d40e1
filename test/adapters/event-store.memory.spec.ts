import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { eventStoreContract } from './event-store.contract.ts';

eventStoreContract('in-memory', async () => {
  const store = new MemoryEventStore();
  return {
    store,
    tamper: async (streamId, version, change) =>
      store.tamper(streamId, (commits) => (change === 'remove' ? commits.filter((c) => c.version !== version) : commits.map((c) => (c.version === version ? { ...c, ...change } : c)))),
  };
});
