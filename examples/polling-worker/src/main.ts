// Run: KOTA_API_KEY=pk_test_… TEN99POLICY_API_KEY=t9sk_test_… pnpm start
import { createPgliteStore } from '@policyflow/adapters/postgres';
import { createPollingWorker } from './worker.js';

const store = await createPgliteStore({ path: process.env.POLICYFLOW_DATA ?? './.policyflow' });
const worker = createPollingWorker({
  store,
  ...(process.env.KOTA_API_KEY
    ? { kota: { baseUrl: 'https://test.api.kota.io', apiKey: process.env.KOTA_API_KEY } }
    : {}),
  ...(process.env.TEN99POLICY_API_KEY ? { ten99policy: { apiKey: process.env.TEN99POLICY_API_KEY } } : {}),
});
worker.engine.on('transition', (t) =>
  console.log(`${t.key}: ${JSON.stringify(t.from)} → ${JSON.stringify(t.to)}`),
);
worker.engine.on('gap', (g) => console.warn(`events lost to ${g.provider}'s retention: ${g.message}`));

const controller = new AbortController();
process.once('SIGTERM', () => controller.abort());
process.once('SIGINT', () => controller.abort());
console.log(
  `polling ${worker.pollers.map((p) => p.provider).join(' and ') || 'nothing (set KOTA_API_KEY / TEN99POLICY_API_KEY)'} every minute`,
);
await worker.run(process.env.POLL_EVERY ?? '1m', controller.signal);
