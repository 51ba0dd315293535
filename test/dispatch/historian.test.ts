import { describe, expect, it } from 'vitest';
import {
  createHistorian,
  EntryError,
  HistorianError,
  ProviderError,
  resolveStorage,
  type LogRecord,
  type Provider,
  type StorageInput,
} from '../../src/index.js';
import { Historian } from '../../src/dispatch/historian.js';
import { memoryProvider } from '../../src/providers/memory/index.js';

const start = (conversation_id: string, agent_name: string) => ({ type: 'conversation_start' as const, conversation_id, agent_name });
const say = (conversation_id: string, content: string, extra: object = {}) => ({
  type: 'message' as const,
  conversation_id,
  role: 'assistant',
  content,
  ...extra,
});

async function contents(historian: Historian, provider: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of historian.history(provider).entries()) {
    found.push(entry.type === 'message' ? entry.content : entry.type === 'command' ? entry.command : entry.type);
  }
  return found;
}

describe('fan-out', () => {
  const storage: StorageInput = {
    agents: ['planner', 'executor'],
    providers: [
      { type: 'memory', name: 'all' },
      { type: 'memory', name: 'planner', agents: ['planner'] },
      { type: 'memory', name: 'no-messages', log_messages: false },
      { type: 'memory', name: 'everyone', agents: null },
    ],
    filter_mode: 'override',
  };

  it('sends each entry to every provider whose filter and flags admit it', async () => {
    const historian = await createHistorian(storage);
    historian.log(start('c1', 'planner'));
    historian.log(say('c1', 'from planner'));
    historian.log(start('c2', 'executor'));
    historian.log(say('c2', 'from executor'));
    historian.log({ type: 'command', agent_name: 'analyzer', session_id: 's', command: 'analyze' });
    await historian.flush();
    expect(await contents(historian, 'all')).toEqual(['conversation_start', 'from planner', 'conversation_start', 'from executor']);
    expect(await contents(historian, 'planner')).toEqual(['conversation_start', 'from planner']);
    expect(await contents(historian, 'no-messages')).toEqual(['conversation_start', 'conversation_start']);
    expect(await contents(historian, 'everyone')).toEqual(['conversation_start', 'from planner', 'conversation_start', 'from executor']);
    await historian.close();
  });

  it("attributes a message to its conversation's agent, else to its name; unknown agents reach only unfiltered providers", async () => {
    const historian = await createHistorian({
      providers: [
        { type: 'memory', name: 'planner', agents: ['planner'] },
        { type: 'memory', name: 'everyone' },
      ],
    });
    historian.log(start('c1', 'planner'));
    historian.log(say('c1', 'attributed by conversation', { name: 'someone-else' }));
    historian.log(say('c2', 'attributed by name', { name: 'planner' }));
    historian.log(say('c3', 'unknown agent'));
    historian.log({ type: 'tool_call', conversation_id: 'c1', message_id: 'm', tool_name: 'search', args: {}, result: 1 });
    await historian.flush();
    expect(await contents(historian, 'planner')).toEqual(['conversation_start', 'attributed by conversation', 'attributed by name', 'tool_call']);
    expect(await contents(historian, 'everyone')).toHaveLength(5);
    await historian.close();
  });

  it('forgets the oldest conversations past its bound', async () => {
    const historian = await createHistorian({ providers: [{ type: 'memory', agents: ['a'] }] }, { maxConversations: 2 });
    historian.log(start('c1', 'a'));
    historian.log(start('c2', 'b'));
    historian.log(start('c3', 'b'));
    historian.log(say('c1', 'forgotten'));
    historian.log(start('c4', 'a'));
    historian.log(say('c4', 'remembered'));
    await historian.flush();
    expect(await contents(historian, 'memory')).toEqual(['conversation_start', 'conversation_start', 'remembered']);
    await historian.close();
  });

  it('rejects a bad entry with EntryError and logs it nowhere', async () => {
    const historian = await createHistorian({ providers: [{ type: 'memory' }] });
    expect(() => historian.log({ type: 'message', conversation_id: 'c1', role: 'user' } as never)).toThrow(EntryError);
    historian.logMessage({ conversation_id: 'c1', role: 'user', content: 'good' });
    await historian.flush();
    expect(await contents(historian, 'memory')).toEqual(['good']);
    await historian.close();
  });

  it('offers typed helpers for every entry type', async () => {
    const historian = await createHistorian({ providers: [{ type: 'memory' }] });
    historian.logConversationStart({ conversation_id: 'c', agent_name: 'a' });
    historian.logMessage({ conversation_id: 'c', role: 'user', content: 'hello' });
    historian.logToolCall({ conversation_id: 'c', message_id: 'm', tool_name: 't', args: { x: 1 }, result: 'ok' });
    historian.logCommand({ agent_name: 'a', session_id: 's', command: 'run' });
    historian.logContext({ conversation_id: 'c', role: 'system', content: 'ctx' });
    await historian.flush();
    expect(await contents(historian, 'memory')).toEqual(['conversation_start', 'hello', 'tool_call', 'run', 'context']);
    await historian.close();
  });

  it('writes in the background without flush, in batches', async () => {
    const batches: number[] = [];
    const manifest = resolveStorage({ providers: [{ type: 'memory' }] });
    const historian = new Historian(manifest, [counting(batches)], { batchSize: 100, flushInterval: 1 });
    for (let i = 0; i < 250; i++) historian.logMessage({ conversation_id: 'c', role: 'user', content: `m${i}` });
    await new Promise((done) => setTimeout(done, 30));
    expect(batches).toEqual([100, 100, 50]);
    await historian.close();
  });

  it('refuses to log after close', async () => {
    const historian = await createHistorian({ providers: [] });
    await historian.close();
    expect(() => historian.logMessage({ conversation_id: 'c', role: 'user', content: 'late' })).toThrow('historian is closed');
  });
});

