import { ten99policyLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { actualTable, at, next } from './table.js';

const machine = ten99policyLifecycles.category_code;

describe('1099Policy category_code machine', () => {
  it('is the category_code lifecycle with the one state added', () => {
    expect(machine.id).toBe('category_code');
    expect(initialTransition(machine)[0].value).toBe('added');
    expect(actualTable(machine)).toEqual({ added: { 'category_code.added': 'added' } });
  });

  it('accepts a repeated category_code.added and is not final', () => {
    expect(next(machine, 'added', 'category_code.added')).toBe('added');
    expect(at(machine, 'added').status).toBe('active');
  });
});
