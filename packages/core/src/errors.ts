/**
 * Every error Policyflow raises or returns carries a `code` from this one table. The table says what the
 * code means and which HTTP status a webhook answers with when that code ends a delivery.
 *
 * @example
 * ```ts
 * if (isPolicyflowError(err, 'signature_invalid')) console.log(err.code, err.path);
 * ```
 */
export const errorCodes = {
  invalid_json: { status: 400, summary: 'The body is not valid JSON.' },
  invalid_envelope: { status: 422, summary: 'The event envelope is missing a field or has a wrong type.' },
  invalid_data: { status: 422, summary: "The event's data does not match its type's schema." },
  unknown_provider: { status: 404, summary: 'No provider of that name is registered.' },
  payload_too_large: { status: 413, summary: 'The body is larger than the configured limit.' },
  unsupported_media_type: { status: 415, summary: 'The body is not application/json.' },
  body_already_parsed: {
    status: 500,
    summary: 'A framework parsed the body before the signature was checked.',
  },
  signature_missing: { status: 401, summary: 'The signature header is missing.' },
  signature_invalid: { status: 401, summary: 'The signature does not match any secret.' },
  timestamp_out_of_tolerance: { status: 401, summary: 'The signed timestamp is outside the tolerance.' },
  config_invalid: { status: 500, summary: 'The config file does not match its schema.' },
  config_env_missing: { status: 500, summary: 'The config names an environment variable that is not set.' },
  unknown_action: { status: 500, summary: 'A rule names an action type that is not registered.' },
  unknown_operator: { status: 500, summary: 'A condition names an operator that is not registered.' },
  template_invalid: { status: 500, summary: 'A template is not a plain path look-up.' },
  action_params_invalid: { status: 500, summary: "An action's params do not match its schema." },
  action_failed: { status: 500, summary: 'An action failed.' },
  action_timeout: { status: 504, summary: 'An action attempt did not finish within its timeout.' },
  action_interrupted: {
    status: 500,
    summary: 'An action attempt never finished: its runner stopped, and the job lease ran out.',
  },
  catalog_conflict: { status: 500, summary: 'Two catalog entries claim the same event type or lifecycle.' },
  lifecycle_unknown: {
    status: 500,
    summary: 'A catalog entry names a lifecycle the catalog does not define.',
  },
  provider_api_error: { status: 502, summary: "The provider's API answered with an error." },
  provider_auth_failed: { status: 502, summary: "The provider's API refused the credentials (401/403)." },
  rate_limited: { status: 429, summary: "The provider's API asked us to slow down." },
  engine_closed: { status: 503, summary: 'The engine is closing or closed.' },
  engine_overloaded: { status: 503, summary: 'The engine has too much work in flight.' },
  store_failure: { status: 503, summary: 'The store failed to persist.' },
  migration_failed: { status: 500, summary: 'A store migration failed.' },
  not_found: { status: 404, summary: 'No such resource.' },
  invalid_argument: { status: 400, summary: 'A function was called with an argument it does not accept.' },
} as const satisfies Record<string, { status: number; summary: string }>;

/** A code from {@link errorCodes}. */
export type ErrorCode = keyof typeof errorCodes;

/** A JSON path into the offending input, as an array of keys (`['data', 'status']`). */
export type ErrorPath = ReadonlyArray<string | number>;

/**
 * One of several problems an error reports: where it is (`path`, and `line` and `column` in a config file
 * when known), what it is, and, when the problems are of different kinds, its own code.
 */
export interface ErrorIssue {
  readonly path: ErrorPath;
  readonly message: string;
  readonly code?: ErrorCode;
  /** 1-based. */
  readonly line?: number;
  readonly column?: number;
}

/** The plain-object form of an error, as returned in results and stored in dead letters. */
export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
  readonly path: ErrorPath;
  readonly issues?: ReadonlyArray<ErrorIssue>;
}

/**
 * The root of Policyflow's error hierarchy.
 *
 * @example
 * ```ts
 * throw new PolicyflowError('invalid_argument', 'historyLimit must be >= 0', { path: ['historyLimit'] });
 * ```
 */
export class PolicyflowError extends Error {
  override readonly name = 'PolicyflowError';
  readonly code: ErrorCode;
  readonly path: ErrorPath;
  readonly issues: ReadonlyArray<ErrorIssue> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      path?: ErrorPath;
      cause?: unknown;
      issues?: ReadonlyArray<ErrorIssue>;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path ?? [];
    this.issues = options.issues;
  }

  /** The HTTP status a webhook answers with when this error ends a delivery. */
  get status(): number {
    return errorCodes[this.code].status;
  }

  /** A plain, JSON-safe copy (no stack, no cause). */
  toJSON(): ErrorInfo {
    return {
      code: this.code,
      message: this.message,
      path: this.path,
      ...(this.issues ? { issues: this.issues } : {}),
    };
  }
}

/**
 * Narrows `value` to a {@link PolicyflowError}, optionally of one code.
 *
 * @example
 * ```ts
 * try { await loadConfig('x.yaml'); } catch (e) { if (isPolicyflowError(e, 'config_invalid')) report(e.issues); }
 * ```
 */
export function isPolicyflowError(value: unknown, code?: ErrorCode): value is PolicyflowError {
  return value instanceof PolicyflowError && (code === undefined || value.code === code);
}

/** Formats a path as `data.required_action.code` / `items[2].id` for messages. */
export function formatPath(path: ErrorPath): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

/**
 * One issue as a line: its path, its line and column when known, and its message.
 *
 * @example
 * ```ts
 * describeIssue({ path: ['rules', 0, 'on'], line: 3, column: 9, message: 'expected string' });
 * // 'rules[0].on (line 3, column 9): expected string'
 * ```
 */
export function describeIssue(issue: ErrorIssue): string {
  const where = formatPath(issue.path) || '(root)';
  const column = issue.column === undefined ? '' : `, column ${issue.column}`;
  const at = issue.line === undefined ? '' : ` (line ${issue.line}${column})`;
  return `${where}${at}: ${issue.message}`;
}

/**
 * One error for several problems: the problems' own code when they share one (`config_invalid` when they do
 * not), a message that lists them under `header`, and the problems as `issues`.
 *
 * @example
 * ```ts
 * throw issuesError('policyflow.yaml', [{ code: 'unknown_action', path: ['rules', 0], message: "unknown action 'x'" }]);
 * ```
 */
export function issuesError(
  header: string,
  issues: ReadonlyArray<ErrorIssue & { readonly code: ErrorCode }>,
): PolicyflowError {
  const codes = new Set(issues.map((i) => i.code));
  const code: ErrorCode = codes.size === 1 ? issues[0]!.code : 'config_invalid';
  const lines = issues.map((i) => `  ${describeIssue(i)}`).join('\n');
  return new PolicyflowError(code, `${header}: ${issues.length} problem(s):\n${lines}`, {
    path: issues[0]!.path,
    issues,
  });
}
