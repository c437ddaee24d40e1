import { expect } from 'vitest';
import type { MnoGateway } from '../../../application/ports/mno-gateway.ts';
import { ICCID, UNKNOWN_ICCID } from './inputs.ts';

/** At a synchronous CMP: each SIM state set (done at once) and read back, and a SIM it lacks read as undefined. */
export const expectSimStatesRoundTrip = async (mno: MnoGateway) => {
  for (const state of ['active', 'suspended', 'terminated'] as const) {
    expect(await mno.setSimState(ICCID, state)).toEqual({ done: true });
    expect(await mno.readSimState(ICCID)).toBe(state);
  }
  expect(await mno.readSimState(UNKNOWN_ICCID)).toBeUndefined();
};
