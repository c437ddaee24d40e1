import { createHash } from 'node:crypto';
import { invalidParameter, missingParameter, SqsError } from './errors.ts';

/**
 * An SQS message as SendMessage (or a SendMessageBatch entry) gives it, checked as SQS checks it
 * (body characters, size counting the attributes, DelaySeconds 0–900, at most 10 attributes), and
 * the digests SQS answers with: MD5 of the body, and of the attributes by SQS's algorithm (sorted
 * by name; each name, type and value length-prefixed, with a transport byte), which the SDK checks.
 */

/** A message attribute as the JSON protocol carries it (BinaryValue in base64). */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export interface NewMessage {
  body: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  delaySeconds: number;
  traceHeader?: string;
}

/** A message the queue holds (and its journal keeps): accepted, not yet deleted. */
export interface StoredMessage {
  id: string;
  body: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  traceHeader?: string;
  sentTimestamp: number;
  /** Not delivered before this (epoch ms): DelaySeconds. */
  delayUntil: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
}

/** SQS's default (and, before 2025, largest) message size; SendMessageBatch's total is bounded by it too. */
export const DEFAULT_MAX_MESSAGE_BYTES = 262_144;

// XML 1.0's characters: what SQS accepts in a body or a string attribute.
const INVALID_CHARACTER = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^(?!aws\.|amazon\.)(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/i;

export const md5Hex = (data: string | Uint8Array) => createHash('md5').update(data).digest('hex');

const attributeValueBytes = (value: MessageAttributeValue) =>
  value.DataType.startsWith('Binary') ? Buffer.from(value.BinaryValue ?? '', 'base64') : Buffer.from(value.StringValue ?? '', 'utf8');

/** MD5 of message attributes as SQS computes it; undefined when there are none. */
export const md5OfMessageAttributes = (attributes: Readonly<Record<string, MessageAttributeValue>>): string | undefined => {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const prefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return [length, bytes];
  };
  const parts = names.flatMap((name) => {
    const value = attributes[name]!;
    const binary = value.DataType.startsWith('Binary');
    return [...prefixed(Buffer.from(name, 'utf8')), ...prefixed(Buffer.from(value.DataType, 'utf8')), Buffer.from([binary ? 2 : 1]), ...prefixed(attributeValueBytes(value))];
  });
  return md5Hex(Buffer.concat(parts));
};

/** The size SQS counts against the limit: the body and each attribute's name, type and value. */
export const messageSize = (input: Record<string, unknown>): number => {
  const body = typeof input.MessageBody === 'string' ? Buffer.byteLength(input.MessageBody) : 0;
  const attributes = isObject(input.MessageAttributes) ? Object.entries(input.MessageAttributes) : [];
  return attributes.reduce((size, [name, value]) => {
    if (!isObject(value)) return size + Buffer.byteLength(name);
    const { DataType, StringValue, BinaryValue } = value as Partial<Record<string, unknown>>;
    const text = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0);
    return size + Buffer.byteLength(name) + text(DataType) + text(StringValue) + (typeof BinaryValue === 'string' ? Buffer.from(BinaryValue, 'base64').length : 0);
  }, body);
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const parseAttributes = (raw: unknown, what: string): Record<string, MessageAttributeValue> => {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw invalidParameter(`${what} must be a map.`);
  const entries = Object.entries(raw);
  if (entries.length > 10) throw invalidParameter(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  return Object.fromEntries(
    entries.map(([name, value]) => {
      if (!ATTRIBUTE_NAME.test(name)) throw invalidParameter(`Message attribute name '${name}' is invalid.`);
      if (!isObject(value) || typeof value.DataType !== 'string' || !/^(String|Number|Binary)(\.[^\s]{1,250})?$/.test(value.DataType))
        throw invalidParameter(`The type of message attribute '${name}' is invalid.`);
      const binary = value.DataType.startsWith('Binary');
      const given = binary ? value.BinaryValue : value.StringValue;
      if (typeof given !== 'string' || given === '') throw invalidParameter(`Message attribute '${name}' must contain a non-empty value of message attribute type '${value.DataType}'.`);
      if (!binary && INVALID_CHARACTER.test(given)) throw new SqsError('InvalidMessageContents', 'InvalidMessageContents', `Message attribute '${name}' contains invalid characters.`);
      if (value.DataType.startsWith('Number') && !Number.isFinite(Number(given))) throw invalidParameter(`Can't cast the value of message attribute '${name}' to a number.`);
      return [name, binary ? { DataType: value.DataType, BinaryValue: given } : { DataType: value.DataType, StringValue: given }];
    }),
  );
};

/** Checks a SendMessage input (or batch entry) against a queue's limit; throws the SqsError SQS would answer. */
export const parseMessage = (input: Record<string, unknown>, maxMessageBytes: number): NewMessage => {
  const body = input.MessageBody;
  if (body === undefined || body === null) throw missingParameter('MessageBody');
  if (typeof body !== 'string' || body === '') throw invalidParameter('The message body must be a non-empty string.');
  if (INVALID_CHARACTER.test(body))
    throw new SqsError('InvalidMessageContents', 'InvalidMessageContents', 'Invalid binary character in the message body: only #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF are allowed.');
  const delay = input.DelaySeconds ?? 0;
  if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 900) throw invalidParameter('DelaySeconds must be >= 0 and <= 900.');
  const messageAttributes = parseAttributes(input.MessageAttributes, 'MessageAttributes');
  const system = parseAttributes(input.MessageSystemAttributes, 'MessageSystemAttributes');
  for (const name of Object.keys(system)) if (name !== 'AWSTraceHeader') throw invalidParameter(`Message system attribute name '${name}' is invalid.`);
  const size = messageSize(input);
  if (size > maxMessageBytes) throw invalidParameter(`Message must be shorter than ${maxMessageBytes} bytes.`);
  const traceHeader = system.AWSTraceHeader?.StringValue;
  return { body, messageAttributes, delaySeconds: delay, ...(traceHeader ? { traceHeader } : {}) };
};
