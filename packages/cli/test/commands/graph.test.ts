import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureIo } from '../helpers.js';

describe('graph', () => {
  it('draws a flat lifecycle as Mermaid with its initial, transitions and finals', async () => {
    const io = captureIo();
    expect(await main(['graph', 'ten99policy/policy'], io)).toBe(0);
    const text = io.out();
    expect(text).toContain('stateDiagram-v2');
    expect(text).toContain('[*] --> active');
    expect(text).toContain('active --> cancelled: policy.cancelled');
    expect(text).toContain('cancelled --> active: policy.reactivated, policy.active, policy.active.media');
  });

  it('draws parallel regions as concurrent Mermaid states', async () => {
    const io = captureIo();
    expect(await main(['graph', 'policy', '--provider', 'kota'], io)).toBe(0);
    expect(io.out()).toContain('state "renewal" as renewal {');
    expect(io.out()).toMatch(/^ {2}--$/m);
    expect(io.out()).toContain('status_expired --> [*]');
  });

  it('writes Graphviz dot with --format dot', async () => {
    const io = captureIo();
    expect(await main(['graph', 'invoice', '--format', 'dot'], io)).toBe(0);
    expect(io.out()).toMatch(/^digraph "ten99policy\/invoice" \{/);
    expect(io.out()).toContain('->');
  });

  it('asks which provider is meant when a lifecycle name is ambiguous', async () => {
    const io = captureIo();
    expect(await main(['graph', 'policy'], io)).toBe(1);
    expect(io.err()).toContain('kota/policy or ten99policy/policy');
  });

  it('lists the lifecycles when the name is unknown', async () => {
    const io = captureIo();
    expect(await main(['graph', 'claim'], io)).toBe(1);
    expect(io.err()).toContain('ten99policy/application');
  });

  it('rejects an unknown format', async () => {
    const io = captureIo();
    expect(await main(['graph', 'invoice', '--format', 'svg'], io)).toBe(1);
    expect(io.err()).toContain('--format mermaid');
  });
});
