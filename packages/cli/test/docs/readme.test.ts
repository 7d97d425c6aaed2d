import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureIo } from '../helpers.js';

const readme = readFileSync(join(import.meta.dirname, '../../../../README.md'), 'utf8');
const quickStart = readme.slice(
  readme.indexOf('## Quick start'),
  readme.indexOf('## The `policyflow` command'),
);

describe('README quick start', () => {
  it('is at most 30 lines of commands and output', () => {
    const blocks = [...quickStart.matchAll(/```\w*\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.join('').split('\n').length).toBeLessThanOrEqual(30);
  });

  it('prints the output it shows', async () => {
    const events = /<<'EOF'\n([\s\S]*?)\nEOF/.exec(quickStart)![1]!;
    const shown = /```text\n([\s\S]*?)```/.exec(quickStart)![1]!;
    const io = captureIo({ stdin: events });
    expect(await main(['replay', '-', '--provider', 'ten99policy', '--states'], io)).toBe(0);
    expect(io.out().replace('from stdin', 'from events.ndjson')).toBe(shown);
  });
});
