import { z } from 'zod';
import { parseDelay } from '../actions/schedule.js';
import type { BooleanCondition, Condition, RuleSpec } from '../rules/types.js';

const leafCondition = z
  .object({
    fact: z.string().min(1),
    operator: z.string().min(1),
    value: z
      .unknown()
      .meta({ description: 'A value, or { fact, path?, params? } to compare with another fact.' }),
    path: z.string().optional().meta({ description: 'JSONPath into the fact value, e.g. $.data.status' }),
    params: z.record(z.string(), z.unknown()).optional(),
    priority: z.number().int().min(1).optional(),
    name: z.string().optional(),
  })
  .strict();

const meta = { name: z.string().optional(), priority: z.number().int().min(1).optional() };

/**
 * json-rules-engine's condition grammar, verbatim (all / any / not / condition references / leaves).
 *
 * @example
 * ```ts
 * conditionSchema.safeParse({ fact: 'event', operator: 'equal', value: 1 }).success; // true
 * ```
 */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(conditionSchema), ...meta }).strict(),
    z.object({ any: z.array(conditionSchema), ...meta }).strict(),
    z.object({ not: conditionSchema, ...meta }).strict(),
    z.object({ condition: z.string().min(1), ...meta }).strict(),
    leafCondition,
  ]),
) as z.ZodType<Condition>;

/**
 * A rule's top-level conditions: a boolean condition or a reference, as json-rules-engine requires.
 *
 * @example
 * ```ts
 * topLevelConditionSchema.safeParse({ all: [] }).success; // true
 * ```
 */
export const topLevelConditionSchema = z.union(
  [
    z.object({ all: z.array(conditionSchema), ...meta }).strict(),
    z.object({ any: z.array(conditionSchema), ...meta }).strict(),
    z.object({ not: conditionSchema, ...meta }).strict(),
    z.object({ condition: z.string().min(1), ...meta }).strict(),
  ],
  { error: 'expected { all: [...] }, { any: [...] }, { not: {...} } or { condition: name }' },
) as z.ZodType<BooleanCondition>;

const states = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * A rule's `on`.
 *
 * @example
 * ```ts
 * triggerSchema.parse({ lifecycle: 'policy', to: 'cancelled' });
 * ```
 */
export const triggerSchema = z.union(
  [
    z.string().min(1).meta({ description: "An event type, a wildcard such as 'policy.*', or 'violation'." }),
    z.array(z.string().min(1)).min(1),
    z.object({ event: states, provider: z.string().optional() }).strict(),
    z
      .object({
        lifecycle: z.string().min(1),
        provider: z.string().optional(),
        from: states.optional(),
        to: states.optional(),
      })
      .strict(),
    z
      .object({
        violation: z.literal(true),
        lifecycle: z.string().optional(),
        provider: z.string().optional(),
      })
      .strict(),
  ],
  {
    error:
      "expected an event type, a list of them, { event }, { lifecycle, from?, to? }, 'violation' or { violation: true }",
  },
);

const durationHint = 'expected a duration such as 500ms, 30s, 15m, 2h, 2d, 1w';

// Checked with the parser the engine and the pollers read durations with, so whatever validates also runs.
const duration = z
  .union([z.string(), z.number()])
  .refine((value) => parseDelay(value) !== undefined, durationHint)
  .meta({ description: 'A duration: 500ms, 30s, 15m, 2h, 2d, 1w, or a number of milliseconds.' });

const pollInterval = z
  .string()
  .superRefine((value, ctx) => {
    const ms = parseDelay(value);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: durationHint });
    // Zero would re-poll the provider's API as fast as it answers.
    else if (ms === 0) ctx.addIssue({ code: 'custom', message: 'a poll interval must be longer than 0' });
  })
  .meta({ description: 'How often to poll the events API: 30s, 1m, 1h… Default 1m.' });

/**
 * Retry policy fields (all optional: the engine's default fills the rest).
 *
 * @example
 * ```ts
 * retrySchema.parse({ attempts: 3 });
 * ```
 */
