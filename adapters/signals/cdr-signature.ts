import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A CDR file's signature: the MNO signs each file it drops with its signal key, HMAC-SHA256 over
 * `<object key>\n<sha256 of the file, hex>` (so a signed file read under another name, or with one
 * byte changed, does not verify). In S3 the object's `x-amz-meta-signature`; locally `<file>.sig`.
 */
export const signCdr = (key: string, objectKey: string, text: string) =>
  createHmac('sha256', key).update(`${objectKey}\n${createHash('sha256').update(text, 'utf8').digest('hex')}`).digest('hex');

export const verifyCdr = (key: string, objectKey: string, text: string, signature: string | undefined) =>
  signature !== undefined && /^[0-9a-f]{64}$/.test(signature) && timingSafeEqual(Buffer.from(signCdr(key, objectKey, text), 'hex'), Buffer.from(signature, 'hex'));
