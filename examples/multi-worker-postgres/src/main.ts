// One scale-out worker. Run as many as you like against one database:
//   DATABASE_URL=postgres://… pnpm start     (in several terminals, containers or pods)
import { createWorker } from '@policyflow/adapters/postgres';
import { kota, loadConfig, ten99policy } from '@policyflow/core';

const url = process.env.DATABASE_URL;
if (url === undefined) {
  console.error('set DATABASE_URL to your PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/policyflow');
  process.exit(1);
}
const config = process.env.POLICYFLOW_CONFIG ? loadConfig(process.env.POLICYFLOW_CONFIG) : undefined;
const worker = await createWorker({
  url,
  engine: { providers: [kota(), ten99policy()], ...(config ? { config } : {}) },
});
console.log('worker started: taking ingest and action jobs');
process.once('SIGTERM', () => void worker.stop());
process.once('SIGINT', () => void worker.stop());
