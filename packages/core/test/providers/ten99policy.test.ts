import { readFileSync } from 'node:fs';
import { test as propTest } from '@fast-check/vitest';
import { createEngine, normalizeEvent, ten99policy, ten99policyLifecycles } from '@policyflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnyStateMachine, initialTransition, transition } from 'xstate';

const fixtures = new URL('../../../testing/fixtures/', import.meta.url);
const ndjson = (name: string): unknown[] =>
  readFileSync(new URL(name, fixtures), 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as unknown);

const lines: Array<{ file: string; body: unknown }> = [
  ...ndjson('ten99policy.ndjson').map((body) => ({ file: 'ten99policy.ndjson', body })),
  ...ndjson('ten99policy-variants.ndjson').map((body) => ({ file: 'ten99policy-variants.ndjson', body })),
  ...(JSON.parse(readFileSync(new URL('ten99policy-events-list.json', fixtures), 'utf8')) as unknown[]).map(
    (body) => ({ file: 'ten99policy-events-list.json', body }),
  ),
];

/** providers.md §2.3: the webhook enum plus `certificate.error`, with the lifecycle each type moves. */
const expectedTypes: Record<string, string> = {
  'application.created': 'application',
  'application.started': 'application',
  'application.complete': 'application',
  'application.expired': 'application',
  'application.ineligible': 'application',
  'application.manual_review': 'application',
  'application.manual_review_approved': 'application',
  'policy.active': 'policy',
  'policy.active.media': 'policy',
  'policy.cancelled': 'policy',
  'policy.reactivated': 'policy',
  'assignment.active': 'assignment',
  'assignment.cancelled': 'assignment',
  'certificate.approved': 'certificate',
  'certificate.flagged': 'certificate',
  'certificate.denied': 'certificate',
  'certificate.error': 'certificate',
  'invoice.charge_card_succeeded': 'invoice',
  'invoice.charge_card_failed': 'invoice',
  'category_code.added': 'category_code',
};

const idPrefix: Record<string, string> = {
  application: 'ias_',
  policy: 'pl_',
  assignment: 'an_',
  certificate: 'cert_',
  invoice: 'in_',
  category_code: 'jc_',
};

const catalog = ten99policy();

/** Every allowed (from, event, to) edge of a machine, over its reachable states. */
function edges(machine: AnyStateMachine): Array<{ from: string; event: string; to: string }> {
  const [start] = initialTransition(machine);
  const seen = new Map([[JSON.stringify(start.value), start]]);
  const queue = [start];
  const out: Array<{ from: string; event: string; to: string }> = [];
  while (queue.length > 0) {
    const snap = queue.shift()!;
    for (const event of machine.events as string[]) {
      if (snap.status !== 'active' || !snap.can({ type: event })) continue;
      const [after] = transition(machine, snap, { type: event });
      out.push({ from: JSON.stringify(snap.value), event, to: JSON.stringify(after.value) });
      if (!seen.has(JSON.stringify(after.value))) {
        seen.set(JSON.stringify(after.value), after);
        queue.push(after);
      }
    }
  }
  return out;
}

describe('ten99policy() catalog', () => {
  it('has exactly the 20 event types of providers.md §2.3, each on its lifecycle', () => {
    expect(catalog.provider).toBe('ten99policy');
    expect(catalog.events.size).toBe(20);
    expect([...catalog.events.keys()].sort()).toEqual(Object.keys(expectedTypes).sort());
    for (const [type, entry] of catalog.events) {
      expect(entry.lifecycle, type).toBe(expectedTypes[type]);
      expect(entry.event, type).toBe(type);
      expect(entry.idPaths, type).toEqual([['id']]);
      expect(entry.description, type).toBeTypeOf('string');
    }
  });

  it('has the six lifecycles, each defined by its machine', () => {
    expect([...catalog.lifecycles.keys()].sort()).toEqual(
      ['application', 'assignment', 'category_code', 'certificate', 'invoice', 'policy'].sort(),
    );
    for (const [name, spec] of catalog.lifecycles) {
      expect(spec.machine.id).toBe(name);
      expect(spec.machine).toBe(ten99policyLifecycles[name as keyof typeof ten99policyLifecycles]);
    }
  });

  it('returns the same frozen catalog on every call', () => {
    expect(ten99policy()).toBe(catalog);
    expect(Object.isFrozen(catalog)).toBe(true);
  });

  it.each([...catalog.lifecycles.keys()])(
    '%s: its machine handles exactly the event types routed to it, each allowed somewhere',
    (name) => {
      const machine = catalog.lifecycles.get(name)!.machine;
      const routed = [...catalog.events.values()].filter((e) => e.lifecycle === name).map((e) => e.event);
      expect([...new Set(machine.events as string[])].sort()).toEqual(routed.sort());
      const used = new Set(edges(machine).map((e) => e.event));
      for (const event of routed) expect(used.has(event), event).toBe(true);
    },
  );

  it.each([...catalog.lifecycles.keys()])('%s: each status-changing event leads to one state', (name) => {
    const targets = new Map<string, Set<string>>();
    for (const edge of edges(catalog.lifecycles.get(name)!.machine)) {
      if (edge.from === edge.to) continue;
      const set = targets.get(edge.event) ?? new Set<string>();
      set.add(edge.to);
      targets.set(edge.event, set);
    }
    for (const [event, set] of targets) expect([...set], event).toHaveLength(1);
  });
});

