import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicEvents, anthropicMessage, chatChunks, chatCompletion, response, responseEvents } from './canned.js';

type Json = Record<string, unknown>;

/** A provider on 127.0.0.1 that answers the OpenAI and Anthropic APIs with the canned JSON of canned.ts. */
export interface LoopbackProvider {
  /** `http://127.0.0.1:PORT`; the OpenAI base URL is this plus `/v1`, Anthropic's this itself. */
  url: string;
  /** The paths asked, in order, with whether each was streamed. */
  requests: Array<{ path: string; stream: boolean }>;
  close: () => Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<Json> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return JSON.parse(text) as Json;
}

function sendEvents(reply: ServerResponse, events: Json[], named: boolean, done: boolean): void {
  reply.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const event of events) reply.write(`${named ? `event: ${String(event.type)}\n` : ''}data: ${JSON.stringify(event)}\n\n`);
  if (done) reply.write('data: [DONE]\n\n');
  reply.end();
}

async function answer(request: IncomingMessage, reply: ServerResponse, requests: LoopbackProvider['requests']): Promise<void> {
  const body = await readJson(request);
  const stream = body.stream === true;
  const path = request.url ?? '';
  requests.push({ path, stream });
  if (path === '/v1/chat/completions') {
    const completion = chatCompletion(body);
    return stream ? sendEvents(reply, chatChunks(completion), false, true) : sendJson(reply, completion);
  }
  if (path === '/v1/responses') {
    const done = response(body);
    return stream ? sendEvents(reply, responseEvents(done), true, false) : sendJson(reply, done);
  }
  if (path === '/v1/messages') {
    const message = anthropicMessage(body);
    return stream ? sendEvents(reply, anthropicEvents(message), true, false) : sendJson(reply, message);
  }
  reply.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${path}` } }));
}

function sendJson(reply: ServerResponse, body: Json): void {
  reply.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_e2e' }).end(JSON.stringify(body));
}

/** Starts the loopback provider on a free port. */
export async function startLoopbackProvider(): Promise<LoopbackProvider> {
  const requests: LoopbackProvider['requests'] = [];
  const server = createServer((request, reply) => {
    answer(request, reply, requests).catch((error: unknown) => {
      reply.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
