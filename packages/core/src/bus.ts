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

/** A gap in polled history (the checkpoint fell past the provider's retention). */
export interface GapNotice {
  readonly provider: string;
  readonly checkpoint: string;
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
  warning: [{ readonly code: string; readonly message: string }];
  /** A listener threw; the engine caught it so one bad listener cannot break ingest. */
  'listener.error': [{ readonly event: string; readonly error: unknown }];
}

/** Name of a bus event. */
export type EngineEventName = keyof EngineEvents;