function counting(batches: number[]): Provider {
  return { label: 'memory', type: 'memory', write: (batch) => void batches.push(batch.length), close: async () => {} };
}

/** A provider whose storage is down for the first `failures` writes (a disk that fills, then frees). */
function flaky(failures: number, written: LogRecord[]): Provider {
  let calls = 0;
  return {
    label: 'flaky',
    type: 'memory',
    write(batch) {
      calls += 1;
      if (calls <= failures) throw new Error('ENOSPC: no space left on device');
      written.push(...batch);
    },
    close: async () => {},
  };
}

describe('failure isolation', () => {
  const manifest = resolveStorage({ providers: [{ type: 'memory', name: 'healthy' }, { type: 'memory', name: 'flaky' }] });

  it('keeps writing to the other providers, reports the error and retries the failed batch', async () => {
    const healthy = await memoryProvider.open(manifest.providers[0] as never, { manifest, warn: () => {} });
    const written: LogRecord[] = [];
    const errors: ProviderError[] = [];
    const historian = new Historian(manifest, [healthy, flaky(2, written)], { retryDelay: 1, onError: (e) => errors.push(e) });
    historian.logMessage({ conversation_id: 'c', role: 'user', content: 'one' });
    historian.logMessage({ conversation_id: 'c', role: 'user', content: 'two' });
    await historian.flush();
    expect(await contents(historian, 'healthy')).toEqual(['one', 'two']);
    expect(written.map((r) => (r.entry.type === 'message' ? r.entry.content : ''))).toEqual(['one', 'two']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(ProviderError);
    expect(errors[0]!.message).toBe('flaky: write failed (2 entries queued, retrying): ENOSPC: no space left on device');
    await historian.close();
  });

  it('rejects flush after repeated failures, keeping the entries queued for later', async () => {
    const written: LogRecord[] = [];
    const historian = new Historian(manifest, [counting([]), flaky(3, written)], { retryDelay: 1, flushAttempts: 2, onError: () => {} });
    historian.logMessage({ conversation_id: 'c', role: 'user', content: 'kept' });
    await expect(historian.flush()).rejects.toThrow(ProviderError);
    expect(historian.pending()).toEqual({ memory: 0, flaky: 1 });
    await historian.flush();
    expect(written).toHaveLength(1);
    await historian.close();
  });

  it('emits error events to listeners', async () => {
    const historian = new Historian(manifest, [counting([]), flaky(1, [])], { retryDelay: 1 });
    const seen: string[] = [];
    historian.on('error', (error) => seen.push(error.provider));
    historian.logMessage({ conversation_id: 'c', role: 'user', content: 'x' });
    await historian.flush();
    expect(seen).toEqual(['flaky']);
    await historian.close();
  });
});

describe('reading: which provider (SPEC §3.5)', () => {
  const providers = [
    { type: 'memory', name: 'first' },
    { type: 'memory', name: 'second' },
    { type: 'memory', name: 'third' },
  ] as const;

  it('prefers the named provider, then default_provider, then the first readable one', async () => {
    const historian = await createHistorian({ providers: [...providers], default_provider: 'second' });
    expect(historian.history('third').provider).toBe('third');
    expect(historian.history().provider).toBe('second');
    await historian.close();
    const plain = await createHistorian({ providers: [...providers] });
    expect(plain.history().provider).toBe('first');
    expect(plain.history('memory').provider).toBe('first');
    await plain.close();
  });

  it('says clearly when no provider can read or the name is unknown', async () => {
    const none = await createHistorian({ providers: [] });
    expect(() => none.history()).toThrow(HistorianError);
    expect(() => none.history()).toThrow('no configured provider can read history; configure one of type sql, file, memory');
    await none.close();
    const some = await createHistorian({ providers: [{ type: 'memory' }] });
    expect(() => some.history('sql')).toThrow('no provider named "sql" (configured: memory)');
    await some.close();
  });
});

describe('selectReader', () => {
  it('skips write-only providers when picking the first readable one, and refuses one by name', async () => {
    const { selectReader } = await import('../../src/history/select.js');
    const items = [
      { label: 'chat', type: 'text_file', readable: false },
      { label: 'archive', type: 'file', readable: true },
    ];
    const { definitions } = resolveStorage({ providers: [] });
    expect(selectReader(items, { defaultProvider: null, definitions }).label).toBe('archive');
    expect(() => selectReader(items, { defaultProvider: null, definitions }, 'chat')).toThrow(
      'provider "chat" (text_file) cannot read history; readable types: sql, file, memory',
    );
    expect(() => selectReader(items, { defaultProvider: 'text_file', definitions })).toThrow('cannot read history');
  });
});

describe('background writes and retries', () => {
  const manifest = resolveStorage({ providers: [{ type: 'memory', name: 'slow' }] });

  it('writes entries logged during a slow write without waiting for another log() or flush()', async () => {
    const written: string[] = [];
    const slow: Provider = {
      label: 'slow',
      type: 'memory',
      async write(batch) {
        await new Promise((done) => setTimeout(done, 80));
        for (const { entry } of batch) written.push(entry.id);
      },
      close: async () => {},
    };
    const historian = new Historian(manifest, [slow], { flushInterval: 5 });
    historian.logMessage({ id: 'first', conversation_id: 'c', role: 'user', content: 'a' });
    await new Promise((done) => setTimeout(done, 30));
    historian.logMessage({ id: 'second', conversation_id: 'c', role: 'user', content: 'b' });
    await new Promise((done) => setTimeout(done, 400));
    expect(written).toEqual(['first', 'second']);
    expect(historian.pending()).toEqual({ slow: 0 });
    await historian.close();
  });

  it('does not store an entry twice when a write that stored part of a batch is retried', async () => {
    const { mkdtempSync, mkdirSync, rmSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'historian-retry-'));
    const path = join(dir, 'history.json');
    try {
      const historian = await createHistorian({ providers: [{ type: 'file', path }] }, { retryDelay: 1, flushAttempts: 3, onError: () => {} });
      mkdirSync(path); // the file's place is taken: every save fails until it is freed
      historian.logMessage({ conversation_id: 'c', role: 'user', content: 'once' });
      await expect(historian.flush()).rejects.toThrow(ProviderError);
      rmSync(path, { recursive: true });
      await historian.flush();
      expect((await historian.history().messages()).map((m) => m.content)).toEqual(['once']);
      await historian.close();
      expect(JSON.parse(readFileSync(path, 'utf8')).messages).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
