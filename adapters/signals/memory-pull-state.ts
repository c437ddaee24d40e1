import type { DevicePull, PullState } from '../../application/signals/ports.ts';

/** The pull path's place in memory, for the unit tier: what the DynamoDB adapter keeps, compare-and-set alike. */
export const memoryPullState = (): PullState => {
  const watermarks = new Map<string, { since: string; version: number; retry?: string[] }>();
  const devices = new Map<string, DevicePull & { version: number }>();
  return {
    async watermark(mno) {
      return watermarks.get(mno) ?? { version: 0 };
    },
    async advance(mno, version, since, retry = []) {
      if ((watermarks.get(mno)?.version ?? 0) !== version) return false;
      watermarks.set(mno, { since, version: version + 1, retry: [...retry] });
      return true;
    },
    async device(mno, iccid) {
      const d = devices.get(`${mno}#${iccid}`);
      return d && structuredClone(d);
    },
    async saveDevice(mno, iccid, reading, version) {
      if ((devices.get(`${mno}#${iccid}`)?.version ?? 0) !== version) return false;
      devices.set(`${mno}#${iccid}`, { ...structuredClone(reading), version: version + 1 });
      return true;
    },
    async clearOutbox(mno, iccid, batchId) {
      const d = devices.get(`${mno}#${iccid}`);
      if (d?.outbox?.batchId === batchId) d.outbox = undefined;
    },
  };
};
