import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeIo } from '../src/io.js';
import { configFolder } from './helpers.js';

const repo = join(import.meta.dirname, '../../..');
const bin = join(import.meta.dirname, '../src/bin.ts');
// By URL: `--import tsx` would be looked up from the child's folder, a temporary one outside the repository.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const rules =
  'rules:\n  - { name: r, on: policy.active, actions: [{ type: log, params: { message: hi } }] }\n';

/** A folder with a config, and a `sub` folder inside it with a config of its own (the one a `cd sub` means). */
function nested(): { readonly top: string; readonly sub: string } {
  const top = configFolder('rules: []\n');
  const sub = join(top, 'sub');
  mkdirSync(sub);
  writeFileSync(join(sub, 'policyflow.config.yaml'), rules);
  return { top, sub };
}

describe('the folder relative paths resolve against', () => {
  it('is the process folder, whatever INIT_CWD (set by npm and pnpm for every script) says', () => {
    const saved = process.env.INIT_CWD;
    process.env.INIT_CWD = nested().top;
    try {
      expect(nodeIo().cwd).toBe(process.cwd());
    } finally {
      if (saved === undefined) delete process.env.INIT_CWD;
      else process.env.INIT_CWD = saved;
    }
  });

  it("is where a user's own script cd'ed to, not where pnpm was run", () => {
    const { top, sub } = nested();
    // What `"check": "cd sub && policyflow validate"` run as `pnpm check` in `top` looks like to the CLI.
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', tsx, bin, 'validate'], {
      cwd: sub,
      env: { ...process.env, INIT_CWD: top },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('policyflow.config.yaml: ok — 1 rule(s), store: memory\n');
    expect(run.status).toBe(0);
    // A cold tsx start: seconds on a loaded machine.
  }, 60_000);

  it("is, for this repository's `pnpm policyflow` script, the folder pnpm was run in", () => {
    const { top } = nested();
    const { scripts } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const script = scripts.policyflow!;
    expect(scripts.demo).toBe(`${script} demo`);
    // pnpm runs a root script in the repository root, with INIT_CWD where the user typed `pnpm policyflow …`.
    const run = spawnSync(`${script} validate --config sub/policyflow.config.yaml`, {
      cwd: repo,
      env: { ...process.env, INIT_CWD: top },
      encoding: 'utf8',
      shell: true,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${join('sub', 'policyflow.config.yaml')}: ok — 1 rule(s), store: memory\n`);
    expect(run.status).toBe(0);
  }, 60_000);
});
