import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../fixtures.js';

type Body = Readonly<Record<string, unknown>>;

function fixture(file: string, type: string): Record<string, unknown> {
  const line = readFileSync(join(fixturesDir(), file), 'utf8')
    .split('\n')
    .find((l) => l.includes(`"type":"${type}"`));
  if (line === undefined) throw new Error(`no ${type} in ${file}`);
  return JSON.parse(line) as Record<string, unknown>;
}

// A fixture payload with a new event id, resource id and time, so the story reads like fresh traffic.
function kotaEvent(type: string, id: string, resourceId: string, at: number): Body {
  const base = fixture('kota-v1.ndjson', type);
  const data = { ...(base.data as Record<string, unknown>), id: resourceId };
  return { ...base, id, created_at: new Date(at).toISOString(), data };
}

function ten99Event(type: string, id: string, resourceId: string, at: number, patch: Body = {}): Body {
  const base = fixture('ten99policy.ndjson', type);
  const data = { ...(base.data as Record<string, unknown>), id: resourceId, ...patch };
  return { ...base, id, created: Math.floor(at / 1000), data };
}

/** The resources the demo story moves. */
export const demoIds = {
  quote: 'erhq_demo0000000000000000000000000001',
  employeePolicy: 'eehp_demo0000000000000000000000000001',
  policy: 'pl_DemoPolicy01',
  invoice: 'in_DemoInvoice01',
} as const;

/** The demo's events, and how the webhooks deliver them. */
export interface DemoStory {
  readonly kota: ReadonlyArray<Body>;
  readonly ten99policy: ReadonlyArray<Body>;
  /** Webhook deliveries in arrival order: a duplicate, a reordered pair, and one event never delivered. */
  readonly deliveries: { readonly kota: ReadonlyArray<Body>; readonly ten99policy: ReadonlyArray<Body> };
  readonly dropped: Body;
}

/**
 * The demo's story, timed to end an hour before `now` (inside the providers' event retention):
 * a Kota quote that needs action and is accepted, an employee policy that starts, and a 1099Policy policy
 * that is cancelled while its invoice's card charge fails.
 *
 * @example
 * ```ts
 * const story = demoStory(Date.now());
 * ```
 */
export function demoStory(now: number): DemoStory {
  const t0 = now - 2 * 60 * 60 * 1000;
  const min = 60 * 1000;
  const created = kotaEvent('employer.health_insurance.quote.created', 'evt_demo_k1', demoIds.quote, t0);
  const needsAction = kotaEvent(
    'employer.health_insurance.quote.action_required',
    'evt_demo_k2',
    demoIds.quote,
    t0 + 10 * min,
  );
  const pending = kotaEvent(
    'employer.health_insurance.quote.pending_insurer_acceptance',
    'evt_demo_k3',
    demoIds.quote,
    t0 + 20 * min,
  );
  const accepted = kotaEvent(
    'employer.health_insurance.quote.accepted',
    'evt_demo_k4',
    demoIds.quote,
    t0 + 30 * min,
  );
  const activated = kotaEvent(
    'employee.health_insurance.policy.activated',
    'evt_demo_k5',
    demoIds.employeePolicy,
    t0 + 40 * min,
  );
  const active = ten99Event('policy.active', 'ev_demo_t1', demoIds.policy, t0 + 5 * min);
  const cancelled = ten99Event('policy.cancelled', 'ev_demo_t2', demoIds.policy, t0 + 50 * min);
  const failed = ten99Event('invoice.charge_card_failed', 'ev_demo_t3', demoIds.invoice, t0 + 55 * min);
  return {
    kota: [created, needsAction, pending, accepted, activated],
    ten99policy: [active, cancelled, failed],
    deliveries: {
      // needsAction twice (a redelivery); accepted before pending (the pair arrives out of order);
      // activated never (the webhook is lost: polling has to find it).
      kota: [created, needsAction, needsAction, accepted, pending],
      ten99policy: [active, cancelled, failed],
    },
    dropped: activated,
  };
}
