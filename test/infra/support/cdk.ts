import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { TABLES } from '../../../manifest/tables.ts';
import type { SwitchboardRegionStack } from '../../../infra/cdk/region-stack.ts';
import { switchboardApp } from '../../../infra/cdk/switchboard-app.ts';

/** Shared by the cdk-*.test.ts files: synthesis without bundling, and readers of the templates' IAM. */
export type Json = Record<string, any>;

/** Synthesis without bundling (CDK's own switch: no stack is bundled); `npm run synth` bundles. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

export const build = (context: Record<string, unknown> = {}, options: { nag?: boolean } = {}) => switchboardApp({ context: { ...NO_BUNDLING, ...context } }, options);

/** A construct's logical id in its own stack's template (the regional stack's, or a nested stack's: `stack` is any of them). */
export const logicalId = (stack: Stack, c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);

/** A regional stack and its nested stacks (the handlers' stacks, infra/cdk/handler-stacks.ts), the regional stack first. */
export const stacksOf = (stack: Stack): Stack[] => [stack, ...stack.node.findAll().filter((c): c is Stack => Stack.isStack(c) && c.nestedStackParent === stack)];

/**
 * A regional stack as CloudFormation deploys it: the resources of the stack and of its nested
 * stacks in one template, each reference across a stack boundary written as the reference it
 * stands for. A nested stack's parameter (`{ Ref: param }`) becomes the value the regional stack
 * passes it (`{ Ref: TableId }`, `{ 'Fn::GetAtt': [QueueId, 'Arn'] }`), and the regional stack's
 * `{ 'Fn::GetAtt': [NestedStackId, 'Outputs.X'] }` becomes output X's value in the nested stack
 * (`{ 'Fn::GetAtt': [FunctionId, 'Arn'] }`). Logical ids are per stack, so each is checked to be in
 * one stack only; `logicalId(stack, c)` then names the construct in this template whatever stack it
 * is in. One level of nesting (the handlers' stacks nest nothing). Per-stack facts (sizes, what is
 * where) are read from Template.fromStack of each of stacksOf(stack).
 */
export const regionTemplate = (stack: Stack): Template => {
  const root = Template.fromStack(stack).toJSON();
  const nested = stacksOf(stack)
    .slice(1)
    .map((n) => {
      if (n.node.findAll().some((c) => c !== n && Stack.isStack(c))) throw new Error(`${n.node.path}: regionTemplate reads one level of nested stacks`);
      return { id: stack.getLogicalId(n.nestedStackResource as CfnElement), template: Template.fromStack(n).toJSON() };
    });
  const byId = new Map(nested.map((n) => [n.id, n]));
  const walk = (value: unknown, replace: (node: Json) => unknown): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, replace));
    if (value === null || typeof value !== 'object') return value;
    const replaced = replace(value as Json);
    if (replaced !== undefined) return replaced;
    return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, walk(v, replace)]));
  };
  // In the regional stack: a nested stack's output, as that stack defines it.
  const inRoot = (value: unknown): unknown =>
    walk(value, (node) => {
      const [id, attribute] = (node['Fn::GetAtt'] ?? []) as [string?, string?];
      const n = id === undefined ? undefined : byId.get(id);
      if (!n || !attribute?.startsWith('Outputs.')) return undefined;
      const output = n.template.Outputs?.[attribute.slice('Outputs.'.length)];
      if (!output) throw new Error(`${id} has no output ${attribute}`);
      return inNested(n.id, output.Value);
    });
  // In a nested stack: a parameter, as the regional stack passes it.
  const inNested = (nestedId: string, value: unknown): unknown =>
    walk(value, (node) => {
      const passed = root.Resources[nestedId].Properties.Parameters ?? {};
      return typeof node.Ref === 'string' && node.Ref in passed ? inRoot(passed[node.Ref]) : undefined;
    });
  const resources: Json = {};
  const add = (id: string, resource: unknown, where: string) => {
    if (id in resources) throw new Error(`logical id ${id} is in two stacks of ${stack.node.path} (${where} and another)`);
    resources[id] = resource;
  };
  // The nested stacks' resources stay, without the parameters they pass (written out where they are used).
  for (const [id, r] of Object.entries(root.Resources as Json)) add(id, byId.has(id) ? { ...r, Properties: { ...r.Properties, Parameters: undefined } } : inRoot(r), stack.node.path);
  for (const n of nested) for (const [id, r] of Object.entries(n.template.Resources as Json)) add(id, inNested(n.id, r), n.id);
  return Template.fromJSON({ ...root, Resources: resources, Outputs: inRoot(root.Outputs ?? {}) });
};

export const resources = (t: Template, type: string): [string, Json][] => Object.entries(t.findResources(type));

/** Every statement of every identity policy in a template (policies and roles' inline policies). */
export const statementsOf = (t: Template) => {
  const out: { owner: string; statement: Json }[] = [];
  for (const [id, r] of [...resources(t, 'AWS::IAM::Policy'), ...resources(t, 'AWS::IAM::ManagedPolicy')])
    for (const s of r.Properties.PolicyDocument.Statement) out.push({ owner: id, statement: s });
  for (const [id, r] of resources(t, 'AWS::IAM::Role'))
    for (const p of r.Properties.Policies ?? []) for (const s of p.PolicyDocument.Statement) out.push({ owner: id, statement: s });
  return out;
};

