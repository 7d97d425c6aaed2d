// Run: KOTA_WEBHOOK_SECRET=whsec_… TEN99POLICY_WEBHOOK_SECRET=whsec_… pnpm start
import { createApp } from './app.js';

const { app, engine } = createApp({
  crm: { openTask: async (task) => console.log('CRM task:', task) },
  secrets: {
    kota: process.env.KOTA_WEBHOOK_SECRET ?? 'whsec_local_kota',
    ten99policy: process.env.TEN99POLICY_WEBHOOK_SECRET ?? 'whsec_local_ten99policy',
  },
});
const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, () => console.log(`listening on http://localhost:${port}`));

process.once('SIGTERM', () => {
  server.close(() => void engine.close());
});
