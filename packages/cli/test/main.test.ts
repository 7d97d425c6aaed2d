import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { captureIo } from './helpers.js';

describe('main', () => {
  it('lists the commands on --help and exits 0', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: policyflow <command>');
    for (const name of ['demo', 'replay', 'graph']) expect(io.out()).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('prints its version', async () => {
    const io = captureIo();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out()).toMatch(/^policyflow \d+\.\d+\.\d+\n$/);
  });

  it('prints help and exits 1 when no command is given', async () => {
    const io = captureIo();
    expect(await main([], io)).toBe(1);
    expect(io.out()).toContain('Commands:');
  });

  it('rejects an unknown command with exit 1 and says what to do', async () => {
    const io = captureIo();
    expect(await main(['frobnicate'], io)).toBe(1);
    expect(io.err()).toContain("unknown command 'frobnicate'");
    expect(io.err()).toContain('policyflow --help');
  });

  it('rejects an unknown option with exit 1 and points at the command help', async () => {
    const io = captureIo();
    expect(await main(['graph', 'application', '--colour'], io)).toBe(1);
    expect(io.err()).toContain('--colour');
    expect(io.err()).toContain('policyflow graph --help');
  });
});

describe('bin', () => {
  it('runs as a process and exits with the command exit code', () => {
    const bin = join(import.meta.dirname, '../src/bin.ts');
    const ok = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', bin, 'graph', 'invoice'],
      {
        encoding: 'utf8',
      },
    );
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('stateDiagram-v2');
    const bad = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', bin, 'nope'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    // Two cold tsx starts: seconds each on a loaded machine.
  }, 60_000);
});