export const retrySchema = z
  .object({
    attempts: z.number().int().min(1).max(100).optional(),
    baseMs: z.number().int().min(0).optional(),
    maxMs: z.number().int().min(0).optional(),
  })
  .strict();

/**
 * What is wrong with a retry policy given in code (a config's is checked with the file), each problem at its
 * path below `base`: `attempts: NaN` would otherwise retry for ever.
 *
 * @example
 * ```ts
 * retryProblems({ attempts: Number.NaN }, ['retry']); // [{ path: ['retry', 'attempts'], message: '…' }]
 * ```
 */
export function retryProblems(
  retry: unknown,
  base: ReadonlyArray<string | number>,
): Array<{ path: Array<string | number>; message: string }> {
  const parsed = retrySchema.safeParse(retry);
  if (parsed.success) return [];
  return parsed.error.issues.map((e) => ({
    path: [...base, ...(e.path as Array<string | number>)],
    message: e.message,
  }));
}

/**
 * One action of a rule.
 *
 * @example
 * ```ts
 * actionSchema.parse({ type: 'log', delay: '2d', params: { message: 'hi' } });
 * ```
 */
export const actionSchema = z
  .object({
    type: z.string().min(1).meta({ description: 'http, log, emit, or an action the host registers.' }),
    params: z.unknown().optional(),
    delay: duration.optional(),
    at: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'A template of a date, e.g. "{{resource.context.end_date}}".' }),
    whileIn: z.string().min(1).optional(),
    retry: retrySchema.optional(),
  })
  .strict();

/**
 * One rule.
 *
 * @example
 * ```ts
 * ruleSchema.parse({ name: 'r', on: 'policy.*', actions: [] });
 * ```
 */
export const ruleSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    on: triggerSchema,
    conditions: topLevelConditionSchema.optional(),
    priority: z.number().int().min(1).optional(),
    actions: z.array(actionSchema),
  })
  .strict();

const providerSchema = z
  .object({
    webhook: z
      .object({
        secrets: z.array(z.string()).optional(),
        toleranceSeconds: z.number().int().min(0).optional(),
      })
      .loose()
      .optional(),
    api: z.object({ baseUrl: z.string().optional(), key: z.string().optional() }).loose().optional(),
    poll: z.object({ every: pollInterval.optional() }).loose().optional(),
  })
  .loose();

const storeSchema = z.union([
  z.object({ type: z.literal('memory') }).strict(),
  z.object({ type: z.literal('pglite'), path: z.string().optional() }).strict(),
  z.object({ type: z.literal('postgres'), url: z.string().min(1) }).loose(),
]);

/**
 * The config file (`policyflow.config.yaml` / `.json`).
 *
 * @example
 * ```ts
 * configSchema.safeParse(YAML.parse(text)).success;
 * ```
 */
export const configSchema = z
  .object({
    $schema: z.string().optional(),
    store: storeSchema.optional(),
    providers: z.record(z.string(), providerSchema).optional(),
    retry: retrySchema.optional(),
    conditions: z
      .record(z.string(), topLevelConditionSchema)
      .optional()
      .meta({ description: 'Named conditions that rules reference with { condition: name }.' }),
    rules: z.array(ruleSchema).default([]),
  })
  .strict();

/** A loaded, validated config. */
export interface PolicyflowConfig {
  readonly store?: z.output<typeof storeSchema>;
  readonly providers?: Readonly<Record<string, z.output<typeof providerSchema>>>;
  readonly retry?: z.output<typeof retrySchema>;
  readonly conditions?: Readonly<Record<string, BooleanCondition>>;
  readonly rules: ReadonlyArray<RuleSpec>;
}

/**
 * The JSON Schema of the config file, for editors (`# yaml-language-server: $schema=…`).
 *
 * @example
 * ```ts
 * writeFileSync('policyflow.schema.json', JSON.stringify(configJsonSchema(), null, 2));
 * ```
 */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
