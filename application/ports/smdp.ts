/** An MNO's SM-DP+ as the operator side of GSMA SGP.22 ES2+ sees it (adapters/smdp/es2plus.ts). */
export interface Es2Plus {
  /** DownloadOrder: a profile reserved for this EID; its ICCID. `callId` names the call, so a repeat gets the same answer. */
  downloadOrder(callId: string, eid: string): Promise<{ iccid: string }>;
  /** ConfirmOrder with the EID and the release flag: its matching id and the SM-DP+'s address (the activation code's parts). */
  confirmOrder(callId: string, iccid: string, eid: string): Promise<{ matchingId: string; smdpAddress: string }>;
}

/** The SM-DP+ refused, or did not answer; the message names no secret. */
export class SmdpError extends Error {
  override readonly name = 'SmdpError';
}
