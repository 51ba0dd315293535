import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistorian, ManifestError, parseManifest } from '../../src/index.js';
import { everyProvider, filesUnder, READABLE } from './every-provider.js';

const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const OPENAI_KEY = 'sk-proj-abcdefghijklmnopqrstuvwx1234';
const BEARER = 'Bearer eyAbCdEf0123456789.token';
const EMAIL = 'alice.secret@example.com';
const PASSWORD = 'correct-horse-battery';
const TICKET = 'ACME-778899';
const SECRETS = [OPENAI_KEY, 'eyAbCdEf0123456789', EMAIL, PASSWORD, TICKET];

describe('storage.redact', () => {
  it('masks secrets once before fan-out: every provider stores the same masked entry, no file holds a secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'historian-redact-'));
    folders.push(dir);
    const historian = await createHistorian({
      providers: everyProvider(dir),
      redact: { presets: ['api_keys', 'bearer_tokens', 'emails'], patterns: ['ACME-\\d{6}'], fields: ['args.password', '**.token'] },
    });
    historian.logConversationStart({ conversation_id: 'c1', agent_name: 'planner' });
    historian.logMessage({ conversation_id: 'c1', role: 'user', content: `my key is ${OPENAI_KEY}, mail ${EMAIL} about ${TICKET}` });
    historian.logToolCall({
      conversation_id: 'c1',
      message_id: 'm1',
      tool_name: 'login',
      args: { user: 'alice', password: PASSWORD, headers: { authorization: BEARER } },
      result: { session: { token: 'tok-123456', ok: true } },
    });
    historian.logCommand({ agent_name: 'planner', session_id: 's1', command: `curl -H "Authorization: ${BEARER}"`, metadata: { to: EMAIL } });
    historian.logContext({ conversation_id: 'c1', role: 'system', content: `escalate to ${EMAIL}` });
    await historian.flush();

    for (const label of READABLE) {
      const [conversation] = await historian.history(label).conversations({ limit: 1 });
      expect(conversation?.messages.map((m) => m.content), label).toEqual(['my key is [REDACTED], mail [REDACTED] about [REDACTED]']);
      expect(conversation?.agent_name, label).toBe('planner');
      const commands = await historian.history(label).commands({ limit: 5 });
      expect(commands.map((c) => [c.command, c.metadata]), label).toEqual([['curl -H "Authorization: [REDACTED]"', { to: '[REDACTED]' }]]);
    }
    await historian.close();

    const files = filesUnder(dir);
    expect(files.length).toBeGreaterThan(8);
    for (const { path, bytes } of files) {
      for (const secret of SECRETS) expect(bytes.includes(secret), `${secret} in ${path}`).toBe(false);
    }
    const jsonl = files.find((f) => f.path.endsWith('history.jsonl'))!.bytes;
    const toolCall = jsonl.split('\n').map((line) => (line ? JSON.parse(line) : null)).find((entry) => entry?.type === 'tool_call');
    expect(toolCall.args).toEqual({ user: 'alice', password: '[REDACTED]', headers: { authorization: '[REDACTED]' } });
    expect(toolCall.result).toEqual({ session: { token: '[REDACTED]', ok: true } });
  }, 60_000);

  it('refuses a bad pattern, an unknown preset and a field path outside the content fields, with positions', () => {
    const manifest = [
      'storage:',
      '  redact:',
      '    presets: [api_keys, passports]',
      '    patterns: ["(unclosed"]',
      '    fields: [conversation_id]',
    ].join('\n');
    let error: unknown;
    try {
      parseManifest(manifest, { file: 'agents.yml' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ManifestError);
    const messages = (error as ManifestError).issues.map((issue) => `${issue.line}: ${issue.path}: ${issue.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^3: storage\.redact\.presets\[1\]: expected one of "api_keys"/),
      expect.stringMatching(/^4: storage\.redact\.patterns\[0\]: invalid regular expression/),
      expect.stringMatching(/^5: storage\.redact\.fields\[0\]: "conversation_id" does not start with a field redaction may change/),
    ]);
  });
});
