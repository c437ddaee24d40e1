import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogStore } from '../../infra/local/logs/index.ts';

const GROUP = '/aws/events/switchboard-events';
const T0 = Date.parse('2026-11-25T10:00:00Z');

const storeOn = (journalDir: string, maxEventsPerGroup = 100) => {
  const store = createLogStore({ journalDir, maxEventsPerGroup });
  store.createLogGroup(GROUP, 30);
  return store;
};

describe('the local CloudWatch Logs store kept across restarts', () => {
  it('reads back the events a group held, with their ids, and numbers new ones after them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-logs-'));
    const before = storeOn(dir);
    before.putLogEvent(GROUP, 'e-2', { timestamp: T0 + 2000, message: '{"id":"e-2"}' });
    before.putLogEvent(GROUP, 'e-1', { timestamp: T0 + 1000, message: '{"id":"e-1"}' });
    const held = before.filterLogEvents({ logGroupName: GROUP }).events;
    before.close();

    const after = storeOn(dir);
    expect(after.filterLogEvents({ logGroupName: GROUP }).events).toEqual(held);
    after.putLogEvent(GROUP, 'e-3', { timestamp: T0 + 3000, message: '{"id":"e-3"}' });
    const ids = after.filterLogEvents({ logGroupName: GROUP }).events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(3);
    expect(ids.at(-1)! > held.map((e) => e.eventId).sort().at(-1)!).toBe(true);
    const [file] = readdirSync(dir);
    expect(file).toBe(`${encodeURIComponent(GROUP)}.ndjson`);
    expect(statSync(join(dir, file!)).mode & 0o777).toBe(0o600);
  });

  it('keeps the newest events only, on disk as in memory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-logs-'));
    const before = storeOn(dir, 3);
    for (let i = 1; i <= 10; i++) before.putLogEvent(GROUP, `e-${i}`, { timestamp: T0 + i * 1000, message: `m${i}` });
    before.close();
    expect(storeOn(dir, 3).filterLogEvents({ logGroupName: GROUP }).events.map((e) => e.message)).toEqual(['m8', 'm9', 'm10']);
  });
});
