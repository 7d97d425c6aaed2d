import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../src/io.js';

/** An in-memory CliIo: what a command printed, and a stdin to feed it. */
export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureIo(options: { stdin?: string; cwd?: string; signal?: AbortSignal } = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    readStdin: async () => options.stdin ?? '',
    interactive: false,
    env: {},
    cwd: options.cwd ?? process.cwd(),
    ...(options.signal ? { signal: options.signal } : {}),
    out: () => out,
    err: () => err,
  };
}

export const fixtures = join(import.meta.dirname, '../../testing/fixtures');

/** A fresh folder holding one config file (`policyflow.config.yaml` unless named), for a command's `cwd`. */
export function configFolder(yaml: string, file = 'policyflow.config.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'pf-cli-'));
  writeFileSync(join(dir, file), yaml);
  return dir;
}
