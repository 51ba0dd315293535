/**
 * A custom provider type: `type: webhook` posts each batch of entries, as JSON, to your own
 * service. Name it in a manifest like any built-in type (see agents.yml beside this file) and
 * pass its definition to `createHistorian`; agent filters, logging flags, batching, retries and
 * the dead-letter file work for it as for the built-in types.
 *
 *   const historian = await createHistorian('agents.yml', { providers: [webhookProvider] });
 *
 * Tested end to end by test/examples/custom-provider.test.ts.
 */
import { z } from 'zod';
import { defineProvider } from '../../src/index.js';

export const webhookProvider = defineProvider({
  type: 'webhook',
  options: {
    url: z.url().describe('Where batches are POSTed'),
    token: z.string().min(1).optional().describe('Sent as a bearer token'),
  },
  // What `historian validate` shows of it; never the token.
  describe: (config) => config.url,
  open({ config }) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (config.token) headers.authorization = `Bearer ${config.token}`;
    return {
      async write(batch) {
        const body = JSON.stringify(batch.map((record) => ({ ...record.entry, agent: record.agent })));
        const response = await fetch(config.url, { method: 'POST', headers, body });
        if (response.ok) return;
        // A retry can fix a busy or restarting service (5xx, 429): say so, and the logger keeps
        // the batch queued. Any other answer is about the entries, and the logger splits the
        // batch to find the one the service refuses.
        const transient = response.status >= 500 || response.status === 429;
        throw Object.assign(new Error(`${config.url} answered ${response.status}`), { transient });
      },
      async close() {},
    };
  },
});
