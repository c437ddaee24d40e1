import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { cascadeDecider } from '../../domain/cascade/decider.ts';
import { STORED_EVENTS } from '../../domain/event-catalogue.ts';
import { MalformedEvent, UnknownEventType, eventSchemas, lazySchemas, mergedSchemas, pickedSchemas, readEvent, stamped, type EventSchemas } from '../../domain/events.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import type { RecordedEvent } from '../../domain/event-store.ts';

const stored = (type: string, data: unknown, schemaVersion = 1): RecordedEvent => ({ id: 'e-1', type, version: 1, schemaVersion, data });

/** A catalogue whose one type changed shape twice: v1 had `name`, v2 split it, v3 added `country`. */
const evolving: EventSchemas = {
  schemas: { DeviceNamed: z.strictObject({ first: z.string(), last: z.string(), country: z.string().length(2) }) },
  versions: { DeviceNamed: 3 },
  upcasters: {
    DeviceNamed: {
      1: (data: unknown) => {
        const [first = '', last = ''] = String((data as { name: string }).name).split(' ');
        return { first, last };
      },
      2: (data: unknown) => ({ ...(data as object), country: 'ZZ' }),
    },
  },
};

describe('reading stored events against the catalogue', () => {
  it('given an event of the current version, then its data parsed by its schema', () => {
    const event = stored('SimActivated', { reason: 'go' });
    expect(readEvent(event, simDecider.events)).toEqual(event);
  });

  it('given an event of an older version, then upcast step by step to the current one, never rewritten', () => {
    const v1 = stored('DeviceNamed', { name: 'Ada Lovelace' }, 1);
    expect(readEvent(v1, evolving)).toEqual({ ...v1, schemaVersion: 3, data: { first: 'Ada', last: 'Lovelace', country: 'ZZ' } });
    expect(readEvent(stored('DeviceNamed', { first: 'A', last: 'B' }, 2), evolving).data).toEqual({ first: 'A', last: 'B', country: 'ZZ' });
    expect(v1.data).toEqual({ name: 'Ada Lovelace' });
  });

  it('given an unknown type, then it fails loudly, naming the event', () => {
    expect(() => readEvent(stored('SimTeleported', {}), STORED_EVENTS)).toThrow(UnknownEventType);
    expect(() => readEvent(stored('constructor', {}), STORED_EVENTS)).toThrow(UnknownEventType);
  });

  it('given a type another stream holds, then it fails too: a stream is read by its own decider’s schemas', () => {
    expect(() => readEvent(stored('SimActivated', { reason: 'go' }), cascadeDecider.events)).toThrow(UnknownEventType);
  });

  it('given data that does not fit, then it fails naming the fields and never their values', () => {
    const error = (() => {
      try {
        readEvent(stored('SimStateObserved', { mno: 'northwind-de', state: 'hunter2-secret' }), simDecider.events);
      } catch (e) {
        return e as MalformedEvent;
      }
    })();
    expect(error).toBeInstanceOf(MalformedEvent);
    expect(error!.message).toContain('state');
    expect(error!.message).not.toContain('hunter2');
  });

  it('given a version newer than the code, or one with no upcaster, then it fails rather than guess', () => {
    expect(() => readEvent(stored('SimActivated', {}, 2), simDecider.events)).toThrow(/newer than this code/);
    expect(() => readEvent(stored('DeviceNamed', {}, 0), evolving)).toThrow(/no upcaster from schema version 0/);
  });

  it('new events are written with their type’s current version', () => {
    const named = { first: 'A', last: 'B', country: 'DE' };
    expect(stamped([{ type: 'DeviceNamed', data: named }], evolving)).toEqual([{ type: 'DeviceNamed', data: named, schemaVersion: 3 }]);
    expect(stamped([{ type: 'SimActivated', data: {} }], simDecider.events)).toEqual([{ type: 'SimActivated', data: {}, schemaVersion: 1 }]);
  });

  it('a new event that does not fit its stream is refused before it is written', () => {
    expect(() => stamped([{ type: 'SimStateObserved', data: { mno: 'northwind-de', state: 'lost' } }], simDecider.events)).toThrow(MalformedEvent);
    expect(() => stamped([{ type: 'CascadeStarted', data: {} }], simDecider.events)).toThrow(UnknownEventType);
  });

  it('knows every type the store may hold: the public catalogue and the webhooks’ own', () => {
    expect(Object.keys(STORED_EVENTS.schemas)).toEqual(expect.arrayContaining(['SimRegistered', 'CascadeTargetApplied', 'SubscriptionCreated', 'WebhookDeliveryParked', 'MnoListed']));
  });
});

