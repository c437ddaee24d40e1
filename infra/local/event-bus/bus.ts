import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { compilePattern } from './pattern.ts';
import { BUS_NAME, EVENT_RULES, type EventRule } from '../../../manifest/rules.ts';
import { deliver, type DeadLetter, type RetryPolicy } from './delivery.ts';
import { deliveryJournal } from './journal.ts';
import { eventBridgeEndpoint } from './endpoint.ts';
import { compileInputTransformer } from './input-transformer.ts';
import { checkEntry, checkRequest, envelope, type BusEvent, type PutEventsEntry, type PutEventsResult, type PutEventsResultEntry } from './put-events.ts';

/** What each target kind of functions/events/rules.ts does on this machine. */
export interface EventBusTargets {
  /** Starts an execution of the named state machine with this input (a JSON string). */
  'state-machine': (stateMachine: string, input: string) => Promise<void>;
  /** Invokes the named Lambda handler (functions/events) with the whole event. */
  function: (name: string, event: BusEvent) => Promise<void>;
  webhooks: (event: BusEvent) => Promise<void>;
  /** Called for each event the bus archives (it keeps them in memory in any case), e.g. to persist them. */
  archive: (event: BusEvent) => Promise<void>;
  /** Writes the whole event, as JSON, to the named CloudWatch Logs group (locally: infra/local/logs). */
  'log-group': (logGroup: string, event: BusEvent) => Promise<void>;
}

export interface EventBusOptions {
  targets: EventBusTargets;
  /** The rule table; the shared one unless a test brings its own. */
  rules?: readonly EventRule[];
  /** Events archived by an earlier run (the runtime keeps the archive on disk). */
  archived?: readonly BusEvent[];
  /** Where accepted events wait until every rule has delivered them (journal.ts); in memory only without one. */
  deliveriesFile?: string | undefined;
  retry?: Partial<RetryPolicy>;
  region?: string;
  account?: string;
}

/** Replays archived events whose time is in [from, to), to every rule or to the named ones. */
export interface ReplayFilter {
  name?: string;
  from?: Date;
  to?: Date;
  rules?: readonly string[];
}

export type EventBus = ReturnType<typeof createEventBus>;

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) for (const v of Object.values(Object.freeze(value))) deepFreeze(v);
  return value;
};

/** What observers of the bus's events need of it (the simulated devices and network traffic): one bus, or a feed made from the event store's stream. */
export interface EventFeed {
  subscribe(listener: (event: BusEvent) => void): () => void;
}

/**
 * The local EventBridge custom bus: PutEvents validated and answered as AWS does, then each event
 * routed to the targets of every rule whose pattern matches it. Delivery is asynchronous (PutEvents
 * answers first) and retried with backoff; what still fails lands in `deadLetters`. Events matched
 * by an archive rule are kept in `archive` and can be replayed to the rules; replayed events carry
 * `replay-name`, keep their id, and are not archived again.
 */