export const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Does this (unresolved) resource expression name the event store table? */
export const isEventStore = (resource: unknown, eventStoreLogicalId: string | undefined) => {
  const text = JSON.stringify(resource);
  return (eventStoreLogicalId !== undefined && text.includes(`"${eventStoreLogicalId}"`)) || text.includes(`table/${TABLES.events.name}`) || text === '"*"';
};

export const FORBIDDEN_ON_EVENT_STORE = ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'];

/** Statements that could change or delete a commit, or grant wildcard actions, on the event store. */
/** A statement limited to the publishing lease's item (dynamodb:LeadingKeys), or to the event store's `by-time` index: not access to commits. */
export const isLeaseStatement = (statement: Json) =>
  JSON.stringify(statement.Condition ?? {}).includes('"dynamodb:LeadingKeys":["LEASE#publishing"]') || list(statement.Resource).every((r) => JSON.stringify(r).includes('/index/by-time'));

export const eventStoreViolations = (t: Template, eventStoreLogicalId: string | undefined) =>
  statementsOf(t).filter(({ statement }) => {
    if (statement.Effect !== 'Allow') return false;
    if (isLeaseStatement(statement) && list<string>(statement.Action).every((a) => ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'].includes(a))) return false;
    const actions = list<string>(statement.Action);
    const wildcard = actions.some((a) => a === '*' || a.includes('*'));
    const forbidden = actions.some((a) => FORBIDDEN_ON_EVENT_STORE.includes(a));
    return (wildcard || forbidden) && list(statement.Resource).some((r) => isEventStore(r, eventStoreLogicalId));
  });

/** The statements of the policies of a function's role; `t` is its regional stack's regionTemplate(). */
export const functionPolicy = (stack: SwitchboardRegionStack, t: Template, fnId: string) => {
  const roleId = logicalId(stack, stack.functions[fnId]!.role!);
  return statementsOf(t)
    .filter(({ statement }) => statement)
    .filter(({ owner }) => {
      const policy = t.toJSON().Resources[owner];
      return list<Json>(policy.Properties.Roles).some((r) => r.Ref === roleId);
    })
    .map(({ statement }) => statement);
};

export const actionsOn = (statements: Json[], resourceMatches: (r: unknown) => boolean) =>
  statements.filter((s) => !isLeaseStatement(s) && list(s.Resource).some(resourceMatches)).flatMap((s) => list<string>(s.Action));

/** The app the stack tests read: an external JWT issuer, every other setting its default; each regional stack as deployed (regionTemplate). */
export const synthesize = () => {
  const built = build({ jwtIssuer: 'https://issuer.example.com/', jwtAudience: 'switchboard-api,switchboard-ops' });
  return {
    built,
    primary: regionTemplate(built.primary),
    secondary: regionTemplate(built.secondary),
    eventStoreId: logicalId(built.primary, built.primary.eventStore),
  };
};

export type Synthesized = ReturnType<typeof synthesize>;

/**
 * A dashboard's body as JSON, its tokens written as `${LogicalId}` (Ref) and `${LogicalId.Attribute}`
 * (Fn::GetAtt), so that widgets can be read like the deployed ones.
 */
export const dashboardBody = (dashboard: Json): Json => {
  const body = dashboard.Properties.DashboardBody;
  if (typeof body === 'string') return JSON.parse(body);
  const parts = body['Fn::Join'][1] as unknown[];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const token = p as Json;
      if (token.Ref) return `\${${token.Ref}}`;
      if (token['Fn::GetAtt']) return `\${${(token['Fn::GetAtt'] as string[]).join('.')}}`;
      throw new Error(`unexpected token in a dashboard body: ${JSON.stringify(p)}`);
    })
    .join('');
  return JSON.parse(text);
};

/**
 * The logical ids of the template's SQS queues that something uses as a dead-letter queue: found
 * under any property named like one (DeadLetterConfig, deadLetterTargetArn, OnFailure), whatever
 * the resource (stream mappings, rule targets, queues' redrive policies, async invoke configs).
 */
export const deadLetterQueueIdsOf = (t: Template): string[] => {
  const queues = new Set(resources(t, 'AWS::SQS::Queue').map(([id]) => id));
  const found = new Set<string>();
  const walk = (value: unknown, inside: boolean) => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, inside));
    if (value === null || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value as Json)) {
      if (inside && key === 'Fn::GetAtt' && queues.has((v as string[])[0]!)) found.add((v as string[])[0]!);
      else if (inside && key === 'Ref' && queues.has(v as string)) found.add(v as string);
      else walk(v, inside || /dead.?letter|onfailure/i.test(key));
    }
  };
  for (const [, r] of Object.entries(t.toJSON().Resources as Json)) walk(r.Properties, false);
  return [...found].sort();
};
