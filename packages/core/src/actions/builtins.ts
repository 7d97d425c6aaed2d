import { z } from 'zod';
import { retryProblems } from '../config/schema.js';
import { PolicyflowError } from '../errors.js';
import { isPlainWith, withFastParams } from './fastParams.js';
import { httpAction } from './http.js';
import type { ActionDefinition, LogSink } from './types.js';

const logParams = z.object({
  message: z.string(),
  level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  data: z.unknown().optional(),
});

type LogParams = z.output<typeof logParams>;
const LOG_KEYS: ReadonlySet<string> = new Set(['message', 'level', 'data']);
const LOG_LEVELS: ReadonlySet<unknown> = new Set(logParams.shape.level.unwrap().options);
// The schema's own default, read from it once.
const DEFAULT_LEVEL: LogParams['level'] = logParams.shape.level.parse(undefined);

/** `logParams.safeParse(p).data` for plainly valid params, without zod; undefined otherwise. */
function parseLogParams(p: unknown): LogParams | undefined {
  if (!isPlainWith(p, LOG_KEYS)) return undefined;
  const { message, level } = p;
  if (typeof message !== 'string' || (level !== undefined && !LOG_LEVELS.has(level))) return undefined;
  const parsed = { message, level: (level ?? DEFAULT_LEVEL) as LogParams['level'] };
  return 'data' in p ? { ...parsed, data: p.data } : parsed;
}

/**
 * The built-in `log` action: writes one line to the engine's log sink.
 *
 * @example
 * ```yaml
 * - { type: log, params: { message: 'quote {{resource.id}} needs action', level: warn } }
 * ```
 */
export const logAction: ActionDefinition<LogParams> = withFastParams(
  {
    params: logParams as z.ZodType<z.output<typeof logParams>>,
    handler(p, ctx) {
      ctx.log({
        level: p.level,
        message: p.message,
        data: p.data,
        jobId: ctx.job.id,
        rule: ctx.job.rule,
        at: ctx.now(),
      });
      return undefined;
    },
  },
  parseLogParams,
);

const emitParams = z.object({ name: z.string().min(1), payload: z.unknown().optional() });

type EmitParams = z.output<typeof emitParams>;
const EMIT_KEYS: ReadonlySet<string> = new Set(['name', 'payload']);

/** `emitParams.safeParse(p).data` for plainly valid params, without zod; undefined otherwise. */
function parseEmitParams(p: unknown): EmitParams | undefined {
  if (!isPlainWith(p, EMIT_KEYS)) return undefined;
  const { name } = p;
  if (typeof name !== 'string' || name.length === 0) return undefined;
  return 'payload' in p ? { name, payload: p.payload } : { name };
}

/**
 * The built-in `emit` action: emits `action.emit` on the engine's bus, for the host to handle.
 *
 * @example
 * ```ts
 * engine.on('action.emit', (e) => { if (e.name === 'quote.stuck') notify(e.payload); });
 * ```
 */
export const emitAction: ActionDefinition<EmitParams> = withFastParams(
  {
    params: emitParams as z.ZodType<z.output<typeof emitParams>>,
    handler(p, ctx) {
      ctx.emit('action.emit', { name: p.name, payload: p.payload, job: ctx.job });
      return undefined;
    },
  },
  parseEmitParams,
);

/**
 * The default log sink: one JSON line a call on stdout.
 *
 * @example
 * ```ts
 * createEngine({ providers, rules, logSink: consoleLogSink });
 * ```
 */
export const consoleLogSink: LogSink = (line) => {
  console.log(JSON.stringify(line));
};

/**
 * Built-in action types by name.
 *
 * @example
 * ```ts
 * [...builtinActions.keys()]; // ['http', 'log', 'emit']
 * ```
 */
export const builtinActions: ReadonlyMap<string, ActionDefinition> = new Map<string, ActionDefinition>([
  ['http', httpAction as ActionDefinition],
  ['log', logAction as ActionDefinition],
  ['emit', emitAction as ActionDefinition],
]);

/**
 * A registry of action types: the built-ins plus the host's.
 *
 * @example
 * ```ts
 * const registry = createActionRegistry({ slack: { handler, params: z.object({ text: z.string() }) } });
 * ```
 */
export function createActionRegistry(
  custom: Readonly<Record<string, ActionDefinition>> = {},
): Map<string, ActionDefinition> {
  const registry = new Map(builtinActions);
  for (const [name, def] of Object.entries(custom)) registerInto(registry, name, def);
  return registry;
}

/**
 * Adds one action type; a name already taken is an `invalid_argument` error.
 *
 * @example
 * ```ts
 * registerInto(registry, 'ticket', { handler: openTicket, params: ticketSchema });
 * ```
 */
export function registerInto(
  registry: Map<string, ActionDefinition>,
  name: string,
  def: ActionDefinition,
): void {
  if (!/^[A-Za-z][\w.-]*$/.test(name)) {
    throw new PolicyflowError('invalid_argument', `action name '${name}' must start with a letter`, {
      path: [name],
    });
  }
  if (registry.has(name)) {
    throw new PolicyflowError('invalid_argument', `action '${name}' is already registered`, { path: [name] });
  }
  const ms = def.timeoutMs;
  if (ms !== undefined && !(ms > 0)) {
    throw new PolicyflowError(
      'invalid_argument',
      `timeoutMs of action '${name}' must be above 0 (or Infinity)`,
      {
        path: [name, 'timeoutMs'],
      },
    );
  }
  const [bad] = def.retry === undefined ? [] : retryProblems(def.retry, [name, 'retry']);
  if (bad !== undefined) {
    const message = `${bad.path.join('.')} of action '${name}': ${bad.message}`;
    throw new PolicyflowError('invalid_argument', message, { path: bad.path });
  }
  registry.set(name, def);
}
