import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntryPoint } from '../../manifest/entry-points.ts';
import { lambdaContext } from './lambda-context.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** An entry point's handler, imported once (the module a Lambda would load, by the manifest's path). */
export const handlerOf = async (entry: Pick<EntryPoint, 'module' | 'handler'>): Promise<Handler> => {
  let module = modules.get(entry.module);
  if (!module) modules.set(entry.module, (module = import(resolve(ROOT, entry.module)) as Promise<Record<string, unknown>>));
  const handler = (await module)[entry.handler];
  if (typeof handler !== 'function') throw new Error(`${entry.module} exports no handler ${entry.handler}`);
  return handler as Handler;
};

/** Invokes an entry point as Lambda would: its handler with the event and a context bounded by its timeout. */
export const invoke = async (entry: EntryPoint, event: unknown, requestId: string = randomUUID()) =>
  (await handlerOf(entry))(event, lambdaContext(entry.id, requestId, entry.timeoutSeconds * 1000));
