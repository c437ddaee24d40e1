import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidEventPatternException, matchesPattern } from '../../infra/local/event-bus/pattern.ts';
import { EVENT_RULES } from '../../manifest/rules.ts';

// The EC2 example from the EventBridge user guide, with a few fields added.
const event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-10-02T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0', 'arn:aws:ec2:us-west-1:123456789012:instance/i-b188560f'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'running',
    'c-count': 5,
    'x-limit': 301.8,
    eventVersion: '',
    responseElements: null,
    enabled: true,
    FileName: 'photo.PNG',
    'c-obj': { c1: 100 },
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
    ],
  },
};
const matches = (pattern: unknown) => matchesPattern(pattern, event);

describe('event patterns', () => {
  it('exact values: arrays are OR, fields are AND, nested objects follow the event', () => {
    expect(matches({ source: ['aws.ec2'], detail: { state: ['stopped', 'running'] } })).toBe(true);
    expect(matches({ source: ['aws.ec2'], detail: { state: ['stopped'] } })).toBe(false);
    expect(matches({ detail: { 'c-count': [5], enabled: [true], responseElements: [null], eventVersion: [''] } })).toBe(true);
    // Types are kept: "5" is not 5, "" is not null, "true" is not true.
    expect(matches({ detail: { 'c-count': ['5'] } })).toBe(false);
    expect(matches({ detail: { responseElements: [''] } })).toBe(false);
    expect(matches({ detail: { enabled: ['true'] } })).toBe(false);
  });

  it('a field of the pattern missing from the event fails the match', () => {
    expect(matches({ detail: { nothing: ['x'] } })).toBe(false);
    expect(matches({ nothing: { deeper: ['x'] } })).toBe(false);
    expect(matches({ detail: { nothing: [{ 'anything-but': 'x' }] } })).toBe(false);
  });

  it('arrays in the event match if any element matches; objects in arrays match element by element', () => {
    expect(matches({ resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-b188560f'] })).toBe(true);
    expect(matches({ detail: { employees: { firstName: ['Anna'] } } })).toBe(true);
    expect(matches({ detail: { employees: { firstName: ['Anna'], lastName: ['Smith'] } } })).toBe(true);
    expect(matches({ detail: { employees: { firstName: ['Anna'], lastName: ['Doe'] } } })).toBe(false);
  });

  it('prefix and suffix, with or without case', () => {
    expect(matches({ time: [{ prefix: '2017-10-02' }] })).toBe(true);
    expect(matches({ time: [{ prefix: '2017-10-03' }] })).toBe(false);
    expect(matches({ detail: { FileName: [{ suffix: '.png' }] } })).toBe(false);
    expect(matches({ detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } })).toBe(true);
    expect(matches({ source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] })).toBe(true);
    expect(matches({ detail: { 'c-count': [{ prefix: '5' }] } })).toBe(false); // strings only
  });

  it('anything-but: a value, a list, a prefix, a suffix, ignoring case, a wildcard', () => {
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } })).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } })).toBe(false);
    expect(matches({ detail: { 'c-count': [{ 'anything-but': [100, 200] }] } })).toBe(true);
    expect(matches({ detail: { 'c-count': [{ 'anything-but': 5 }] } })).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'run' } }] } })).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } })).toBe(true);
    expect(matches({ detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } })).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['RUNNING'] } }] } })).toBe(false);
    expect(matches({ detail: { FileName: [{ 'anything-but': { wildcard: '*.PNG' } }] } })).toBe(false);
  });

  it('numeric comparisons and ranges, on JSON numbers only', () => {
    expect(matches({ detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } })).toBe(true);
    expect(matches({ detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } })).toBe(false);
    expect(matches({ detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } })).toBe(true);
    expect(matches({ detail: { 'x-limit': [{ numeric: ['>=', 302] }] } })).toBe(false);
    expect(matches({ detail: { state: [{ numeric: ['>', 0] }] } })).toBe(false);
  });

  it('exists works on leaves: an absent field, or one holding an object, does not exist', () => {
    expect(matches({ detail: { state: [{ exists: true }] } })).toBe(true);
    expect(matches({ detail: { responseElements: [{ exists: true }] } })).toBe(true);
    expect(matches({ detail: { 'c-count2': [{ exists: false }] } })).toBe(true);
    expect(matches({ detail: { 'c-obj': [{ exists: false }] } })).toBe(true);
    expect(matches({ detail: { 'c-obj': [{ exists: true }] } })).toBe(false);
    expect(matches({ 'replay-name': [{ exists: false }] })).toBe(true);
    expect(matches({ nothing: { deeper: [{ exists: false }] } })).toBe(true);
  });

  it('equals-ignore-case and wildcard', () => {
    expect(matches({ source: [{ 'equals-ignore-case': 'AWS.EC2' }] })).toBe(true);
    expect(matches({ detail: { 'instance-id': [{ wildcard: 'i-*' }] } })).toBe(true);
    expect(matches({ detail: { 'instance-id': [{ wildcard: 'i-*f0' }] } })).toBe(true);
    expect(matches({ detail: { 'instance-id': [{ wildcard: 'i-*f1' }] } })).toBe(false);
    expect(matchesPattern({ a: [{ wildcard: 'x\\*y' }] }, { a: 'x*y' })).toBe(true);
    expect(matchesPattern({ a: [{ wildcard: 'x\\*y' }] }, { a: 'xzy' })).toBe(false);
    expect(matchesPattern({ a: [{ wildcard: 'a.c' }] }, { a: 'abc' })).toBe(false);
  });

  it('$or: any of the alternatives, each an AND of its fields, combined with the other fields', () => {
    const pattern = { source: ['aws.ec2'], $or: [{ detail: { state: ['stopped'] } }, { region: ['us-west-1'], detail: { 'c-count': [5] } }] };
    expect(matches(pattern)).toBe(true);
    expect(matches({ ...pattern, source: ['aws.s3'] })).toBe(false);
    expect(matches({ $or: [{ detail: { state: ['stopped'] } }, { region: ['eu-west-1'] }] })).toBe(false);
    expect(matches({ detail: { $or: [{ state: ['stopped'] }, { 'c-count': [{ numeric: ['<', 10] }] }] } })).toBe(true);
  });

  it.each([
    [{}, 'non-empty object'],
    [{ source: 'aws.ec2' }, 'array of values or a nested pattern'],
    [{ source: [] }, 'at least one value'],
    [{ source: [['a']] }, 'one operator'],
    [{ ip: [{ cidr: '10.0.0.0/24' }] }, 'operator "cidr" is not supported'],
    [{ a: [{ contains: 'x' }] }, 'operator "contains" is not supported'],
    [{ a: [{ prefix: 'a', suffix: 'b' }] }, 'one operator'],
    [{ a: [{ prefix: 1 }] }, 'expected a string'],
    [{ a: [{ numeric: ['<', 'x'] }] }, 'numeric bounds'],
    [{ a: [{ numeric: ['<', 1, '>', 0] }] }, 'lower bound'],
    [{ a: [{ numeric: ['~', 1] }] }, 'unknown numeric operator'],
    [{ a: [{ numeric: ['>', 6e9] }] }, 'numeric bounds'],
    [{ a: [{ exists: 'yes' }] }, 'true or false'],
    [{ a: [{ 'anything-but': ['x', 1] }] }, 'only strings or only numbers'],
    [{ a: [{ 'anything-but': { cidr: '10.0.0.0/8' } }] }, 'anything-but takes'],
    [{ a: [{ wildcard: 'a**b' }] }, 'consecutive wildcard'],
    [{ a: [{ wildcard: 'a\\b' }] }, 'backslash'],
    [{ $or: [{ a: ['x'] }] }, 'at least two patterns'],
  ])('refuses %j when it is compiled (%s)', (pattern, message) => {
    expect(() => compilePattern(pattern)).toThrow(InvalidEventPatternException);
    expect(() => compilePattern(pattern)).toThrow(message);
  });

  it('every shared rule compiles, and rule names are unique', () => {
    for (const rule of EVENT_RULES) expect(() => compilePattern(rule.eventPattern)).not.toThrow();
    expect(new Set(EVENT_RULES.map((r) => r.name)).size).toBe(EVENT_RULES.length);
  });
});
