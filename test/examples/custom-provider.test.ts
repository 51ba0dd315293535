import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookProvider } from '../../examples/custom-provider/webhook.js';
import { createHistorian, loadManifest, ManifestError, parseManifest, RejectedEntryError, type ProviderError } from '../../src/index.js';
import { runCli } from '../cli/run.js';

const MANIFEST = fileURLToPath(new URL('../../examples/custom-provider/agents.yml', import.meta.url));

/** A local service that records what it is sent, and answers with the statuses queued in `answers`. */
function webhookService() {
  const received: { body: unknown[]; authorization: string | undefined }[] = [];
  const answers: number[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const status = answers.shift() ?? 200;
      if (status === 200) received.push({ body: JSON.parse(text) as unknown[], authorization: request.headers.authorization });
      response.writeHead(status).end();
    });
  });
  return { server, received, answers };
}

describe('a custom provider type (examples/custom-provider)', () => {
  const service = webhookService();
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((done) => service.server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(service.server.address() as { port: number }).port}/history`;
  });
  afterAll(() => service.server.close());

  it('is named in a manifest, and receives only what its filters and flags admit', async () => {
    service.received.length = 0;
    const historian = await createHistorian(loadManifest(MANIFEST, { env: { WEBHOOK_URL: url }, providers: [webhookProvider] }), { flushInterval: 5 });
    historian.logConversationStart({ conversation_id: 'p1', agent_name: 'planner' });
    historian.logMessage({ conversation_id: 'p1', role: 'user', content: 'plan it' });
    historian.logToolCall({ conversation_id: 'p1', message_id: 'm', tool_name: 'search', args: {}, result: null });
    historian.logConversationStart({ conversation_id: 'e1', agent_name: 'executor' });
    historian.logMessage({ conversation_id: 'e1', role: 'user', content: 'run it' });
    historian.logConversationStart({ conversation_id: 'r1', agent_name: 'reviewer' });
    await historian.close();

    const posted = service.received.flatMap((request) => request.body) as { type: string; conversation_id: string; agent: string }[];
    expect(posted.map((entry) => [entry.type, entry.conversation_id, entry.agent])).toEqual([
      ['conversation_start', 'p1', 'planner'],
      ['message', 'p1', 'planner'],
    ]);
    expect(historian.written()).toEqual({
      webhook: { conversation_start: 1, message: 1 },
      memory: { conversation_start: 2, message: 2, tool_call: 1 },
    });
  });

  it('is retried when the service is busy, and a refused entry goes to the dead-letter handling', async () => {
    service.received.length = 0;
    const errors: ProviderError[] = [];
    const historian = await createHistorian(
      { providers: [{ type: 'webhook', url, token: 'sekrit-token' }] },
      { providers: [webhookProvider], retryDelay: 1, onError: (error) => errors.push(error) },
    );
    service.answers.push(503, 503);
    historian.logMessage({ conversation_id: 'c', role: 'user', content: 'kept through two 503s' });
    await historian.flush();
    expect(service.received.map((request) => request.authorization)).toEqual(['Bearer sekrit-token']);
    service.answers.push(400);
    historian.logMessage({ conversation_id: 'c', role: 'user', content: 'refused' });
    await historian.flush();
    expect(errors.filter((error) => error instanceof RejectedEntryError).map((error) => error.message)).toEqual([
      expect.stringMatching(/^webhook: entry .* \(message\) rejected, not stored: http:\/\/127\.0\.0\.1:\d+\/history answered 400$/),
    ]);
    await historian.close();
  });

  it('has its options checked with positions, like a built-in type, and an unknown type names the custom ones', () => {
    const manifest = 'storage:\n  providers:\n    - type: webhook\n      url: not a url\n    - type: webhok\n';
    let error: unknown;
    try {
      parseManifest(manifest, { providers: [webhookProvider] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).issues.map((issue) => `${issue.line}:${issue.path}: ${issue.message}`)).toEqual([
      expect.stringMatching(/^4:storage\.providers\[0\]\.url: /),
      '5:storage.providers[1].type: unknown provider type "webhok" (did you mean "webhook"?); expected type: sql, text_file, file, memory or webhook',
    ]);
  });

  it('is refused by the CLI, which knows only the built-in types, with their list and exit 2', async () => {
    const result = await runCli(['validate', '-c', MANIFEST]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown or missing provider type; expected type: sql, text_file, file or memory/);
  });
});
