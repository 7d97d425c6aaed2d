/**
 * The parts of an XState v5 state node a diagram needs. Declared structurally so the CLI reads any machine
 * without depending on XState's internal types.
 */
export interface DiagramNode {
  readonly key: string;
  readonly type: string;
  readonly path: ReadonlyArray<string>;
  readonly states: Readonly<Record<string, DiagramNode>>;
  readonly initial?: { readonly target: ReadonlyArray<DiagramNode> } | undefined;
  readonly transitions: ReadonlyMap<
    string,
    ReadonlyArray<{ readonly target?: ReadonlyArray<DiagramNode> | undefined }>
  >;
}

/** Diagram formats `policyflow graph` writes. */
export type GraphFormat = 'mermaid' | 'dot';

function nodeId(node: DiagramNode): string {
  return node.path.length === 0 ? 'root' : node.path.join('_').replace(/[^A-Za-z0-9_]/g, '_');
}

interface Edge {
  readonly from: DiagramNode;
  readonly to: DiagramNode;
  readonly events: string[];
}

// Edges leaving the direct children of `parent`, grouped by (from, to) so parallel events share one arrow.
function childEdges(parent: DiagramNode): Edge[] {
  const edges = new Map<string, Edge>();
  for (const child of Object.values(parent.states)) {
    for (const [event, defs] of child.transitions) {
      for (const def of defs) {
        for (const to of def.target ?? [child]) {
          const id = `${nodeId(child)}>${nodeId(to)}`;
          const edge = edges.get(id) ?? { from: child, to, events: [] };
          if (!edge.events.includes(event)) edge.events.push(event);
          edges.set(id, edge);
        }
      }
    }
  }
  return [...edges.values()];
}

function rootEvents(root: DiagramNode): string[] {
  return [...root.transitions.keys()];
}

function mermaidBody(parent: DiagramNode, indent: string): string[] {
  const lines: string[] = [];
  const children = Object.values(parent.states);
  if (parent.type === 'parallel') {
    children.forEach((region, i) => {
      if (i > 0) lines.push(`${indent}--`);
      lines.push(`${indent}state "${region.key}" as ${nodeId(region)} {`);
      lines.push(...mermaidBody(region, `${indent}  `));
      lines.push(`${indent}}`);
    });
    return lines;
  }
  for (const child of children) {
    if (Object.keys(child.states).length > 0) {
      lines.push(`${indent}state "${child.key}" as ${nodeId(child)} {`);
      lines.push(...mermaidBody(child, `${indent}  `));
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${child.key}" as ${nodeId(child)}`);
    }
  }
  for (const initial of parent.initial?.target ?? []) lines.push(`${indent}[*] --> ${nodeId(initial)}`);
  for (const edge of childEdges(parent)) {
    lines.push(`${indent}${nodeId(edge.from)} --> ${nodeId(edge.to)}: ${edge.events.join(', ')}`);
  }
  for (const child of children) if (child.type === 'final') lines.push(`${indent}${nodeId(child)} --> [*]`);
  return lines;
}

function dotBody(parent: DiagramNode, indent: string): string[] {
  const lines: string[] = [];
  const children = Object.values(parent.states);
  for (const child of children) {
    if (Object.keys(child.states).length > 0) {
      lines.push(`${indent}subgraph cluster_${nodeId(child)} {`);
      lines.push(`${indent}  label="${child.key}${child.type === 'parallel' ? ' (parallel)' : ''}";`);
      lines.push(...dotBody(child, `${indent}  `));
      lines.push(`${indent}}`);
      continue;
    }
    const shape = child.type === 'final' ? 'doublecircle' : 'box';
    lines.push(`${indent}${nodeId(child)} [label="${child.key}", shape=${shape}];`);
  }
  for (const initial of parent.initial?.target ?? []) {
    const start = `${nodeId(parent)}__start`;
    lines.push(`${indent}${start} [shape=point, label=""];`);
    lines.push(`${indent}${start} -> ${nodeId(initial)};`);
  }
  for (const edge of childEdges(parent)) {
    lines.push(`${indent}${nodeId(edge.from)} -> ${nodeId(edge.to)} [label="${edge.events.join('\\n')}"];`);
  }
  return lines;
}

/**
 * Renders a machine as a Mermaid `stateDiagram-v2` or a Graphviz digraph: states, the initial state, every
 * event that moves between states (self-loops are events allowed without a change) and final states.
 * Parallel regions become Mermaid concurrent regions / Graphviz clusters.
 *
 * @example
 * ```ts
 * renderGraph(engine.table('ten99policy', 'policy')!.machine.root, 'mermaid', 'policy');
 * // stateDiagram-v2\n  [*] --> active\n  active --> cancelled: policy.cancelled …
 * ```
 */
export function renderGraph(root: DiagramNode, format: GraphFormat, title: string): string {
  const everywhere = rootEvents(root);
  if (format === 'dot') {
    const lines = [`digraph "${title}" {`, '  rankdir=LR;', `  label="${title}";`, ...dotBody(root, '  ')];
    if (everywhere.length > 0) lines.push(`  // allowed in every state, no change: ${everywhere.join(', ')}`);
    lines.push('}');
    return `${lines.join('\n')}\n`;
  }
  const lines = ['---', `title: ${title}`, '---', 'stateDiagram-v2', ...mermaidBody(root, '  ')];
  if (everywhere.length > 0) lines.push(`  %% allowed in every state, no change: ${everywhere.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
