/**
 * Runs `each` on the items `size` at a time (the platform's sweeps: a fleet's SIMs, the open
 * cascades), so a sweep asks DynamoDB and Step Functions for no more at once than one invocation
 * should.
 */
export const inBatches = async <T>(items: readonly T[], each: (item: T) => Promise<void>, size = 16) => {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
};
