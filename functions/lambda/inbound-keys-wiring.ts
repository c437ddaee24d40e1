import { inboundKeysFor } from '../../adapters/mno-gateways/inbound-keys.ts';
import { env } from './wiring.ts';

/**
 * The keys MNOs sign what they send Switchboard with (their inbound keys, never their CMP
 * credentials), for the entries that check them; never logged. Undefined when none is stored.
 */
const inbound = inboundKeysFor(env);

/** The key an MNO signs its signal batches and CDR files with. */
export const signalKeyOf = async (mno: string) => (await inbound(mno))?.signalKey;

/** The key an MNO's SM-DP+ signs its ES2+ notifications with. */
export const notificationKeyOf = async (mno: string) => (await inbound(mno))?.es2plusKey;