describe('a type renamed', () => {
  it('an event stored under the old name is read under the new one, its data as before', async () => {
    const { readEvent, eventSchemas } = await import('../../domain/events.ts');
    const { z } = await import('zod');
    const catalogue = eventSchemas({ CascadeTargetDrifted: z.object({ mno: z.string() }) }, { renamed: { SecurityAlertRaised: 'CascadeTargetDrifted' } });
    expect(readEvent({ id: 'e1', type: 'SecurityAlertRaised', version: 3, schemaVersion: 1, data: { mno: 'a' } }, catalogue)).toMatchObject({ type: 'CascadeTargetDrifted', data: { mno: 'a' } });
  });
});

describe('renamed types in the merged catalogue', () => {
  it('a rename holds only within its own streams: the alerts’ SecurityAlertRaised is read as itself', async () => {
    const { STORED_EVENTS: all } = await import('../../domain/event-catalogue.ts');
    const alert = { id: 'e2', type: 'SecurityAlertRaised', version: 1, schemaVersion: 1, data: { alertId: `alert-imei-mismatch-${'1'.repeat(32)}-1`, kind: 'imei-mismatch', eid: '89049032000000000000000000000163', iccid: '8944123456789012348', mno: 'mno-a', evidence: {}, at: '2026-12-05T10:00:00.000Z' } };
    expect(readEvent(alert, all).type).toBe('SecurityAlertRaised');
  });
});

describe('schemas built on first use', () => {
  const counting = () => {
    const built: string[] = [];
    const schemas = lazySchemas({
      DeviceSeen: () => (built.push('DeviceSeen'), z.object({ at: z.string() })),
      DeviceLost: () => (built.push('DeviceLost'), z.object({ reason: z.string() })),
    });
    return { built, schemas };
  };

  it('given a stream’s lazy schemas, when nothing is read, then none is built; merging or picking them builds none either', () => {
    const { built, schemas } = counting();
    const merged = mergedSchemas(eventSchemas(schemas), eventSchemas(pickedSchemas(schemas, ['DeviceLost'])));
    expect(Object.keys(merged.schemas)).toEqual(['DeviceSeen', 'DeviceLost']);
    expect(built).toEqual([]);
  });

  it('when events of one type are read and written, then that type’s schema alone is built, once, and it still refuses misfits', () => {
    const { built, schemas } = counting();
    const catalogue = mergedSchemas(eventSchemas(schemas));
    expect(readEvent(stored('DeviceSeen', { at: 'noon' }), catalogue).data).toEqual({ at: 'noon' });
    expect(stamped([{ type: 'DeviceSeen', data: { at: 'dusk' } }], catalogue)).toHaveLength(1);
    expect(() => readEvent(stored('DeviceSeen', { at: 1 }), catalogue)).toThrow(MalformedEvent);
    expect(built).toEqual(['DeviceSeen']);
  });

  it('every stream the store may hold declares its schemas lazily: each type is a getter, none built by declaring it', () => {
    const eager = Object.entries(Object.getOwnPropertyDescriptors(STORED_EVENTS.schemas)).filter(([, d]) => typeof d.get !== 'function');
    expect(eager.map(([type]) => type)).toEqual([]);
  });

  it('picking a type the stream does not have fails, naming it', () => {
    expect(() => pickedSchemas(counting().schemas, ['DeviceFound' as 'DeviceSeen'])).toThrow('no schema for the event type DeviceFound');
  });
});
