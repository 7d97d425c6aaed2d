import type { SqlClient } from './sql.js';

/** A held leader lock. */
export interface Leadership {
  /** Gives the lock up (also given up when the process or its connection dies). */
  release(): Promise<void>;
  /** Resolves if the lock's connection is lost: stop leading then, another process may have taken over. */
  readonly lost: Promise<void>;
}

/**
 * Tries to become the one leader for `name` (for example one poller per provider) with a session advisory
 * lock, held on a connection of its own until released. Resolves undefined when another process leads.
 * PostgreSQL drops the lock when the leader's connection goes, so a crashed leader never blocks the next.
 *
 * @example
 * ```ts
 * const lead = await tryLead(client, 'poller:kota');
 * if (lead) { await poller.pollOnce(); await lead.release(); }
 * ```
 */
export async function tryLead(client: SqlClient, name: string): Promise<Leadership | undefined> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let settle!: (v: boolean) => void;
  const acquired = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  const held = client
    .session(async (s) => {
      const { rows } = await s.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
        `policyflow:leader:${name}`,
      ]);
      const ok = rows[0]?.ok === true;
      settle(ok);
      if (!ok) return;
      await Promise.race([released, s.lost]);
      await s.query('SELECT pg_advisory_unlock(hashtext($1))', [`policyflow:leader:${name}`]);
    })
    .then(
      () => false,
      () => {
        settle(false);
        return true;
      },
    );
  if (!(await acquired)) {
    await held;
    return undefined;
  }
  return {
    lost: held.then((failed) => (failed ? undefined : new Promise<void>(() => {}))),
    async release() {
      release();
      await held;
    },
  };
}
