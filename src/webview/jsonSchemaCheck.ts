/**
 * A small JSON Schema (draft-07) checker for the keywords zod's `toJSONSchema` emits for the protocol, so the
 * webview validates every host message without bundling zod. The schema it runs is generated from the zod
 * schema in src/protocol.ts (`hostMessage.schema.json`, written by scripts/genSchema.ts), never written by
 * hand; a unit test holds the two to the same verdicts. A keyword it does not know is an error at compile
 * time, never silently skipped, so a new kind of zod check cannot make the webview's validation weaker.
 *
 * Differences from a general JSON Schema validator, each matching zod: string lengths count UTF-16 code
 * units, numbers must be finite, and an `integer` must be a safe one (zod's `int()`; the generator drops the
 * ±2^53-1 bounds zod writes for it).
 */

/** A JSON Schema node (only the keywords in SUPPORTED_KEYWORDS). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** Checks one value; null when it is valid, else one line naming the first problem and where it is. */
export type Check = (value: unknown) => string | null;

/** A problem found at `at`; `weak` when it is only a wrong constant (e.g. the discriminator of another variant). */
interface Problem {
  at: string;
  text: string;
  weak?: true;
}

type Node = (value: unknown, at: string) => Problem | null;

/** Every keyword the checker understands; the generator refuses a schema using any other. */
export const SUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  '$schema', '$ref', 'definitions', 'description', 'title', 'default',
  'type', 'const', 'enum', 'anyOf', 'oneOf', 'allOf',
  'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems',
  'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
]);

const ANNOTATIONS = new Set(['$schema', 'definitions', 'description', 'title', 'default']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null': return value === null;
    case 'boolean': return typeof value === 'boolean';
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'integer': return Number.isSafeInteger(value);
    case 'array': return Array.isArray(value);
    case 'object': return isObject(value);
    default: throw new Error(`unsupported JSON Schema type "${type}"`);
  }
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);
const where = (at: string): string => at || '$';