export const createEventBus = (options: EventBusOptions) => {
  const { targets, region = 'local', account = '000000000000' } = options;
  const retry: RetryPolicy = { retries: 3, baseDelayMs: 100, ...options.retry };
  const rules = (options.rules ?? EVENT_RULES).map((rule) => ({
    rule,
    matches: compilePattern(rule.eventPattern),
    render:
      rule.target.kind === 'state-machine' && rule.target.inputTransformer
        ? compileInputTransformer(rule.name, rule.target.inputTransformer)
        : (event: BusEvent) => JSON.stringify(event),
  }));
  const archive: BusEvent[] = [...(options.archived ?? [])];
  const deadLetters: DeadLetter[] = [];
  const listeners = new Set<(event: BusEvent) => void>();
  const inFlight = new Set<Promise<void>>();
  const faults = { failing: 0, code: 'InternalFailure' };
  let replays = 0;

  const send = (rule: EventRule, render: (event: BusEvent) => string, event: BusEvent): (() => Promise<void>) => {
    const target = rule.target;
    switch (target.kind) {
      case 'state-machine':
        return () => targets['state-machine'](target.stateMachine, render(event));
      case 'function':
        return () => targets.function(target.function, event);
      case 'webhooks':
        return () => targets.webhooks(event);
      case 'archive':
        return () => targets.archive(event);
      case 'log-group':
        return () => targets['log-group'](target.logGroup, event);
    }
  };

  const journal = options.deliveriesFile ? deliveryJournal(options.deliveriesFile) : undefined;

  const route = (event: BusEvent, only?: readonly string[], again = false) => {
    for (const l of listeners)
      try {
        l(event);
      } catch {
        // A listener never stops the bus.
      }
    const replayed = event['replay-name'] !== undefined;
    const chosen = rules.filter(({ rule, matches }) => !((only && !only.includes(rule.name)) || (replayed && rule.target.kind === 'archive') || !matches(event)));
    // Kept before PutEvents answers: what it accepted survives the process (replays are the operator's, not kept).
    if (journal && !replayed && !again && chosen.length > 0) journal.accepted(event, chosen.map((c) => c.rule.name));
    for (const { rule, render } of chosen) {
      if (rule.target.kind === 'archive' && !again) archive.push(event);
      const delivery: Promise<void> = new Promise<void>((ok) => setImmediate(ok))
        .then(() => deliver(send(rule, render, event), retry, { event, rule: rule.name, target: rule.target.kind }))
        .then((dead) => void (dead && deadLetters.push(dead)))
        .then(() => void (!replayed && journal?.done(event.id, rule.name)))
        .finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    }
  };


  /** PutEvents: whole-call limits throw ValidationException; each entry gets its id or its error. */
  const putEvents = (entries: PutEventsEntry[]): PutEventsResult => {
    const now = new Date();
    const results = checkRequest(entries).map((entry): PutEventsResultEntry => {
      const checked = checkEntry(entry, [BUS_NAME, 'default']);
      if ('error' in checked) return checked.error;
      if (faults.failing > 0) {
        faults.failing--;
        return { ErrorCode: faults.code, ErrorMessage: 'Internal Service Failure' };
      }
      const event = deepFreeze(envelope(entry, checked.detail, { id: randomUUID(), account, region, now }));
      // The default bus exists but has none of Switchboard's rules, as in AWS.
      if (checked.bus === BUS_NAME) route(event);
      return { EventId: event.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  };

  const replay = (filter: ReplayFilter = {}) => {
    const name = filter.name ?? `replay-${++replays}`;
    const chosen = archive.filter((e) => {
      const t = Date.parse(e.time);
      return (!filter.from || t >= filter.from.getTime()) && (!filter.to || t < filter.to.getTime());
    });
    for (const event of chosen) route(deepFreeze({ ...event, 'replay-name': name }), filter.rules);
    return { name, replayed: chosen.length };
  };

  /** Every event the bus routes (replays included), as it is routed; returns the unsubscribe. In process only (tests, benchmarks): operators follow the bus through the ops-feed rule's log group. */
  const subscribe = (listener: (event: BusEvent) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };

  return {
    putEvents,
    server: eventBridgeEndpoint({ putEvents, replay, account, region }) as Server,
    archive: archive as readonly BusEvent[],
    deadLetters: deadLetters as readonly DeadLetter[],
    replay,
    subscribe,
    /** Fault injection: the next `n` otherwise valid entries fail with `code`, as a retryable PutEvents failure does. */
    failNext(n: number, code: 'InternalFailure' | 'ThrottlingException' = 'InternalFailure') {
      Object.assign(faults, { failing: n, code });
    },
    /** Delivers what an earlier run accepted and did not deliver (to the rules it had not reached): once the runtime's targets are up. */
    deliverUndelivered() {
      const left = journal?.undelivered ?? [];
      for (const { event, rules: names } of left) route(deepFreeze(event), names, true);
      return left.length;
    },
    /** Resolves when no delivery is in flight (retries included). */
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
};
