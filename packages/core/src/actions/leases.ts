import type { EngineEventName, EngineEvents } from '../bus.js';
import type { Clock } from '../clock.js';
import { describeError } from '../internal/describe.js';
import type { ActionJob, Store } from '../store.js';

type Emit = <E extends EngineEventName>(event: E, ...args: EngineEvents[E]) => void;

/** The claims a runner holds, renewed while their attempts run. */
export interface Leases {
  /** The job starts its attempt: its lease is renewed from now on. */
  hold(job: ActionJob): void;
  /** The attempt ended (its outcome is about to be written): renewal stops. True when its loss was reported. */
  release(job: ActionJob): boolean;
  close(): void;
}

/** Reports a claim that no longer stands: another runner took the job back, and this attempt's outcome is dropped. */
export function reportLost(emit: Emit, job: ActionJob): void {
  emit('warning', {
    code: 'lease_lost',
    message: `action runner: job ${job.id} was taken back while its attempt ran; its outcome is dropped`,
  });
}

const NO_LEASES: Leases = { hold() {}, release: () => false, close() {} };

/**
 * A store that takes jobs back after a lease (`reclaimJobs`) would take back an attempt that is merely slow:
 * while attempts run, their leases are renewed every third of the lease. A renewal moves only the lease's
 * end, never the claim the attempt's outcome is fenced on, so it never has to be waited for.
 *
 * @example
 * ```ts
 * const leases = createLeases(store, clock, emit);
 * leases.hold(job); // … the attempt runs, its lease renewed …
 * const reported = leases.release(job); // before writing the outcome against `job`
 * ```
 */
export function createLeases(store: Store, clock: Clock, emit: Emit): Leases {
  const leaseMs = store.jobLeaseMs;
  if (store.renewJobs === undefined || leaseMs === undefined) return NO_LEASES;
  const renewJobs = store.renewJobs.bind(store);
  // Timers cannot wait longer than 2^31 - 1 ms (Node fires such a timer at once).
  const every = Math.min(2 ** 31 - 1, Math.max(1, Math.floor(leaseMs / 3)));
  // Each claim whose attempt runs, and whether it was found lost. Keyed by the claim object its attempt was
  // given: should a job be taken back and claimed here again while its first attempt still runs, each claim
  // is renewed (or found lost) for itself.
  const held = new Map<ActionJob, boolean>();
  let renewing = false;
  let cancel: (() => void) | undefined;
  let closed = false;

  async function renew(): Promise<void> {
    const batch = [...held.keys()].filter((job) => held.get(job) === false);
    if (batch.length === 0) return;
    try {
      const stands = await renewJobs(batch, clock.now());
      batch.forEach((job, i) => {
        // An attempt that ended meanwhile wrote its outcome, which a late renewal no longer finds running.
        if (stands[i] === true || held.get(job) !== false) return;
        held.set(job, true);
        reportLost(emit, job);
      });
    } catch (error) {
      // The leases stand as they were; the next beat, well within the lease, tries again.
      emit('warning', {
        code: 'lease_renewal_failed',
        message: `action runner: renewing job leases failed: ${describeError(error)}`,
      });
    }
  }

  function arm(): void {
    if (closed || cancel !== undefined || renewing || held.size === 0) return;
    cancel = clock.setTimeout(() => {
      cancel = undefined;
      renewing = true;
      void renew().finally(() => {
        renewing = false;
        arm();
      });
    }, every);
  }

  return {
    hold(job) {
      held.set(job, false);
      arm();
    },
    release(job) {
      const lost = held.get(job) === true;
      held.delete(job);
      if (held.size === 0) {
        cancel?.();
        cancel = undefined;
      }
      return lost;
    },
    close() {
      closed = true;
      cancel?.();
      cancel = undefined;
    },
  };
}