describe('ten99policy fixtures', () => {
  it('cover every catalog entry', () => {
    const seen = new Set(lines.map((l) => (l.body as { type: string }).type));
    for (const type of catalog.events.keys()) expect(seen.has(type), type).toBe(true);
  });

  it.each(lines.map((l, i) => [`${l.file} #${i}`, l.body] as const))(
    '%s normalizes to its lifecycle and resource id',
    (_name, body) => {
      const result = normalizeEvent(catalog, body);
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      const { event } = result;
      const lifecycle = expectedTypes[event.type]!;
      expect(event.provider).toBe('ten99policy');
      expect(event.resource?.lifecycle).toBe(lifecycle);
      expect(event.resource?.id.startsWith(idPrefix[lifecycle]!)).toBe(true);
      expect(event.resource?.key).toBe(`ten99policy/${lifecycle}/${event.resource?.id}`);
      expect(event.resource?.id).toBe(event.data.id);
    },
  );

  it('reads a certificate from data.object and a body without id by its hash', () => {
    const [noId, nested] = ndjson('ten99policy-variants.ndjson');
    const a = normalizeEvent(catalog, noId);
    const b = normalizeEvent(catalog, nested);
    expect(a.ok && a.event.id.startsWith('sha256:')).toBe(true);
    expect(a.ok && a.event.resource?.key).toBe('ten99policy/policy/pl_iJ5A9JKnG8');
    expect(b.ok && b.event.resource?.key).toBe('ten99policy/certificate/cert_aBcDeFgHiJ');
  });
});

describe('ten99policy data schemas', () => {
  const schema = (type: string) => catalog.events.get(type)!.data;

  it('accept Unix seconds or ISO strings for created, effective_date and expiration_date', () => {
    const base = { id: 'pl_1', status: 'active' };
    expect(
      schema('policy.active').safeParse({ ...base, created: 1, effective_date: 2, expiration_date: 3 })
        .success,
    ).toBe(true);
    const iso = {
      created: '2023-09-29T19:26:32.500931',
      effective_date: '2023-09-27T05:37:06',
      expiration_date: '2023-11-01T00:00:00',
    };
    expect(schema('policy.active').safeParse({ ...base, ...iso }).success).toBe(true);
    expect(schema('policy.active').safeParse({ ...base, created: true }).success).toBe(false);
  });

  it('keep fields the provider adds', () => {
    const parsed = schema('invoice.charge_card_failed').parse({
      id: 'in_1',
      premium_due: 100,
      new_field: 'x',
    });
    expect(parsed.new_field).toBe('x');
  });

  it('reject a missing id with the path of the field', () => {
    const result = normalizeEvent(catalog, {
      id: 'ev_1',
      type: 'certificate.denied',
      created: 1,
      data: { object: { status: 'denied' } },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_data');
      expect(result.error.path).toEqual(['data', 'object', 'id']);
    }
  });

  it('reject a field of the wrong type with its path', () => {
    const result = normalizeEvent(catalog, {
      id: 'ev_2',
      type: 'policy.cancelled',
      created: 1,
      data: { id: 'pl_1', is_active: 'no' },
    });
    expect(!result.ok && result.error.path).toEqual(['data', 'is_active']);
  });

  const timestamp = fc.oneof(
    fc.integer({ min: 0, max: 4_000_000_000 }),
    fc
      .date({ noInvalidDate: true, min: new Date(0), max: new Date('2100-01-01') })
      .map((d) => d.toISOString()),
  );
  const types = [...catalog.events.keys()];

  propTest.prop([fc.constantFrom(...types), fc.string({ minLength: 1 }), timestamp, timestamp, fc.boolean()])(
    'a synthesized payload of any type normalizes to its resource, nested or not',
    (type, id, created, date, nested) => {
      const resource = { id, created, effective_date: date, expiration_date: date, end_date: date };
      const body = {
        id: 'ev_x',
        type,
        created: 1_700_000_000,
        data: nested ? { object: resource } : resource,
      };
      const result = normalizeEvent(catalog, body);
      expect(result.ok && result.event.resource?.key).toBe(`ten99policy/${expectedTypes[type]}/${id}`);
    },
  );
});

describe('ten99policy through the engine', () => {
  it('replays the fixture stream; each resource ends in the state its newest event implies', async () => {
    const engine = createEngine({ providers: [ten99policy()] });
    for (const body of ndjson('ten99policy.ndjson'))
      await engine.ingest(body, { provider: 'ten99policy', source: 'replay' });
    const state = async (key: string) => (await engine.getResource(`ten99policy/${key}`))?.state;
    expect(await state('policy/pl_WzFRszJhoY')).toBe('active');
    expect(await state('application/ias_01FVCHXE7PNQHA1T3S2AXL2QZE')).toBe('manual_review_approved');
    expect(await state('assignment/an_rDpc5e7D2s')).toBe('cancelled');
    expect(await state('certificate/cert_aBcDeFgHiJ')).toBe('error');
    expect(await state('invoice/in_4RviYgc2Wt')).toBe('payment_failed');
    expect(await state('category_code/jc_7PqR2sT9uV')).toBe('added');
    await engine.close();
  });
});
