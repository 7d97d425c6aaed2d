// A scale-out worker process for the multi-process tests: `node --conditions=source --import tsx worker-main.ts`.
import pg from 'pg';
import { createWorker } from '../../src/postgres/index.js';
import { acme, PG_URL } from './helpers.js';
import { scaleRules, sqlSink } from './scale.js';

const schema = process.env.PF_SCHEMA ?? 'pf_test_scale';
const sinkPool = new pg.Pool({ connectionString: PG_URL, max: 4 });
const worker = await createWorker({
  url: PG_URL,
  schema,
  max: 6,
  concurrency: Number(process.env.PF_CONCURRENCY ?? 100),
  shards: Number(process.env.PF_SHARDS ?? 1),
  actionConcurrency: 50,
  pollingIntervalSeconds: 0.5,
  ingestExpireSeconds: Number(process.env.PF_EXPIRE ?? 60),
  actionExpireSeconds: Number(process.env.PF_EXPIRE ?? 60),
  superviseIntervalSeconds: Number(process.env.PF_SUPERVISE ?? 60),
  retry: { attempts: 5, baseMs: 1000, maxMs: 5000 },
  engine: {
    providers: [acme],
    rules: scaleRules,
    actions: { sink: sqlSink(sinkPool, schema) as never },
    logSink: () => {},
  },
});
process.send?.('ready');
process.on('message', async (m) => {
  if (m === 'stop') {
    await worker.stop();
    await sinkPool.end();
    process.exit(0);
  }
});
