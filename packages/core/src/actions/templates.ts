import { lookup } from '../rules/path.js';

/**
 * Names a template may start from: the built-in facts and the firing rule.
 *
 * @example
 * ```ts
 * TEMPLATE_ROOTS.has('resource'); // true: '{{resource.id}}' is allowed
 * ```
 */
export const TEMPLATE_ROOTS: ReadonlySet<string> = new Set([
  'event',
  'resource',
  'transition',
  'provider',
  'now',
  'status',
  'rule',
]);

const TAG = /\{\{([^{}]*)\}\}/g;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/;
const FORBIDDEN: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** A template problem found when the rules are loaded. */
export interface TemplateIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

type Part = string | ReadonlyArray<string>;

/** Renders a params value against the template context. */
export type Renderer = (context: Readonly<Record<string, unknown>>) => unknown;

function checkPath(
  expr: string,
  where: ReadonlyArray<string | number>,
  issues: TemplateIssue[],
): string[] | undefined {
  const text = expr.trim();
  if (!PATH.test(text)) {
    issues.push({
      path: where,
      message: `template {{${expr}}} is not a plain path (letters, digits, _ and dots only)`,
    });
    return undefined;
  }
  const keys = text.split('.');
  if (!TEMPLATE_ROOTS.has(keys[0]!)) {
    issues.push({
      path: where,
      message: `template {{${text}}} starts at '${keys[0]}'; use one of ${[...TEMPLATE_ROOTS].join(', ')}`,
    });
    return undefined;
  }
  const bad = keys.find((k) => FORBIDDEN.has(k));
  if (bad !== undefined) {
    issues.push({
      path: where,
      message: `template {{${text}}} reaches '${bad}', which templates may not read`,
    });
    return undefined;
  }
  return keys;
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// A rendered object or array goes to handlers and `emit` listeners, which may change it: a copy keeps them from
// changing the engine's state (a stored resource's context). The values come from JSON, so structuredClone fits.
function detach(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}

function compileString(
  text: string,
  where: ReadonlyArray<string | number>,
  issues: TemplateIssue[],
  // A URL param: values inside its text are percent-encoded, so an id holding `/`, `?` or `#` stays one segment.
  encode = false,
): Renderer {
  if (!text.includes('{{')) return () => text;
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(TAG)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(checkPath(m[1]!, where, issues) ?? []);
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.some((p) => typeof p === 'string' && (p.includes('{{') || p.includes('}}')))) {
    issues.push({ path: where, message: `unbalanced template braces in '${text}'` });
  }
  // A value that is one template keeps its type (a number stays a number); text with templates is text.
  // A missing value renders empty, as it does inside text, so a param is never dropped and `null` stays `null`.
  if (parts.length === 1 && typeof parts[0] !== 'string') {
    const keys = parts[0]!;
    return (ctx) => {
      const value = lookup(ctx, keys);
      return value === undefined ? '' : detach(value);
    };
  }
  const show = encode ? (v: unknown) => encodeURIComponent(stringify(v)) : stringify;
  // Concatenated rather than joined: an array and a join per render cost twice as much (measured as a
  // fired action renders its params), and the rope it makes is flattened once, where it is first read.
  return (ctx) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : show(lookup(ctx, p));
    return out;
  };
}

/**
 * Compiles every string in an action's params into a renderer. Templates are path look-ups only
 * (`{{event.data.id}}`): no expressions, no calls, no prototype access, and no key named `__proto__`,
 * `constructor` or `prototype`. In the top-level params named in `urlParams` (an action's URLs), values inside
 * text are percent-encoded; a param that is one template alone is the URL itself and kept as it is. Problems
 * are pushed to `issues`.
 *
 * @example
 * ```ts
 * const issues: TemplateIssue[] = [];
 * const render = compileTemplates({ body: { quote: '{{resource.id}}' } }, ['params'], issues);
 * render({ resource: { id: 'erhq_1' } }); // { body: { quote: 'erhq_1' } }
 * ```
 */
export function compileTemplates(
  value: unknown,
  where: ReadonlyArray<string | number>,
  issues: TemplateIssue[],
  urlParams: ReadonlyArray<string> = [],
): Renderer {
  if (typeof value === 'string') return compileString(value, where, issues);
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileTemplates(v, [...where, i], issues));
    return (ctx) => items.map((r) => r(ctx));
  }
  if (value !== null && typeof value === 'object') return compileObject(value, where, issues, urlParams);
  return () => value;
}

function compileObject(
  value: object,
  where: ReadonlyArray<string | number>,
  issues: TemplateIssue[],
  urlParams: ReadonlyArray<string>,
): Renderer {
  const entries = Object.entries(value).map(([k, v]) => {
    // JSON.parse keeps `__proto__` as an own key, and any copy made by assignment (a handler's, say) turns it
    // into the copy's prototype; such keys name no param a handler means, so they are refused.
    if (FORBIDDEN.has(k)) {
      issues.push({
        path: [...where, k],
        message: `a params key may not be named '${k}', a name every JavaScript object has`,
      });
    }
    const url = typeof v === 'string' && urlParams.includes(k);
    return [
      k,
      url ? compileString(v, [...where, k], issues, true) : compileTemplates(v, [...where, k], issues),
    ] as const;
  });
  if (entries.some(([k]) => FORBIDDEN.has(k))) {
    // Only reachable when the issue above was ignored: keys are then defined, never assigned, so an own
    // `__proto__` key stays a key rather than becoming the rendered object's prototype.
    return (ctx) =>
      Object.fromEntries(entries.map(([k, r]) => [k, r(ctx)] as const).filter(([, v]) => v !== undefined));
  }
  // Every action that fires renders its params: assignment builds them without the arrays of fromEntries.
  return (ctx) => {
    const out: Record<string, unknown> = {};
    for (const [k, r] of entries) {
      const v = r(ctx);
      if (v !== undefined) out[k] = v;
    }
    return out;
  };
}

/**
 * Whether any template in `value` (a params tree or one string) reads from `root`.
 *
 * @example
 * ```ts
 * readsRoot({ message: 'fired by {{rule.name}}' }, 'rule'); // true
 * readsRoot({ message: '{{event.type}}' }, 'rule'); // false
 * ```
 */
export function readsRoot(value: unknown, root: string): boolean {
  if (typeof value === 'string') {
    for (const m of value.matchAll(TAG)) if (m[1]!.trim().split('.')[0] === root) return true;
    return false;
  }
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some((v) => readsRoot(v, root));
}

/**
 * True when `value` at `path` inside params is a string holding a template (its type is only known when it fires).
 *
 * @example
 * ```ts
 * isTemplated({ url: '{{event.data.url}}' }, ['url']); // true
 * ```
 */
export function isTemplated(value: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let current = value;
  for (const key of path) {
    if (typeof current === 'string') break;
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return typeof current === 'string' && current.includes('{{');
}
