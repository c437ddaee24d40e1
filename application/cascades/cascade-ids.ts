import { createHash } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** A SIM change's cascade, named after its event, so a delivery repeated records the same cascade (a no-op). */
export const simCascadeId = (streamId: string, version: number) => `sim-${digest(`${streamId}#${version}`)}`;

/** After a switch, the cascade that sets one previous profile's subscription out of use, named after the event and the profile. */
export const outOfUseCascadeId = (streamId: string, version: number, iccid: string) => `sim-${digest(`${streamId}#${version}#${iccid}`)}`;
