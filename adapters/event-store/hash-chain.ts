import { createHash } from 'node:crypto';

/**
 * The tamper-evident link of a commit: sha256 over the previous commit's hash and the commit
 * exactly as stored (stream, version, events and metadata JSON), so an edited, reordered or
 * removed commit breaks every hash after it.
 */
export const commitHash = (prevHash: string, streamId: string, version: number, eventsJson: string, metaJson: string): string =>
  createHash('sha256').update(`${prevHash}\n${streamId}\n${version}\n${eventsJson}\n${metaJson}`).digest('hex');
