import { defineCatalog } from '@policyflow/core';
import { setup } from 'xstate';

/** A small claim lifecycle: open → review ⇄ info_needed → paid | denied (both final). */
export const claimMachine = setup({
  types: {
    events: {} as
      | { type: 'claim.opened' }
      | { type: 'claim.review' }
      | { type: 'claim.info_needed' }
      | { type: 'claim.paid' }
      | { type: 'claim.denied' },
  },
}).createMachine({
  id: 'claim',
  initial: 'open',
  states: {
    open: { on: { 'claim.opened': 'open', 'claim.review': 'review', 'claim.denied': 'denied' } },
    review: { on: { 'claim.info_needed': 'info_needed', 'claim.paid': 'paid', 'claim.denied': 'denied' } },
    info_needed: { on: { 'claim.review': 'review', 'claim.denied': 'denied' } },
    paid: { type: 'final' },
    denied: { type: 'final' },
  },
});

/** A catalog of one provider and one lifecycle, for tests that do not need the built-in ones. */
export const acme = defineCatalog({
  provider: 'acme',
  lifecycles: { claim: claimMachine },
  events: {
    'claim.opened': { lifecycle: 'claim', id: 'id' },
    'claim.review': { lifecycle: 'claim', id: 'id' },
    'claim.info_needed': { lifecycle: 'claim', id: 'id' },
    'claim.paid': { lifecycle: 'claim', id: 'id' },
    'claim.denied': { lifecycle: 'claim', id: 'id' },
  },
});
