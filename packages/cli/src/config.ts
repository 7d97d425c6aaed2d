import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as core from '@policyflow/core';
import { UsageError } from './exit.js';
import type { RuntimeConfig } from './runtime.js';

/** Config file names looked for in the working folder when `--config` is not given. */
export const defaultConfigFiles = [
  'policyflow.config.yaml',
  'policyflow.config.yml',
  'policyflow.config.json',
];

type LoadConfig = (
  path: string,
  options?: { env?: Readonly<Record<string, string | undefined>> },
) => Promise<RuntimeConfig>;

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
 * Loads and validates a config file with `loadConfig` from `@policyflow/core` (env vars interpolated).
 *
 * @example
 * ```ts
 * const config = await loadConfigFile('policyflow.config.yaml', io.env);
 * ```
 */
export async function loadConfigFile(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RuntimeConfig> {
  if (!existsSync(path)) {
    throw new UsageError(
      `no config file at ${path}`,
      'pass --config with the path of your policyflow.config.yaml',
    );
  }
  const load = (core as Record<string, unknown>).loadConfig as LoadConfig | undefined;
  if (load === undefined) {
    throw new UsageError(
      'config files are not supported by this build of @policyflow/core',
      'run without --config',
      2,
    );
  }
  return load(path, { env });
}
