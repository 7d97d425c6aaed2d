import type { ResourceSnapshot } from '../store.js';

/**
 * A copy of `s` whose every field is its own data property, so that spreading it, serializing it or cloning it
 * keeps everything. A store may hand the engine snapshots that compute fields on read; this is what leaves the
 * engine for listeners, reactors and callers.
 *
 * @example
 * ```ts
 * JSON.stringify(plainSnapshot(snapshot)); // includes lastEventId and lastEventType
 * ```
 */
export function plainSnapshot(s: ResourceSnapshot): ResourceSnapshot {
  return {
    key: s.key,
    provider: s.provider,
    lifecycle: s.lifecycle,
    id: s.id,
    state: s.state,
    ...(s.stateAt === undefined ? {} : { stateAt: s.stateAt }),
    context: s.context,
    lastEventId: s.lastEventId,
    lastEventType: s.lastEventType,
    occurredAt: s.occurredAt,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    version: s.version,
  };
}
