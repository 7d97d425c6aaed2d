import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import {
  formatPath,
  isPolicyflowError,
  loadConfig,
  type OmittableSection,
  type PolicyflowConfig,
  type PolicyflowError,
} from '@policyflow/core';
import { UsageError } from './exit.js';
import { builtinCatalogs } from './providers.js';

/** Config file names looked for in the working folder when `--config` is not given. */
export const defaultConfigFiles = [
  'policyflow.config.yaml',
  'policyflow.config.yml',
  'policyflow.config.json',
];

/** What `explain` and `replay` leave out of the config: they run its rules on a memory store of their own. */
export const RULES_ONLY: ReadonlyArray<OmittableSection> = ['store', 'providers'];

/**
 * The config path to use: `--config`, else a `policyflow.config.*` in the working folder, else none.
 *
 * @example
 * ```ts
 * const path = configPath(stringOption(args, 'config'), io.cwd);
 * ```
 */
export function configPath(option: string | undefined, cwd: string): string | undefined {
  if (option !== undefined) return resolve(cwd, option);
  for (const name of defaultConfigFiles) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * Loads and validates a config file with `loadConfig` from `@policyflow/core` (`${ENV}` interpolated from `env`),
 * leaving out the sections in `omit` (a command that does not use them). Throws a `UsageError` when the file
 * does not exist, and loadConfig's `PolicyflowError` when it is invalid.
 *
 * @example
 * ```ts
 * const config = loadConfigFile('policyflow.config.yaml', io.env);
 * ```
 */
export function loadConfigFile(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  omit: ReadonlyArray<OmittableSection> = [],
): PolicyflowConfig {
  if (!existsSync(path)) {
    throw new UsageError(
      `no config file at ${path}`,
      'pass --config with the path of your policyflow.config.yaml (`policyflow schema` prints its JSON Schema)',
    );
  }
  // Triggers are checked against the catalogs the CLI runs, so a misspelled state is located in the file.
  return loadConfig(path, { env, omit, providers: builtinCatalogs() });
}

/** One located config problem, as `validate` prints it. */
export interface LocatedIssue {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string;
  readonly message: string;
}

/**
 * Every problem of a failed `loadConfig`, located (`file`, `line`, `column`, `path`, `message`).
 *
 * @example
 * ```ts
 * try { loadConfigFile(path, env); } catch (e) { if (isPolicyflowError(e)) issuesOf(e, path, cwd); }
 * ```
 */
export function issuesOf(error: PolicyflowError, path: string, cwd: string): LocatedIssue[] {
  const file = relative(cwd, path) || path;
  if (error.issues && error.issues.length > 0) {
    return error.issues.map((i) => ({
      file,
      line: i.line,
      column: i.column,
      path: formatPath(i.path) || '(root)',
      message: i.message,
    }));
  }
  return [
    {
      file,
      line: undefined,
      column: undefined,
      path: formatPath(error.path) || '(root)',
      message: error.message,
    },
  ];
}

/**
 * `file:line:col path: message`, the format editors and CI annotate.
 *
 * @example
 * ```ts
 * formatIssue({ file: 'p.yaml', line: 3, column: 5, path: 'rules[0].on', message: 'expected …' });
 * ```
 */
export function formatIssue(issue: LocatedIssue): string {
  const at = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${at} ${issue.path}: ${issue.message}`;
}

/**
 * Loads the config for a command: the file's errors become a readable list and exit code 1. A command that
 * does not use the store and provider settings passes them in `omit`, so their variables need not be set.
 *
 * @example
 * ```ts
 * const config = loadForCommand(stringOption(args, 'config'), io);
 * ```
 */
export function loadForCommand(
  option: string | undefined,
  io: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> },
  omit: ReadonlyArray<OmittableSection> = [],
): { config: PolicyflowConfig | undefined; path: string | undefined } {
  const path = configPath(option, io.cwd);
  if (path === undefined) return { config: undefined, path: undefined };
  try {
    return { config: loadConfigFile(path, io.env, omit), path };
  } catch (error) {
    if (!isPolicyflowError(error)) throw error;
    const lines = issuesOf(error, path, io.cwd).map(formatIssue);
    throw new UsageError(
      `the config is invalid:\n  ${lines.join('\n  ')}`,
      `fix the lines above (\`policyflow validate --config ${relative(io.cwd, path) || path}\` rechecks)`,
    );
  }
}
