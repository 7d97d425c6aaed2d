import { createEngine } from '@policyflow/core';
import { parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../exit.js';
import { type DiagramNode, type GraphFormat, renderGraph } from '../graph.js';
import { builtinCatalogs } from '../providers.js';

const usage = `Usage: policyflow graph LIFECYCLE [--provider P] [--format mermaid|dot]

Draws a lifecycle's state machine: every state, the events that move between them, final states.
LIFECYCLE is a lifecycle name (employer_quote, application, …) or provider/lifecycle when both providers
have one of that name (kota/policy, ten99policy/policy).

  --provider P       kota or ten99policy (or write LIFECYCLE as provider/lifecycle)
  --format F         mermaid (default; paste into GitHub markdown) or dot (Graphviz: | dot -Tsvg)

Example: policyflow graph ten99policy/policy --format dot | dot -Tsvg > policy.svg
`;

function resolveLifecycle(
  arg: string,
  provider: string | undefined,
): { provider: string; lifecycle: string } {
  const catalogs = builtinCatalogs();
  const [a, b] = arg.includes('/') ? arg.split('/', 2) : [provider, arg];
  const matches = catalogs
    .filter((c) => a === undefined || c.provider === a)
    .filter((c) => b !== undefined && c.lifecycles.has(b))
    .map((c) => ({ provider: c.provider, lifecycle: b! }));
  if (matches.length === 1) return matches[0]!;
  const all = catalogs.flatMap((c) => [...c.lifecycles.keys()].map((l) => `${c.provider}/${l}`));
  if (matches.length > 1) {
    throw new UsageError(
      `lifecycle '${arg}' exists in ${matches.map((m) => m.provider).join(' and ')}`,
      `name one: ${matches.map((m) => `${m.provider}/${m.lifecycle}`).join(' or ')}`,
    );
  }
  throw new UsageError(`no lifecycle '${arg}'`, `use one of: ${all.join(', ')}`);
}

/**
 * `policyflow graph`: a lifecycle machine as a Mermaid or Graphviz diagram.
 *
 * @example
 * ```ts
 * await graphCommand.run(['application'], io);
 * ```
 */
export const graphCommand: Command = {
  name: 'graph',
  summary: 'draw a lifecycle state machine (Mermaid or Graphviz dot)',
  usage,
  async run(argv, io) {
    const args = parseCommandArgs('graph', argv, {
      provider: { type: 'string' },
      format: { type: 'string' },
    });
    if (args.values.help) {
      io.stdout(usage);
      return 0;
    }
    const [arg, ...extra] = args.positionals;
    if (arg === undefined || extra.length > 0) {
      throw new UsageError('graph takes one LIFECYCLE', 'e.g. `policyflow graph employer_quote`');
    }
    const format = stringOption(args, 'format') ?? 'mermaid';
    if (format !== 'mermaid' && format !== 'dot') {
      throw new UsageError(`unknown format '${format}'`, 'use --format mermaid or --format dot');
    }
    const { provider, lifecycle } = resolveLifecycle(arg, stringOption(args, 'provider'));
    const engine = createEngine({ providers: builtinCatalogs() });
    const table = engine.table(provider, lifecycle);
    await engine.close();
    if (table === undefined) throw new UsageError(`no lifecycle '${arg}'`, 'run `policyflow graph --help`');
    const root = table.machine.root as unknown as DiagramNode;
    io.stdout(renderGraph(root, format as GraphFormat, `${provider}/${lifecycle}`));
    return 0;
  },
};
