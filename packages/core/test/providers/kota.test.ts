import { readFileSync } from 'node:fs';
import { createEngine, kota, kotaLifecycles, normalizeEvent } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../lifecycles/kota/helpers.js';

const fixtures = new URL('../../../testing/fixtures/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixtures), 'utf8');
const ndjson = (name: string): Record<string, unknown>[] =>
  read(name)
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const v1 = ndjson('kota-v1.ndjson');
const v2 = ndjson('kota-v2.ndjson');
const variants = ndjson('kota-envelope-variants.ndjson');
const page = (JSON.parse(read('kota-events-page.json')) as { items: Record<string, unknown>[] }).items;
const allLines = [...v1, ...v2, ...variants, ...page];

/** providers.md §1.4, written out: the 81 Kota event types. */
const kotaTypes = [
  'employee.created',
  'employee.updated',
  'employee.offboarded',
  'employer.created',
  'employer.updated',
  'employer.offboarded',
  'employer.health_insurance.quote.created',
  'employer.health_insurance.quote.action_required',
  'employer.health_insurance.quote.not_undertaken',
  'employer.health_insurance.quote.accepted',
  'employer.health_insurance.quote.pending_quote',
  'employer.health_insurance.quote.pending_insurer_acceptance',
  'employee.health_insurance.offer.action_required',
  'employee.health_insurance.policy.activated',
  'employee.health_insurance.policy.cancelled',
  'employee.health_insurance.policy.expired',
  'employee.health_insurance.policy.imported',
  'contribution_report.finalized',
  'group.created',
  'group.ready',
  'group.archived',
  'group.updated',
  'group.employee.added',
  'group.employee.eligible',
  'group.employee.removed',
  'group.employee.moved',
  'group.employee.move.scheduled',
  'policy.scheduled',
  'policy.active',
  'policy.imported',
  'policy.expired',
  'policy.cancelled',
  'policy.updated',
  'policy.renewal.opened',
  'policy.renewal.renewed',
  'policy.renewal.canceled',
  'group_policy.scheduled',
  'group_policy.active',
  'group_policy.expired',
  'group_policy.cancelled',
  'group_policy.updated',
  'group_policy.renewal.opened',
  'group_policy.renewal.renewed',
  'group_policy.renewal.canceled',
  'enrolment_intent.processing',
  'enrolment_intent.scheduled',
  'enrolment_intent.action_required',
  'enrolment_intent.addon_selection_required',
  'enrolment_intent.pending_confirmation',
  'enrolment_intent.enrolling',
  'enrolment_intent.enrolled',
  'enrolment_intent.not_undertaken',
  'enrolment_intent.ineligible',
  'policy_amendment_intent.action_required',
  'policy_amendment_intent.awaiting_quote',
  'policy_amendment_intent.pending_confirmation',
  'policy_amendment_intent.processing',
  'policy_amendment_intent.amended',
  'policy_amendment_intent.processing_error',
  'policy_amendment_intent.not_undertaken',
  'dependents_management_intent.action_required',
  'dependents_management_intent.completed',
  'dependents_management_intent.not_undertaken',
  'policy_import_intent.processing',
  'policy_import_intent.success',
  'policy_import_intent.failed',
  'group_quote_intent.processing',
  'group_quote_intent.action_required',
  'group_quote_intent.awaiting_quote',
  'group_quote_intent.quote_available',
  'group_quote_intent.rejected',
  'group_quote_intent.rejected_by_insurer',
  'group_quote_intent.quote_expired',
  'group_policy_intent.processing',
  'group_policy_intent.action_required',
  'group_policy_intent.pending_provider_approval',
  'group_policy_intent.policy_created',
  'group_policy_intent.expired',
  'group_policy_intent.provider_rejected',
  'group_policy_intent.manual_renewal_gathering_required',
  'associated_person.updated',
];

const intents = [
  'enrolment_intent',
  'policy_amendment_intent',
  'dependents_management_intent',
  'policy_import_intent',
  'group_quote_intent',
  'group_policy_intent',
];

/** The route providers.md gives each type, written independently of the catalog: [lifecycle, id path]. */
function route(type: string): [string, string] {
  const family = type.slice(0, type.indexOf('.'));
  if (type.startsWith('employer.health_insurance.quote.')) return ['employer_quote', 'id'];
  if (type.startsWith('employee.health_insurance.offer.')) return ['employee_offer', 'id'];
  if (type.startsWith('employee.health_insurance.policy.')) return ['employee_policy', 'id'];
  if (type === 'group.employee.moved') return ['group', 'new_group_id'];
  if (type === 'group.employee.move.scheduled') return ['group', 'current_group_id'];
  if (type.startsWith('group.employee.')) return ['group', 'group_id'];
  if (family === 'policy') return ['policy', 'policy_id'];
  if (family === 'group_policy') return ['group_policy', 'group_policy_id'];
  if (intents.includes(family)) return [family, `${family}_id`];
  return [family, 'id'];
}

describe('kota() catalog', () => {
  it('is built once: every call returns the same frozen catalog', () => {
    expect(kota()).toBe(kota());
    expect(Object.isFrozen(kota())).toBe(true);
    expect(kota().provider).toBe('kota');
  });

  it('holds exactly the 81 event types of providers.md §1.4', () => {
    expect(new Set(kotaTypes).size).toBe(81);
    expect(kota().events.size).toBe(81);
    expect([...kota().events.keys()].sort()).toEqual([...kotaTypes].sort());
  });

  it('defines the 16 Kota lifecycles, each machine named after its lifecycle', () => {
    expect([...kota().lifecycles.keys()].sort()).toEqual(
      [
        'employer_quote',
        'employee_offer',
        'employee_policy',
        'policy',
        'group_policy',
        'group',
        'employer',
        'employee',
        'contribution_report',
        ...intents,
        'associated_person',
      ].sort(),
    );
    for (const [name, spec] of kota().lifecycles) {
      expect(spec.machine.id).toBe(name);
      expect(spec.machine).toBe(kotaLifecycles[name as keyof typeof kotaLifecycles]);
    }
  });

  it.each(kotaTypes)('routes %s to its lifecycle, id path and machine event', (type) => {
    const entry = kota().events.get(type)!;
    const [lifecycle, idPath] = route(type);
    expect(entry.lifecycle).toBe(lifecycle);
    expect(entry.idPaths).toEqual([idPath.split('.')]);
    expect(entry.event).toBe(type);
    expect(entry.description).toBeTruthy();
    expect(eventsOf(kota().lifecycles.get(lifecycle)!.machine)).toContain(type);
  });

  it('leaves no machine event without a catalog entry', () => {
    for (const [name, spec] of kota().lifecycles) {
      for (const type of eventsOf(spec.machine)) expect(kota().events.get(type)?.lifecycle, type).toBe(name);
    }
  });
});

describe('Kota fixtures', () => {
  it('cover every catalog entry', () => {
    const seen = new Set(allLines.map((line) => line.type));
    for (const type of kotaTypes) expect(seen.has(type), type).toBe(true);
  });

  it.each(allLines.map((line) => [line.type, line] as const))(
    '%s normalizes to its lifecycle and resource id',
    (type, line) => {
      const result = normalizeEvent(kota(), line);
      expect(result.ok, JSON.stringify(!result.ok && result.error)).toBe(true);
      if (!result.ok) return;
      const [lifecycle, idPath] = route(String(type));
      const id = (line.data as Record<string, unknown>)[idPath];
      expect(typeof id).toBe('string');
      expect(result.event.resource).toEqual({ lifecycle, id, key: `kota/${lifecycle}/${String(id)}` });
    },
  );

  it('reads the family of each stream', () => {
    for (const line of v1)
      expect(normalizeEvent(kota(), line)).toMatchObject({ ok: true, event: { apiVersion: 'v1' } });
    for (const line of [...v2, ...page]) {
      expect(normalizeEvent(kota(), line)).toMatchObject({ ok: true, event: { apiVersion: 'v2' } });
    }
  });

  it('keeps the v1 full resource, unknown fields included', () => {
    const line = v1.find((l) => l.type === 'employer.health_insurance.quote.action_required')!;
    const body = { ...line, data: { ...(line.data as object), brand_new_field: 1 } };
    const result = normalizeEvent(kota(), body);
    expect(result.ok && result.event.data).toMatchObject({
      status: 'action_required',
      required_action: { code: 'missing_company_information' },
      brand_new_field: 1,
    });
  });
});

function envelope(type: string, data: Record<string, unknown>) {
  return {
    id: 'evt_test',
    type,
    platform_id: 'pt_1',
    data,
    created_at: '2025-01-01T00:00:00Z',
    version: 'V2',
  };
}

describe('Kota data schemas', () => {
  it('reject a v2 reference without its resource id, naming the path', () => {
    const result = normalizeEvent(
      kota(),
      envelope('policy.active', { employee_id: 'ee_1', group_policy_id: 'gp_1', group_id: 'gr_1' }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_data', path: ['data', 'policy_id'] } });
  });

  it('reject a v1 resource whose fields have the wrong type', () => {
    const line = v1.find((l) => l.type === 'employee.health_insurance.policy.activated')!;
    const body = { ...line, data: { ...(line.data as object), enrolled_dependants_count: 'one' } };
    expect(normalizeEvent(kota(), body)).toMatchObject({
      ok: false,
      error: { code: 'invalid_data', path: ['data', 'enrolled_dependants_count'] },
    });
  });

  it('accept a status value Kota may add later', () => {
    const line = v1.find((l) => l.type === 'employer.health_insurance.quote.accepted')!;
    const body = { ...line, data: { ...(line.data as object), status: 'some_new_status' } };
    expect(normalizeEvent(kota(), body).ok).toBe(true);
  });

  it('accept the documented nullable ids: multi-level group policy intents and pending imports', () => {
    const gpi = envelope('group_policy_intent.processing', {
      group_policy_intent_id: 'gpi_1',
      group_id: null,
      plan_id: null,
      levels: [{ plan_id: 'pl_1' }],
      type: 'multi_level',
    });
    expect(normalizeEvent(kota(), gpi)).toMatchObject({ ok: true, event: { resource: { id: 'gpi_1' } } });
    const pii = envelope('policy_import_intent.processing', {
      policy_import_intent_id: 'pii_1',
      employee_id: 'ee_1',
      group_id: 'gr_1',
    });
    expect(normalizeEvent(kota(), pii).ok).toBe(true);
  });

  it('key group membership events to the group they concern', () => {
    const moved = normalizeEvent(
      kota(),
      envelope('group.employee.moved', {
        previous_group_id: 'gr_old',
        new_group_id: 'gr_new',
        employee_id: 'ee_1',
      }),
    );
    expect(moved.ok && moved.event.resource?.key).toBe('kota/group/gr_new');
    const scheduled = normalizeEvent(
      kota(),
      envelope('group.employee.move.scheduled', {
        employee_id: 'ee_1',
        current_group_id: 'gr_old',
        new_group_id: 'gr_new',
        scheduled_date: '2025-04-01',
      }),
    );
    expect(scheduled.ok && scheduled.event.resource?.key).toBe('kota/group/gr_old');
  });
});

describe('Kota through the engine', () => {
  it('ingests every v2 fixture line; each resource ends where its newest status event puts it', async () => {
    const engine = createEngine({ providers: [kota()] });
    for (const body of v2) {
      const result = await engine.ingest(body, { provider: 'kota', source: 'replay' });
      expect(['applied', 'forced'], `${String(body.type)}: ${result.status}`).toContain(result.status);
    }
    const state = async (key: string) => (await engine.getResource(`kota/${key}`))?.state;
    expect(await state('employee/ee_2c3d4e5f60718293a4b5c6d7e8f9012')).toBe('offboarding');
    expect(await state('employer_quote/erhq_3b1333d87d9d4fd6ad83ba7f6b0e951a')).toBe(
      'pending_insurer_acceptance',
    );
    expect(await state('group/gr_3d4e5f60718293a4b5c6d7e8f901234')).toBe('archived');
    expect(await state('group/gr_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b')).toBe('pending');
    expect(await state('policy/p_60718293a4b5c6d7e8f9012345678a')).toEqual({
      status: 'cancelled',
      renewal: 'canceled',
    });
    expect(await state('group_policy/gp_5f60718293a4b5c6d7e8f901234567')).toEqual({
      status: 'cancelled',
      renewal: 'canceled',
    });
    expect(await state('policy_amendment_intent/pai_3b1333d87d9d4fd6ad83ba7f6b0e951a')).toBe(
      'not_undertaken',
    );
    expect(await state('group_policy_intent/gpi_3b1333d87d9d4fd6ad83ba7f6b0e951a')).toBe(
      'manual_renewal_gathering_required',
    );
    expect(await state('associated_person/ap_3b1333d87d9d4fd6ad83ba7f6b0e951a')).toBe('active');
    await engine.close();
  });

  it('keys each resource as normalizeEvent does, `kota/<lifecycle>/<id>`, for every fixture line', async () => {
    const engine = createEngine({ providers: [kota()] });
    for (const body of allLines) {
      const normalized = normalizeEvent(kota(), structuredClone(body));
      const result = await engine.ingest(JSON.stringify(body), { provider: 'kota', source: 'replay' });
      if (!normalized.ok) continue;
      const ref = normalized.event.resource;
      expect(result.key).toBe(ref?.key);
      if (ref) expect(ref.key).toBe(`kota/${ref.lifecycle}/${ref.id}`);
    }
    await engine.close();
  });

  it('applies a realistic v2 history without a single violation', async () => {
    const engine = createEngine({ providers: [kota()] });
    const data = { enrolment_intent_id: 'ei_1', employee_id: 'ee_1', group_id: 'gr_1' };
    const steps = [
      'processing',
      'action_required',
      'processing',
      'pending_confirmation',
      'enrolling',
      'enrolled',
    ];
    for (const [i, status] of steps.entries()) {
      const body = {
        ...envelope(`enrolment_intent.${status}`, data),
        id: `evt_${i}`,
        created_at: 1_735_689_600 + i,
      };
      expect((await engine.ingest(body, { provider: 'kota', source: 'webhook' })).status).toBe('applied');
    }
    expect((await engine.getResource('kota/enrolment_intent/ei_1'))?.state).toBe('enrolled');
    await engine.close();
  });
});
