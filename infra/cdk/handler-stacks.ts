import { NestedStack, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ALL_HANDLERS, type HandlerStackName } from './handlers.ts';

/**
 * Where a regional stack's functions go. CloudFormation takes at most 500 resources a stack, and
 * each function brings its own role and policy (least privilege) and its trigger's wiring: a route
 * brings an integration, a route and an invoke permission too (six resources a route, the most of
 * any kind, and the kind that grows fastest). So the functions live in nested stacks, placed by
 * `stackOf` (handlers.ts) from the manifest alone, each stack with the functions' wiring:
 *
 * - `HttpReads`: the GET routes (queries of the read models, and `/health`): a function each, its
 *   role and policy, and its API Gateway integration, route and invoke permission;
 * - `HttpCommands`: the routes of every other method (commands, devices' and SM-DP+'s calls), alike.
 *   Reads and commands are the one stable line through the routes that splits them about evenly:
 *   a route's method never changes, so a route never moves when others are added;
 * - `Workers`: every other function (workflow tasks, rule and webhook targets, stream and queue
 *   consumers, schedules), its role and policy, its event source mappings and its asynchronous
 *   invocations' failure destination.
 *
 * The API, its stage, the authorizer and the access logs stay in the regional stack (its id and URL,
 * the custom domain and the alarms do not move), as do the handlers' log groups (one per kind,
 * handler-function.ts), everything with a name of its own or state (tables, keys, queues, the bus
 * and its rules, the state machines) and the ops that watch them: moving a named resource would
 * have CloudFormation create the new one before it deletes the old.
 *
 * A new entry of the manifest lands in its nested stack with no other change. A stack that nears
 * the limit (test/infra/cdk-stacks.test.ts) gets a new name in `stackOf` for a new group of
 * functions, never a rule that moves existing ones (a moved route is created before its old self is
 * deleted, and API Gateway refuses a second route with the same key). References across stacks are
 * CloudFormation parameters (into a nested stack) and outputs (out of one), made by CDK; no two
 * stacks may refer to each other (see the state machines' starters in region-stack.ts).
 */
export const HANDLER_STACKS: Record<HandlerStackName, { id: string; description: string }> = {
  httpReads: { id: 'HttpReads', description: 'Switchboard: the GET route handlers, their roles, and their API routes and integrations' },
  httpCommands: { id: 'HttpCommands', description: 'Switchboard: the command (POST, PUT, DELETE) route handlers, their roles, and their API routes and integrations' },
  workers: { id: 'Workers', description: 'Switchboard: the workflow tasks, rule targets, stream and queue consumers and schedules, their roles and their triggers' },
};

/** The nested stacks of `parent` that hold functions: one per name that some entry point of the manifest goes into. */
export const handlerStacks = (parent: Stack): Partial<Record<HandlerStackName, NestedStack>> => {
  const names = new Set(ALL_HANDLERS.map((h) => h.stack));
  return Object.fromEntries(
    (Object.keys(HANDLER_STACKS) as HandlerStackName[]).filter((name) => names.has(name)).map((name) => [name, new NestedStack(parent, HANDLER_STACKS[name].id, { description: HANDLER_STACKS[name].description })]),
  );
};

/** The top-level stack a construct is in (its regional stack, from inside a nested stack). */
export const regionStackOf = (c: IConstruct): Stack => {
  let stack = Stack.of(c);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
};
