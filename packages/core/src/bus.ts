import type { StateValue } from 'xstate';
import type { ErrorInfo } from './errors.js';
import type { EventSource, PolicyEvent } from './event.js';
import type { ActionJob, ResourceSnapshot } from './store.js';

/** Emitted when an event moves a resource (status `applied` or `forced`). */
export interface TransitionNotice {
  readonly key: string;
  readonly lifecycle: string;
  readonly from: StateValue | undefined;
  readonly to: StateValue;
  /** True when the machine did not allow the event and the state followed the provider anyway. */
  readonly forced: boolean;
  readonly event: PolicyEvent;
  readonly resource: ResourceSnapshot;
}

/** Emitted when an event is not allowed from the resource's state (`forced` or `rejected`). */
export interface ViolationNotice {
  readonly key: string;
  readonly lifecycle: string;
  readonly from: StateValue;
  /** The state the event implies (`forced`), or the unchanged state (`rejected`). */
  readonly to: StateValue;
  readonly policy: 'force' | 'strict';
  readonly event: PolicyEvent;
}

export interface InvalidNotice {
  readonly provider: string;
  readonly source: EventSource;
  readonly error: ErrorInfo;
  readonly recordId: string;
}

export interface ActionNotice {
  readonly job: ActionJob;
  readonly error?: ErrorInfo;
}

/**
 * A gap in polled history: the checkpoint, or the `since` a first pass was asked to start from, fell past
 * the provider's retention (`checkpoint` is then empty), or the walk back could not reach the checkpoint.
 */
export interface GapNotice {
  readonly provider: string;
  readonly checkpoint: string;
  readonly message: string;
}

/**
 * What a `warning` on the bus is about. Each is something a host may want to alert on; none stops the engine.
 *
 * - `runner_error`: a round of the action runner failed (the store, usually); its jobs wait for the next.
 * - `lease_renewal_failed`: a running job's lease could not be renewed; the next renewal tries again.
 * - `lease_lost`: a running job was taken back by another runner; this attempt's outcome is dropped.
 * - `rule_error`: a rule's conditions threw (a host fact or operator); it did not fire for that event.
 * - `webhook_internal_error`: the webhook handler failed unexpectedly and answered 500, so the provider retries.
 * - `poll_failed`, `poll_retry`: a poll pass failed, or will be retried after a backoff.
 * - `poll_cursor_ignored`: 1099Policy ignored the poller's cursor, so only its newest page can be polled.
 * - `poll_checkpoint_near_retention`: Kota's checkpoint is close to its retention horizon: poll more often.
 *
 * @example
 * ```ts
 * engine.on('warning', (w) => { if (w.code === 'lease_lost') alerts.page(w.message); });
 * ```
 */
export type WarningCode =
  | 'runner_error'
  | 'lease_renewal_failed'
  | 'lease_lost'
  | 'rule_error'
  | 'webhook_internal_error'
  | 'poll_failed'
  | 'poll_retry'
  | 'poll_cursor_ignored'
  | 'poll_checkpoint_near_retention';

/** A `warning` on the bus. */
export interface WarningNotice {
  readonly code: WarningCode;
  readonly message: string;
}

/**
 * Every event the engine's bus emits, with its listener's arguments.
 *
 * @example
 * ```ts
 * engine.on('violation', (v) => log.warn(`${v.key}: ${v.event.type} not allowed from ${String(v.from)}`));
 * ```
 */
export interface EngineEvents {
  transition: [TransitionNotice];
  violation: [ViolationNotice];
  duplicate: [{ readonly eventId: string; readonly provider: string; readonly source: EventSource }];
  stale: [{ readonly event: PolicyEvent; readonly resource: ResourceSnapshot }];
  unhandled: [{ readonly event: PolicyEvent }];
  invalid: [InvalidNotice];
  'action.fired': [ActionNotice];
  'action.succeeded': [ActionNotice];
  'action.failed': [ActionNotice];
  'action.dead': [ActionNotice];
  'action.cancelled': [ActionNotice];
  'action.emit': [{ readonly name: string; readonly payload: unknown; readonly job: ActionJob }];
  gap: [GapNotice];
  warning: [WarningNotice];
  /** A listener threw; the engine caught it so one bad listener cannot break ingest. */
  'listener.error': [{ readonly event: string; readonly error: unknown }];
}

/** Name of a bus event. */
export type EngineEventName = keyof EngineEvents;
