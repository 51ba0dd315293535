import { describe, expect, it } from 'vitest';
import { compileRedactor, type RedactConfig } from '../../src/core/redact.js';
import type { Entry } from '../../src/index.js';

const config = (overrides: Partial<RedactConfig>): RedactConfig => ({ presets: [], patterns: [], fields: [], replacement: '[R]', ...overrides });
const redact = (overrides: Partial<RedactConfig>, entry: object) => compileRedactor(config(overrides))!(entry as Entry) as unknown as Record<string, unknown>;
const base = { id: 'e1', timestamp: '2026-11-29T10:00:00.000Z', seq: 1 };

describe('redaction presets', () => {
  const cases: [RedactConfig['presets'][number], string][] = [
    ['api_keys', 'sk-ant-api03-abcdefghijklmnop'],
    ['api_keys', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz'],
    ['api_keys', 'AKIAABCDEFGHIJKLMNOP'],
    ['api_keys', 'xoxb-1234567890-abcdef'],
    ['bearer_tokens', 'Bearer abcdefgh.ijklmnop'],
    ['jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sflKxwRJSMeKKF2QT4fwpM'],
    ['private_keys', '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----'],
    ['emails', 'first.last+tag@mail.example.co.uk'],
  ];
  it.each(cases)('%s masks %s and keeps the text around it', (preset, secret) => {
    const entry = redact({ presets: [preset] }, { ...base, type: 'message', conversation_id: 'c', role: 'user', content: `before ${secret} after` });
    expect(entry.content).toBe('before [R] after');
  });

  it('leave ordinary text alone', () => {
    const entry = { ...base, type: 'message', conversation_id: 'c', role: 'user', content: 'ask@ the desk, sk-short, Bearer of news' };
    expect(compileRedactor(config({ presets: ['api_keys', 'bearer_tokens', 'emails'] }))!(entry as Entry)).toBe(entry);
  });
});

describe('redaction scope', () => {
  it('never changes identifiers, names or models, even when a pattern matches them', () => {
    const entry = { ...base, type: 'message', conversation_id: 'alice@example.com', role: 'user', name: 'alice@example.com', model: 'x', content: 'from alice@example.com' };
    const out = redact({ presets: ['emails'] }, entry);
    expect([out.conversation_id, out.name, out.content]).toEqual(['alice@example.com', 'alice@example.com', 'from [R]']);
  });

  it('replaces whole values at field paths: exact, * for one key, ** for any depth, through arrays', () => {
    const entry = {
      ...base,
      type: 'tool_call',
      conversation_id: 'c',
      message_id: 'm',
      tool_name: 't',
      args: { password: 'p', nested: { password: 'kept', token: 't1' }, list: [{ token: 't2' }] },
      result: { deep: { er: { token: 't3' } } },
    };
    const out = redact({ fields: ['args.password', '**.token'] }, entry);
    expect(out.args).toEqual({ password: '[R]', nested: { password: 'kept', token: '[R]' }, list: [{ token: '[R]' }] });
    expect(out.result).toEqual({ deep: { er: { token: '[R]' } } });
    expect(redact({ fields: ['args.*.password'] }, entry).args).toMatchObject({ password: 'p', nested: { password: '[R]' } });
  });

  it('copies what it changes and never mutates the logged object', () => {
    const args = { password: 'p', other: { a: 1 } };
    const entry = { ...base, type: 'tool_call', conversation_id: 'c', message_id: 'm', tool_name: 't', args, result: null };
    const out = redact({ fields: ['args.password'] }, entry);
    expect(args.password).toBe('p');
    expect(out.args).not.toBe(args);
    expect((out.args as typeof args).other).toBe(args.other);
  });

  it('is absent when the block redacts nothing', () => {
    expect(compileRedactor(config({}))).toBeNull();
  });
});

describe('redaction config checks', () => {
  it('refuse a field path that would replace a whole object field, and a pattern matching the empty string', async () => {
    const { fieldPathProblem, patternProblem } = await import('../../src/core/redact.js');
    expect(fieldPathProblem('args')).toMatch(/would replace a whole object; name a key inside it, e.g\. args\.password/);
    expect(fieldPathProblem('**')).toMatch(/would replace a whole field/);
    expect(fieldPathProblem('args.password')).toBeNull();
    expect(fieldPathProblem('result')).toBeNull();
    expect(patternProblem('(secret)?')).toMatch(/matches the empty string/);
    expect(patternProblem('secret')).toBeNull();
  });

  it('keeps a whole object field an object when ** matches it with nothing in between', () => {
    const entry = { ...base, type: 'tool_call', conversation_id: 'c', message_id: 'm', tool_name: 't', args: { args: 'inner', a: 1 }, result: null };
    expect(redact({ fields: ['**.args'] }, entry).args).toEqual({ args: '[R]', a: 1 });
  });
});
