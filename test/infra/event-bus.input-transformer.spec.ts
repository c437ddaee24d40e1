import { describe, expect, it } from 'vitest';
import { EVENT_RULES } from '../../manifest/rules.ts';
import { compileInputTransformer } from '../../infra/local/event-bus/input-transformer.ts';

const event = { id: 'e-1', source: 'switchboard', detail: { tenant: 'acme', data: { cascadeId: 'c-1', targets: ['mno-a', 'mno-b'], quote: 'say "hi"' } } };
const render = (inputPathsMap: Record<string, string>, inputTemplate: string) => compileInputTransformer('test', { inputPathsMap, inputTemplate })(event);

describe('input transformer (local bus)', () => {
  it('places values as JSON outside strings and as text inside them', () => {
    const paths = { tenant: '$.detail.tenant', targets: '$.detail.data.targets', quote: '$.detail.data.quote' };
    expect(JSON.parse(render(paths, '{"t": <tenant>, "all": <targets>, "line": "<tenant> has <targets>", "q": "<quote>"}'))).toEqual({
      t: 'acme',
      all: ['mno-a', 'mno-b'],
      line: 'acme has ["mno-a","mno-b"]',
      q: 'say "hi"',
    });
  });

  it('gives null for a path the event does not have, and takes the whole event at $', () => {
    expect(JSON.parse(render({ missing: '$.detail.nothing.here', all: '$' }, '{"m": <missing>, "e": <all>}'))).toEqual({ m: null, e: event });
  });

  it('renders a state machine input from a CascadeStarted event', () => {
    const transformer = { inputPathsMap: { tenant: '$.detail.tenant', cascadeId: '$.detail.data.cascadeId' }, inputTemplate: '{"tenant": <tenant>, "cascadeId": <cascadeId>}' };
    expect(JSON.parse(compileInputTransformer('start-cascade', transformer)(event))).toEqual({ tenant: 'acme', cascadeId: 'c-1' });
  });

  it.each([
    [{ a: '$.detail[0]' }, '{"a": <a>}', 'not a JSON path'],
    [{ a: 'detail.a' }, '{"a": <a>}', 'not a JSON path'],
    [{ a: '$.detail.a' }, '{"a": <b>}', '<b>, which is not in inputPathsMap'],
    [{ a: '$.detail.a' }, '{"a": <aws.events.rule-name>}', 'not in inputPathsMap'],
    [{ a: '$.detail.a' }, '{"a": <a>', 'not valid JSON'],
  ])('refuses %j with %s when the rule is registered', (paths, template, message) => {
    expect(() => render(paths, template)).toThrow(message);
  });
});