/** Compiles `schema` once into a checker (the schema's `definitions` resolve its `#/definitions/...` refs). */
export function compileJsonSchema(schema: JsonSchema): Check {
  const definitions = isObject(schema.definitions) ? schema.definitions : {};
  const compiled = new Map<string, Node>();
  const ref = (pointer: string): Node => {
    const name = /^#\/definitions\/(.+)$/.exec(pointer)?.[1];
    const target = name === undefined ? undefined : definitions[name];
    if (name === undefined || !isObject(target)) throw new Error(`unresolvable $ref ${pointer}`);
    // Compiled on first use, so a recursive definition refers to itself instead of looping here.
    return (value, at) => {
      let node = compiled.get(name);
      if (!node) {
        node = compile(target);
        compiled.set(name, node);
      }
      return node(value, at);
    };
  };

  const compile = (node: JsonSchema): Node => {
    const checks: Node[] = [];
    for (const [keyword, arg] of Object.entries(node)) {
      if (ANNOTATIONS.has(keyword) || keyword === 'required' || keyword === 'additionalProperties') continue;
      checks.push(compileKeyword(keyword, arg, node));
    }
    // With `properties`, the shape is checked between the constant properties and the others (see properties()).
    if ((Array.isArray(node.required) || node.additionalProperties === false) && !isObject(node.properties)) checks.unshift(objectShape(node));
    return (value, at) => {
      for (const check of checks) {
        const problem = check(value, at);
        if (problem !== null) return problem;
      }
      return null;
    };
  };

  const variants = (arg: unknown): Node[] => {
    if (!Array.isArray(arg)) throw new Error('anyOf/oneOf/allOf needs an array');
    return arg.map((s) => compile(s as JsonSchema));
  };

  const compileKeyword = (keyword: string, arg: unknown, node: JsonSchema): Node => {
    switch (keyword) {
      case '$ref':
        return ref(String(arg));
      case 'type': {
        const types = Array.isArray(arg) ? arg.map(String) : [String(arg)];
        return (v, at) => (types.some((t) => hasType(v, t)) ? null : { at, text: `expected ${types.join(' or ')}, got ${typeOf(v)}` });
      }
      case 'const':
        return (v, at) => (v === arg ? null : { at, text: `expected ${show(arg)}, got ${show(v)}`, weak: true });
      case 'enum': {
        const allowed = arg as unknown[];
        return (v, at) => (allowed.includes(v) ? null : { at, text: `expected one of ${allowed.map(show).join(', ')}, got ${show(v)}` });
      }
      case 'allOf': {
        const all = variants(arg);
        return (v, at) => {
          for (const check of all) {
            const problem = check(v, at);
            if (problem !== null) return problem;
          }
          return null;
        };
      }
      case 'anyOf':
      case 'oneOf':
        return alternatives(variants(arg), keyword === 'oneOf');
      case 'properties':
        return properties(arg as Record<string, JsonSchema>, objectShape(node));
      case 'items': {
        const item = compile(arg as JsonSchema);
        return (v, at) => {
          if (!Array.isArray(v)) return null;
          for (let i = 0; i < v.length; i++) {
            const problem = item(v[i], `${at}[${i}]`);
            if (problem !== null) return problem;
          }
          return null;
        };
      }
      case 'minItems':
      case 'maxItems':
        return bound(Array.isArray, (v) => (v as unknown[]).length, keyword === 'minItems' ? '>=' : '<=', Number(arg), 'items');
      case 'minLength':
      case 'maxLength':
        return bound((v) => typeof v === 'string', (v) => (v as string).length, keyword === 'minLength' ? '>=' : '<=', Number(arg), 'characters');
      case 'minimum':
        return bound(isNumber, Number, '>=', Number(arg), '');
      case 'maximum':
        return bound(isNumber, Number, '<=', Number(arg), '');
      case 'exclusiveMinimum':
        return bound(isNumber, Number, '>', Number(arg), '');
      case 'exclusiveMaximum':
        return bound(isNumber, Number, '<', Number(arg), '');
      case 'pattern': {
        const pattern = new RegExp(String(arg));
        return (v, at) => (typeof v !== 'string' || pattern.test(v) ? null : { at, text: `${show(v)} does not match ${String(arg)}` });
      }
      default:
        throw new Error(`unsupported JSON Schema keyword "${keyword}" in ${show(node).slice(0, 120)}`);
    }
  };

  const objectShape = (node: JsonSchema): Node => {
    const required = Array.isArray(node.required) ? node.required.map(String) : [];
    const known = isObject(node.properties) ? new Set(Object.keys(node.properties)) : new Set<string>();
    const closed = node.additionalProperties === false;
    return (v, at) => {
      if (!isObject(v)) return null;
      for (const key of required) if (!(key in v) || v[key] === undefined) return { at: at ? `${at}.${key}` : key, text: 'missing' };
      if (closed) for (const key of Object.keys(v)) if (!known.has(key)) return { at, text: `unexpected "${key}"` };
      return null;
    };
  };

  /**
   * Constant-valued properties (a discriminator such as `type`) first, so a wrong variant of a union fails on
   * them (a weak problem) before anything else; then the required keys; then the other properties.
   */
  const properties = (props: Record<string, JsonSchema>, shape: Node): Node => {
    const entries = Object.entries(props).map(([key, schema]) => ({ key, check: compile(schema), constant: 'const' in schema }));
    const each = (list: typeof entries): Node => (v, at) => {
      if (!isObject(v)) return null;
      for (const { key, check } of list) {
        // Optional properties: absent and undefined are both "not there", as zod reads them.
        if (v[key] === undefined) continue;
        const problem = check(v[key], at ? `${at}.${key}` : key);
        if (problem !== null) return problem;
      }
      return null;
    };
    const steps = [each(entries.filter((e) => e.constant)), shape, each(entries.filter((e) => !e.constant))];
    return (v, at) => {
      for (const step of steps) {
        const problem = step(v, at);
        if (problem !== null) return problem;
      }
      return null;
    };
  };

  const root = compile(schema);
  return (value) => {
    const problem = root(value, '');
    return problem === null ? null : `${where(problem.at)}: ${problem.text}`;
  };
}

function isNumber(v: unknown): boolean {
  return typeof v === 'number';
}

function bound(applies: (v: unknown) => boolean, measure: (v: unknown) => number, op: '>=' | '<=' | '>' | '<', limit: number, unit: string): Node {
  const ok = { '>=': (n: number) => n >= limit, '<=': (n: number) => n <= limit, '>': (n: number) => n > limit, '<': (n: number) => n < limit }[op];
  return (v, at) => (!applies(v) || ok(measure(v)) ? null : { at, text: `expected ${unit ? `${unit} ` : ''}${op} ${limit}, got ${measure(v)}` });
}

/**
 * anyOf / oneOf. When nothing matches, the most telling problem is the deepest one that is not merely another
 * variant's discriminator (so a `speak` event with a bad `order` reports the order), not "no variant matched".
 */
function alternatives(options: Node[], exactlyOne: boolean): Node {
  return (v, at) => {
    let matches = 0;
    let best: Problem | null = null;
    for (const option of options) {
      const problem = option(v, at);
      if (problem === null) {
        matches += 1;
        if (!exactlyOne) return null;
      } else if (best === null || score(problem) > score(best)) {
        best = problem;
      }
    }
    if (matches === 1 || (!exactlyOne && matches > 0)) return null;
    return matches > 1 ? { at, text: `matches ${matches} variants where one is expected` } : (best ?? { at, text: 'matches no variant' });
  };
}

function score(problem: Problem): number {
  const depth = problem.at === '' ? 0 : problem.at.split(/[.[]/).length;
  return depth * 2 + (problem.weak ? 0 : 1);
}
