import * as z from './zod-mini.ts';
import type { NewEvent, RecordedEvent } from './event-store.ts';

/** Turns an event's data of one schema version into the next version's. */
export type Upcaster = (data: unknown) => unknown;

/**
 * What a stream may hold, and how to read it: each type's schema, the version new events of a type
 * are written with (1 unless listed), and the upcasters from each older version. When a type's
 * data changes shape, its version goes up by one and an upcaster from the old version is added:
 * stored events are never rewritten, they are read as the current version. Each decider declares
 * its stream's (`Decider.events`), so that a handler carries only the schemas of the streams it reads.
 */
export interface EventSchemas {
  schemas: Readonly<Record<string, z.core.$ZodType>>;
  versions: Readonly<Record<string, number>>;
  upcasters: Readonly<Record<string, Readonly<Record<number, Upcaster>>>>;
  /** Types stored under an older name, read as their new one (the stored event keeps its name). */
  renamed?: Readonly<Record<string, string>> | undefined;
}

/**
 * Schemas by name, each built the first time it is used, then kept: a stream's event schemas (an
 * event of its type read or written, or the catalogue asking for it), the HTTP path parameters.
 * Building a zod schema costs tens of µs at a cold start (measured, `npm run bench -- bundles`),
 * and a function reads only a few of the types of the streams it bundles: the others it never builds.
 */
export const lazySchemas = <const D extends Record<string, () => z.core.$ZodType>>(builders: D): { readonly [K in keyof D]: ReturnType<D[K]> } => {
  const schemas = {};
  for (const [type, build] of Object.entries(builders)) {
    let built: z.core.$ZodType | undefined;
    Object.defineProperty(schemas, type, { enumerable: true, get: () => (built ??= build()) });
  }
  return schemas as { readonly [K in keyof D]: ReturnType<D[K]> };
};

/** Some of a stream's schemas, still built on first use. */
export const pickedSchemas = <S extends Readonly<Record<string, z.core.$ZodType>>>(schemas: S, types: Iterable<keyof S & string>): Readonly<Record<string, z.core.$ZodType>> =>
  Object.defineProperties(
    {},
    Object.fromEntries(
      [...types].map((type) => {
        const descriptor = Object.getOwnPropertyDescriptor(schemas, type);
        if (!descriptor) throw new Error(`no schema for the event type ${type}`);
        return [type, descriptor];
      }),
    ),
  );

/** Several streams' schemas as one (the catalogue of everything the store may hold); none is built by the merge. */
export const mergedSchemas = (...all: readonly EventSchemas[]): EventSchemas => ({
  schemas: Object.defineProperties({}, Object.assign({}, ...all.map((s) => Object.getOwnPropertyDescriptors(s.schemas)))),
  versions: Object.assign({}, ...all.map((s) => s.versions)),
  upcasters: Object.assign({}, ...all.map((s) => s.upcasters)),
  // A rename holds only within its own streams: where another stream defines the old name as a type of its own (the alerts' SecurityAlertRaised), that type wins here.
  renamed: Object.fromEntries(all.flatMap((s) => Object.entries(s.renamed ?? {})).filter(([old]) => !all.some((s) => Object.hasOwn(s.schemas, old)))),
});

/** The schemas of a stream's events, with how they evolved (none yet: every type at version 1). */
export const eventSchemas = (schemas: Readonly<Record<string, z.core.$ZodType>>, evolution: Partial<Pick<EventSchemas, 'versions' | 'upcasters' | 'renamed'>> = {}): EventSchemas => ({
  schemas,
  versions: evolution.versions ?? {},
  upcasters: evolution.upcasters ?? {},
  renamed: evolution.renamed ?? {},
});

export class UnknownEventType extends Error {
  override readonly name = 'UnknownEventType';
  constructor(readonly event: Pick<RecordedEvent, 'id' | 'type'>) {
    super(`event ${event.id} has the type ${event.type}, which this code does not know (is it older than the code that wrote it?)`);
  }
}

/** Data that does not fit its type's schema: the fields are named, never their values. */
export class MalformedEvent extends Error {
  override readonly name = 'MalformedEvent';
  constructor(
    readonly event: Pick<RecordedEvent, 'id' | 'type' | 'schemaVersion'>,
    readonly issues: readonly string[],
  ) {
    super(`event ${event.id} (${event.type}, schema version ${event.schemaVersion}) does not fit its schema: ${issues.join('; ')}`);
  }
}

/** The schema version a new event of this type is written with. */
export const schemaVersionOf = (type: string, catalogue: EventSchemas) => catalogue.versions[type] ?? 1;

/** New events stamped with their type's current schema version (what the store writes). */
/**
 * New events as the store will write them: stamped with their type's current schema version, and
 * checked against it first, so that a stream never takes an event it could not read back (an
 * unknown type or misfit data fails here, naming the fields, and nothing is written).
 */
export const stamped = (events: readonly NewEvent[], catalogue: EventSchemas): NewEvent[] =>
  events.map((e) => {
    const schemaVersion = schemaVersionOf(e.type, catalogue);
    readEvent({ id: '(new)', type: e.type, version: 0, schemaVersion, data: e.data }, catalogue);
    return { ...e, schemaVersion };
  });

/**
 * An event as it came out of the store, read as the current version of its type: upcast from the
 * version it was written with, then parsed against the type's schema. An unknown type, a version
 * with no way up, or data that does not fit fail loudly, naming the event (never its values).
 */
export const readEvent = (stored: RecordedEvent, catalogue: EventSchemas): RecordedEvent => {
  // A type stored under its old name is read as its new one.
  const event = catalogue.renamed && Object.hasOwn(catalogue.renamed, stored.type) ? { ...stored, type: catalogue.renamed[stored.type]! } : stored;
  const schema = Object.hasOwn(catalogue.schemas, event.type) ? catalogue.schemas[event.type] : undefined;
  if (!schema) throw new UnknownEventType(event);
  const current = schemaVersionOf(event.type, catalogue);
  let { data } = event;
  for (let version = event.schemaVersion ?? 1; version < current; version++) {
    const up = catalogue.upcasters[event.type]?.[version];
    if (!up) throw new MalformedEvent(event, [`no upcaster from schema version ${version}`]);
    data = up(data);
  }
  if (event.schemaVersion > current) throw new MalformedEvent(event, [`schema version ${event.schemaVersion} is newer than this code's ${current}`]);
  const parsed = z.safeParse(schema, data);
  if (!parsed.success) throw new MalformedEvent(event, parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`));
  return { ...event, schemaVersion: current, data: parsed.data };
};

/** Events as the store holds them, each read as its type's current version, typed as the reader's decider expects. */
export const readEvents = <E = RecordedEvent>(events: readonly RecordedEvent[], catalogue: EventSchemas): E[] =>
  events.map((e) => readEvent(e, catalogue)) as unknown as E[];
