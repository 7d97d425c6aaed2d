import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  type ActionJob,
  type AuditEntry,
  createMemoryStore,
  type ResourceSnapshot,
} from '../../src/index.js';
import { actionJob } from '../helpers.js';

// Three resources and an event with none: a commit's lines are mostly its own resource's, but not only.
const KEYS = ['acme/claim/a', 'acme/claim/b', 'acme/claim/c'] as const;

type Step =
  | {
      readonly kind: 'commit';
      readonly key: number;
      readonly snapshot: boolean;
      readonly lines: number[];
      readonly jobs: number;
      readonly jobKey: number;
    }
  | { readonly kind: 'finish'; readonly outcome: 'succeeded' | 'pending' | 'dead'; readonly moved: boolean }
  | { readonly kind: 'putBack' };

// A key index past the list is "no resource" (an unhandled event's lines).
const keyOf = (i: number): string | undefined => KEYS[i];

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('commit' as const),
    key: fc.nat(KEYS.length),
    snapshot: fc.boolean(),
    lines: fc.array(fc.nat(KEYS.length), { maxLength: 3 }),
    jobs: fc.nat(2),
    // Mostly the commit's own resource; a reactor may fire a job for another.
    jobKey: fc.oneof(
      { weight: 3, arbitrary: fc.constant(-1) },
      { weight: 1, arbitrary: fc.nat(KEYS.length) },
    ),
  }),
  fc.record({
    kind: fc.constant('finish' as const),
    outcome: fc.constantFrom('succeeded' as const, 'pending' as const, 'dead' as const),
    moved: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('putBack' as const) }),
);

function snapshotOf(key: string, n: number): ResourceSnapshot {
  return {
    key,
    provider: 'acme',
    lifecycle: 'claim',
    id: key.slice('acme/claim/'.length),
    state: 'open',
    context: { n },
    lastEventId: `e${n}`,
    lastEventType: 'claim.opened',
    occurredAt: n,
    createdAt: n,
    updatedAt: n,
    version: n,
  };
}

function line(n: number, key: string | undefined, kind: AuditEntry['kind'], jobId?: string): AuditEntry {
  const base = { at: n, resourceKey: key, eventId: `e${n}`, kind, rule: 'r' };
  return jobId === undefined ? base : { ...base, jobId };
}

describe('the memory store’s audit trails', () => {
  // The store keeps each trail as found once by its row or its job; the model is one bounded list per key,
  // every line appended to the list of its own resourceKey in the order written.
  test.prop([fc.array(step, { maxLength: 40 }), fc.integer({ min: 1, max: 4 })])(
    'list every line under its own key, in the order written, the newest `auditLimit`',
    async (steps, auditLimit) => {
      const store = createMemoryStore({ auditLimit });
      const model = new Map<string, AuditEntry[]>();
      const write = (entries: ReadonlyArray<AuditEntry>): void => {
        for (const a of entries) {
          const list = model.get(a.resourceKey ?? '') ?? [];
          list.push(a);
          model.set(a.resourceKey ?? '', list.slice(-auditLimit));
        }
      };
      const versions = new Map<string, number>();
      const dead: ActionJob[] = [];
      let n = 0;
      for (const s of steps) {
        n += 1;
        if (s.kind === 'commit') {
          const key = keyOf(s.key);
          const version = key === undefined ? 0 : (versions.get(key) ?? 0);
          const withSnapshot = s.snapshot && key !== undefined;
          if (withSnapshot) versions.set(key, version + 1);
          const jobs = Array.from({ length: s.jobs }, (_, i) =>
            actionJob({
              id: `e${n}:r:${i}`,
              eventId: `e${n}`,
              resourceKey: s.jobKey < 0 ? key : keyOf(s.jobKey),
              runAt: n,
              createdAt: n,
              updatedAt: n,
            }),
          );
          const audit = [
            ...(jobs.length > 0 ? [line(n, key, 'rule.fired')] : []),
            ...s.lines.map((k) => line(n, keyOf(k), 'rule.fired')),
          ];
          const write0 = {
            ledger: {
              eventId: `e${n}`,
              provider: 'acme',
              type: 'claim.opened',
              key,
              status: withSnapshot ? ('applied' as const) : ('unhandled' as const),
              occurredAt: n,
              receivedAt: n,
              source: 'api' as const,
            },
            jobs,
            audit,
            ...(withSnapshot ? { snapshot: snapshotOf(key, version + 1), expectedVersion: version } : {}),
          };
          expect(await store.commit(write0)).toBe('committed');
          write(audit);
        } else if (s.kind === 'finish') {
          const [claimed] = await store.claimJobs(Number.MAX_SAFE_INTEGER, 1);
          if (claimed === undefined) continue;
          // A host may write a job under another key than the one it was fired for, and with it lines of
          // both: a store takes whatever it is given, and each line belongs to its own key.
          const other = KEYS[(KEYS.indexOf(claimed.resourceKey as (typeof KEYS)[number]) + 1) % 3];
          const next: ActionJob = {
            ...claimed,
            resourceKey: s.moved ? other : claimed.resourceKey,
            status: s.outcome,
            attempts: claimed.attempts + 1,
            updatedAt: n,
          };
          const kind = s.outcome === 'succeeded' ? 'action.succeeded' : 'action.failed';
          const lines = [
            line(n, next.resourceKey, kind, claimed.id),
            ...(s.moved ? [line(n, claimed.resourceKey, 'action.failed', claimed.id)] : []),
          ];
          expect(await store.updateJob(next, lines, claimed)).toBe(true);
          write(lines);
          if (s.outcome === 'dead') dead.push(next);
        } else {
          const job = dead.shift();
          if (job === undefined) continue;
          // As `retryDead` does: no claim, a fresh set of attempts.
          await store.updateJob({ ...job, status: 'pending', attempts: 0, runAt: n, updatedAt: n });
          const [claimed] = await store.claimJobs(Number.MAX_SAFE_INTEGER, 1);
          const lines = [line(n, claimed!.resourceKey, 'action.succeeded', claimed!.id)];
          await store.updateJob({ ...claimed!, status: 'succeeded', updatedAt: n }, lines, claimed);
          write(lines);
        }
      }
      for (const key of ['', ...KEYS]) {
        expect(await store.listAudit(key)).toEqual(model.get(key) ?? []);
        // It keeps no more than its limit, whatever a reader asks for.
        expect(await store.listAudit(key, auditLimit + 5)).toEqual(model.get(key) ?? []);
      }
    },
  );
});
