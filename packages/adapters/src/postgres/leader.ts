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

/** Options of {@link whileLeader}. */
export interface WhileLeaderOptions {
  /** Ends the loop (and leadership) when aborted. */
  readonly signal: AbortSignal;
  /** How often a follower tries to take over. Default 5000 ms. */
  readonly retryMs?: number;
}

function waitOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * Runs `task` only while this process holds the leader lock `name`, in any number of processes: one poller
 * per provider, with the others standing by. `task` gets a signal that aborts when leadership ends (the
 * outer signal aborted, or the lock's connection dropped); a follower retries every `retryMs`.
 * Resolves once `signal` aborts.
 *
 * @example
 * ```ts
 * await whileLeader(client, 'poller:kota', (signal) => poller.start({ every: '1m', signal }), { signal: stop.signal });
 * ```
 */
export async function whileLeader(
  client: SqlClient,
  name: string,
  task: (signal: AbortSignal) => Promise<void>,
  options: WhileLeaderOptions,
): Promise<void> {
  const { signal } = options;
  while (!signal.aborted) {
    const lead = await tryLead(client, name).catch(() => undefined);
    if (lead === undefined) {
      await waitOrAbort(options.retryMs ?? 5000, signal);
      continue;
    }
    const term = new AbortController();
    const end = () => term.abort();
    signal.addEventListener('abort', end, { once: true });
    void lead.lost.then(end);
    try {
      await task(term.signal);
    } catch {
      // A failing task gives leadership up; another process (or this one, after retryMs) takes over.
    } finally {
      signal.removeEventListener('abort', end);
      term.abort();
      await lead.release();
    }
    if (!signal.aborted) await waitOrAbort(options.retryMs ?? 5000, signal);
  }
}
