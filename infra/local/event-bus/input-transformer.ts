import type { InputTransformer } from '../../../manifest/rules.ts';

const PLACEHOLDER = /<([^<>\s]+)>/g;
const PATH = /^\$(\.[^.\s[\]]+)*$/;

const at = (event: unknown, path: string): unknown =>
  path
    .split('.')
    .slice(1)
    .reduce<unknown>((v, key) => (typeof v === 'object' && v !== null && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined), event);

/**
 * Fills a template: a placeholder inside a JSON string takes the value's text (a string as is,
 * anything else as JSON), escaped for that string; outside a string it takes the value as JSON.
 * A path that is not in the event gives `null` outside strings and nothing inside them.
 */
const fill = (template: string, valueOf: (name: string) => unknown) => {
  let out = '';
  let inString = false;
  let last = 0;
  const advance = (to: number) => {
    for (let i = last; i < to; i++) {
      if (template[i] === '\\') i++;
      else if (template[i] === '"') inString = !inString;
    }
    out += template.slice(last, to);
  };
  for (const m of template.matchAll(PLACEHOLDER)) {
    advance(m.index);
    const value = valueOf(m[1]!);
    if (inString) out += value === undefined ? '' : JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value)).slice(1, -1);
    else out += JSON.stringify(value ?? null);
    last = m.index + m[0].length;
  }
  advance(template.length);
  return out;
};

/**
 * EventBridge's InputTransformer for the local bus. Checked when the rule is registered: paths in
 * dot notation, every placeholder in the map (the predefined `<aws.events.*>` variables are not
 * supported locally), and a template that is valid JSON once filled. Returns the renderer.
 */
export const compileInputTransformer = (rule: string, transformer: InputTransformer): ((event: unknown) => string) => {
  const refuse = (why: string): never => {
    throw new Error(`rule ${rule}: input transformer ${why}`);
  };
  const paths = transformer.inputPathsMap;
  for (const [name, path] of Object.entries(paths)) if (!PATH.test(path)) refuse(`path ${name} = ${path} is not a JSON path in dot notation`);
  for (const [, name] of transformer.inputTemplate.matchAll(PLACEHOLDER))
    if (!Object.hasOwn(paths, name!)) refuse(`template uses <${name}>, which is not in inputPathsMap`);
  try {
    JSON.parse(fill(transformer.inputTemplate, () => 'x'));
  } catch {
    refuse('template is not valid JSON once its placeholders are filled');
  }
  return (event) => fill(transformer.inputTemplate, (name) => at(event, paths[name]!));
};
