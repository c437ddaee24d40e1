import * as z from '../../domain/zod-mini.ts';

/**
 * What the signed inbound routes answer (devices over ESipa, SM-DP+s over ES2+, MNOs' signal
 * batches): the OpenAPI document's schemas, and the handlers' types. Not bundled into a function:
 * the handlers import only their types.
 */

/** A flattened JWS (ES256) over canonical JSON, signed by the eIM. */
export const SignedByEim = z.strictObject({ protected: z.string(), payload: z.string(), signature: z.string() });

/**
 * What waits for the device: a profile download trigger (its payload `{ eimId, eid, iccid,
 * activationCode }`) or the oldest package its eUICC has not answered (`{ eimId, eid, counter,
 * transactionId, psmos }`), each signed by the eIM.
 */
export const WaitingForDevice = z.union([z.strictObject({ downloadTrigger: SignedByEim }), z.strictObject({ package: SignedByEim })]);

/** Whether what was sent was recorded now (false: it was recorded before, or is not one Switchboard records). */
export const Recorded = z.strictObject({ recorded: z.boolean() });

/** A signal batch taken: how many records were queued, and each refused one by its index in `records`, with why. */
export const SignalBatchAccepted = z.strictObject({
  batchId: z.string(),
  accepted: z.int().check(z.nonnegative()),
  refused: z.array(z.strictObject({ index: z.int().check(z.nonnegative()), error: z.string() })),
});
