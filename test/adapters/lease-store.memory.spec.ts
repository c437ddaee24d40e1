import { MemoryLeaseStore } from '../../adapters/lease/memory-lease.ts';
import { leaseStoreContract } from './lease-store.contract.ts';

leaseStoreContract('in-memory', async () => new MemoryLeaseStore());
