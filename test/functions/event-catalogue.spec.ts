import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOGUE } from '../../domain/event-catalogue.ts';
import { eventSchemas } from '../../application/views/event-catalogue.ts';

describe('the event catalogue', () => {
  it('has a JSON Schema for every event type, each type once', () => {
    const { events } = eventSchemas();
    const types = events.map((e) => e.type);
    expect(new Set(types).size).toBe(types.length);
    expect(types).toEqual(expect.arrayContaining(['SimActivated', 'PolicyPublished', 'CascadeStarted', 'CascadeTargetDrifted', 'MnoQuarantined']));
    expect(types.length).toBe(Object.values(EVENT_CATALOGUE).reduce((n, defs) => n + Object.keys(defs).length, 0));
    for (const e of events) expect(e.schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema' });
  });

  it('describes the data as the API validates it (formats and required fields carry over)', () => {
    const registered = eventSchemas().events.find((e) => e.type === 'SimRegistered')!.schema as any;
    expect(registered.required).toEqual(expect.arrayContaining(['eid', 'profiles']));
    expect(registered.properties.eid.pattern).toBe('^\\d{32}$');
  });

  it('docs/events/catalogue.json is up to date (npm run catalogue)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../docs/events/catalogue.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(eventSchemas())));
  });
});
