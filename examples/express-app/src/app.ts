import {
  createWebhookHandler,
  kotaSignature,
  ten99policySignature,
  toExpressHandler,
} from '@policyflow/adapters/webhook';
import {
  type ActionDefinition,
  createEngine,
  type Engine,
  kota,
  type RuleSpec,
  ten99policy,
} from '@policyflow/core';
import express, { type Express } from 'express';
import { z } from 'zod';

/** The host app's CRM, which the custom action writes to. */
export interface Crm {
  openTask(task: { readonly title: string; readonly account: string }): Promise<void>;
}

const crmTaskParams = z.object({ title: z.string().min(1), account: z.string().min(1) });

/**
 * A custom action: rules say `{ type: crm.task, params: { title, account } }` and this runs it, with the
 * engine's retries and idempotency keys around it.
 *
 * @example
 * ```ts
 * createEngine({ providers, rules, actions: { 'crm.task': crmTask(crm) } });
 * ```
 */
export function crmTask(crm: Crm): ActionDefinition {
  return {
    params: crmTaskParams,
    handler: async (raw) => {
      // The runner has already parsed `raw` with `crmTaskParams`.
      await crm.openTask(raw as z.output<typeof crmTaskParams>);
      return undefined;
    },
  };
}

/** The app's rules; a real app would keep them in policyflow.config.yaml (see examples/rules-config). */
export const rules: RuleSpec[] = [
  {
    name: 'quote-needs-action',
    on: 'employer.health_insurance.quote.action_required',
    actions: [
      {
        type: 'crm.task',
        params: {
          title: 'Quote {{resource.id}} needs action: {{event.data.required_action.reason}}',
          account: '{{resource.context.employer_id}}',
        },
      },
    ],
  },
  {
    name: 'contractor-cover-cancelled',
    on: { lifecycle: 'policy', provider: 'ten99policy', to: 'cancelled' },
    actions: [
      {
        type: 'crm.task',
        params: { title: 'Cover {{resource.id}} was cancelled', account: '{{resource.id}}' },
      },
    ],
  },
];

/** What {@link createApp} needs. */
export interface AppOptions {
  readonly crm: Crm;
  readonly secrets: { readonly kota: string; readonly ten99policy: string };
}

/**
 * An Express app embedding Policyflow: the webhook routes are mounted BEFORE `express.json()`, because the
 * signature is computed over the raw bytes; the app's own JSON routes come after.
 *
 * @example
 * ```ts
 * const { app, engine } = createApp({ crm, secrets: { kota: 'whsec_…', ten99policy: 'whsec_…' } });
 * app.listen(3000);
 * ```
 */
export function createApp(options: AppOptions): { app: Express; engine: Engine } {
  const engine = createEngine({
    providers: [kota(), ten99policy()],
    rules,
    actions: { 'crm.task': crmTask(options.crm) },
  });
  const app = express();
  const kotaHooks = createWebhookHandler({
    engine,
    provider: 'kota',
    scheme: kotaSignature(),
    secrets: [options.secrets.kota],
  });
  const ten99Hooks = createWebhookHandler({
    engine,
    provider: 'ten99policy',
    scheme: ten99policySignature(),
    secrets: [options.secrets.ten99policy],
  });
  app.post('/webhooks/kota', toExpressHandler(kotaHooks));
  app.post('/webhooks/ten99policy', toExpressHandler(ten99Hooks));

  app.use(express.json());
  app.get('/quotes/:id', async (req, res) => {
    const quote = await engine.getResource(`kota/employer_quote/${req.params.id}`);
    if (quote === undefined) {
      res.status(404).json({ error: 'no such quote' });
      return;
    }
    res.json({ id: quote.id, state: quote.state, updatedAt: new Date(quote.updatedAt).toISOString() });
  });
  return { app, engine };
}
