import type { ServerResponse } from 'node:http';

/** An answer the fake's router produces. */
export interface FakeAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Kota's error shape: RFC 9457 problem+json, plus `error_code` as the mirror's notes list it.
 *
 * @example
 * ```ts
 * kotaProblem(404, 'not_found', 'Not Found', 'no event evt_x');
 * ```
 */
export function kotaProblem(
  status: number,
  code: string,
  title: string,
  detail: string,
  errors?: Record<string, string[]>,
): FakeAnswer {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type: `https://docs.kota.io/errors/${code}`,
      title,
      status,
      detail,
      instance: undefined,
      error_code: code,
      ...(errors ? { errors } : {}),
    }),
  };
}

/**
 * 1099Policy's error shape: `{ message, error_code }`.
 *
 * @example
 * ```ts
 * ten99Error(404, 'invalid_event_id', 'No such event');
 * ```
 */
export function ten99Error(status: number, code: string, message: string): FakeAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, error_code: code }),
  };
}

/**
 * A 200 JSON answer from an already serialized body.
 *
 * @example
 * ```ts
 * jsonAnswer('[]');
 * ```
 */
export function jsonAnswer(body: string, status = 200): FakeAnswer {
  return { status, headers: { 'content-type': 'application/json' }, body };
}

/**
 * Writes an answer.
 *
 * @example
 * ```ts
 * writeFake(res, jsonAnswer('{}'));
 * ```
 */
export function writeFake(res: ServerResponse, answer: FakeAnswer): void {
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    ...answer.headers,
    'content-length': Buffer.byteLength(answer.body),
  });
  res.end(answer.body);
}
