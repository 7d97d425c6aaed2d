import { describe, expect, test } from 'vitest';
import { describeError } from '../../src/internal/describe.js';

describe('describeError', () => {
  test("adds the cause's message when the error's own does not hold it", () => {
    const driver = new Error('Connection terminated unexpectedly');
    expect(describeError(new Error('the postgres store failed to claim jobs', { cause: driver }))).toBe(
      'the postgres store failed to claim jobs: Connection terminated unexpectedly',
    );
    expect(describeError(new Error('commit failed: ECONNRESET', { cause: new Error('ECONNRESET') }))).toBe(
      'commit failed: ECONNRESET',
    );
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(describeError(new Error('no cause text', { cause: 'a string' }))).toBe('no cause text');
    expect(describeError('thrown text')).toBe('thrown text');
  });
});
