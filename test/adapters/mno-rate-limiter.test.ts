import { describe, expect, it } from 'vitest';
import { dynamoDbRateLimiter } from '../../adapters/mno-rate/dynamodb-rate-limiter.ts';
import { MnoRateLimited } from '../../application/ports/mno-gateway.ts';
import type { MnoRegistration } from '../../domain/mno/events.ts';
import { TABLES } from '../../manifest/tables.ts';
import { freshTables } from '../support/tables.ts';

/** An MNO's declared rate, kept across every caller by a counter per second on DynamoDB Local. */
const mno = (rateLimitPerSecond?: number): MnoRegistration => ({
  id: 'legacy-mno',
  name: 'Legacy',
  plmns: ['262-91'],
  countries: ['DE'],
  api: { style: 'legacy-ratelimited', endpoint: 'https://x', credentialsRef: 'secret://mno/legacy', ...(rateLimitPerSecond && { rateLimitPerSecond }) },
  capabilities: [],
});

describe('the MNO rate limiter', () => {
  it('admits half the declared rate each second (within a token bucket of that rate whatever the phase), whoever calls, refuses the next, and admits again the next second', async () => {
    const tables = await freshTables();
    let now = 1_800_000_000_000;
    const table = `${TABLES.mnoRate.name}-${tables.events.split('-').at(-1)}`;
    const [a, b] = [dynamoDbRateLimiter(tables.client, table, () => now), dynamoDbRateLimiter(tables.client, table, () => now)];
    await Promise.all([a(mno(6)), b(mno(6)), a(mno(6))]);
    await expect(b(mno(6))).rejects.toBeInstanceOf(MnoRateLimited);
    now += 1000;
    await a(mno(6));
    // An MNO that allows one call a second still gets one.
    now += 1000;
    await a(mno(1));
    await expect(b(mno(1))).rejects.toBeInstanceOf(MnoRateLimited);
  });

  it('costs nothing for an MNO that declares no rate', async () => {
    const tables = await freshTables();
    await dynamoDbRateLimiter(tables.client, 'no-such-table')(mno());
  });
});
