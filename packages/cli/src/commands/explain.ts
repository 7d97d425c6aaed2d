import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ConditionTrace, createEngine, type Explanation, type RuleExplanation } from '@policyflow/core';
import { booleanOption, onePositional, parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { loadForCommand, RULES_ONLY } from '../config.js';
import { UsageError } from '../exit.js';
import { formatState } from '../format.js';
import { builtinCatalogs, requireProvider } from '../providers.js';

const usage = `Usage: policyflow explain EVENT.json|- --provider P [--config FILE] [--json]

Shows what one event would do, without doing it: its status and transition, each candidate rule with every
condition's fact value and result, and the actions that would fire (with their idempotency keys).

  --provider P    kota or ten99policy
  --config FILE   the rules to explain against (default: ./policyflow.config.yaml if present)
  --json          the explanation as JSON
`;

const mark = (result: boolean | undefined) => (result === true ? '✓' : result === false ? '✗' : '·');

function describeCondition(t: ConditionTrace): string {
  const c = t.condition;
  for (const group of ['all', 'any', 'not']) if (group in c) return group;
  if ('condition' in c) return `condition ${String(c.condition)}`;
  const path = typeof c.path === 'string' ? ` ${c.path}` : '';
  const seen = 'factValue' in t ? ` (was ${JSON.stringify(t.factValue)})` : '';
  return `${String(c.fact)}${path} ${String(c.operator)} ${JSON.stringify(t.value ?? c.value)}${seen}`;
}

function traceLines(t: ConditionTrace, indent: string): string[] {
  const lines = [`${indent}${mark(t.result)} ${describeCondition(t)}`];
  for (const child of t.children ?? []) lines.push(...traceLines(child, `${indent}  `));
  return lines;
}

function triggerText(r: RuleExplanation): string {
  const t = r.trigger;
  if (t.kind === 'event') return `on ${t.types.join(', ')}`;
  if (t.kind === 'violation') return `on violation${t.lifecycle ? ` of ${t.lifecycle}` : ''}`;
  const from = t.from ? ` from ${t.from.join('|')}` : '';
  const to = t.to ? ` to ${t.to.join('|')}` : '';
  return `on ${t.lifecycle}${from}${to}`;
}

function render(x: Explanation, isNew: boolean): string {
  const lines: string[] = [];
  if (x.status === 'invalid') {
    lines.push(`invalid [${x.error?.code}]: ${x.error?.message}`);
    return `${lines.join('\n')}\n`;
  }
  const e = x.event;
  // A resource the store does not hold yet has no `from`, whatever the explanation carries.
  const from = isNew ? '(new)' : formatState(x.from);
  const move = e?.resource ? ` ${e.resource.key}: ${from} → ${formatState(x.to)}` : '';
  lines.push(`${e?.id} (${e?.type}) would be ${x.status}${move}`);
  if (x.candidates.length === 0) {
    lines.push('no rule is a candidate for this event');
    return `${lines.join('\n')}\n`;
  }
  lines.push('', 'candidate rules:');
  for (const r of x.candidates) {
    const engine = r.compiled ? '' : ` [json-rules-engine: ${r.fallback}]`;
    lines.push(`  ${mark(r.passed)} ${r.rule} (${triggerText(r)})${engine}`);
    if (r.conditions) lines.push(...traceLines(r.conditions, '      '));
    for (const a of r.actions)
      lines.push(`      → ${a.type} ${JSON.stringify(a.params)} key ${a.idempotencyKey}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `policyflow explain`: what an event would do and why, with no side effects.
 *
 * @example
 * ```ts
 * await explainCommand.run(['event.json', '--provider', 'kota', '--config', 'policyflow.config.yaml'], io);
 * ```
 */
export const explainCommand: Command = {
  name: 'explain',
  summary: 'show which rules an event would trigger and why (no side effects)',
  usage,
  async run(argv, io) {
    const args = parseCommandArgs('explain', argv, {
      provider: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (args.values.help) {
      io.stdout(usage);
      return 0;
    }
    const file = onePositional(
      args,
      'explain takes one EVENT.json (or - for stdin)',
      'e.g. `policyflow explain event.json --provider kota`',
    );
    const catalogs = builtinCatalogs();
    const provider = requireProvider(stringOption(args, 'provider'), catalogs);
    let text: string;
    try {
      text = file === '-' ? await io.readStdin() : await readFile(resolve(io.cwd, file), 'utf8');
    } catch (error) {
      throw new UsageError(
        `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        'pass a file holding one event as JSON',
      );
    }
    const { config } = loadForCommand(stringOption(args, 'config'), io, RULES_ONLY);
    const engine = createEngine({ providers: catalogs, ...(config ? { config } : {}) });
    try {
      const explanation = await engine.explain(text, { provider });
      if (booleanOption(args, 'json')) io.stdout(`${JSON.stringify(explanation, null, 2)}\n`);
      else {
        const key = explanation.event?.resource?.key;
        const isNew = key !== undefined && (await engine.getResource(key)) === undefined;
        io.stdout(render(explanation, isNew));
      }
      return explanation.status === 'invalid' ? 1 : 0;
    } finally {
      await engine.close();
    }
  },
};
