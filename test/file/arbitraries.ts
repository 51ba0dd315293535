import fc from 'fast-check';
import { validateEntry, type Entry } from '../../src/index.js';

/** Strings that trip up one format or another: quoting, escapes, comments, keywords, line breaks. */
const TRICKY = [
  '', ' ', 'true', 'false', 'null', '~', 'yes', '0', '-1', '1e3', '0x1F', '.inf', 'NaN', '"quoted"', "'", "'single'", '"',
  '\\', '\\\\', '\\;', '\\#', 'a;b', '# not a comment', '[section]', '[x', 'k=v', ' lead', 'trail ', '\t', '\n', '\r\n',
  'line one\nline two\n', '\u2028', '\u2029', '\u0000', '\u007f', 'Résumé ✓ 数据 — "quoted"', '🦜 emoji', '- item', ': colon',
  '2026-11-20T10:00:00Z', '{}', '[]', 'multi\n\n  indented\n', '"""', "'''", ' \n', '\t\n', 'a\n  \nb', '\n \n',
];

/** Any text: arbitrary code points, tricky fragments, or lines glued from both. */
export const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(...TRICKY),
  fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 5 })), { maxLength: 5 }).map((parts) => parts.join('')),
);

/** Non-empty text, as the entry schema requires for names and ids. */
export const someText = anyText.filter((text) => text.length > 0);

/** JSON numbers that survive JSON itself (no -0, no NaN or infinities). */
const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
  fc.constantFrom(0, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e21, 5e-324, 1e300),
);

/** Object keys: anything but `__proto__`, which no JavaScript object can hold as plain data. */
const key = anyText.filter((text) => text !== '__proto__');

/** Any JSON value, nested, with nulls, empty lists and empty objects. */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    number,
    anyText,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A JSON object (tool args, metadata). */
export const jsonObject = fc.dictionary(key, jsonValue, { maxKeys: 5 });

const count = fc.nat({ max: 10_000_000 });
const stamp = {
  id: someText,
  timestamp: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  seq: fc.nat(),
};

const costInfo = fc.record(
  {
    token_usage: fc.record(
      { total: count, prompt: count, completion: count, cache_read: count, cache_write: count, reasoning: count },
      { requiredKeys: ['prompt', 'completion'] },
    ),
    total_cost: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
  },
  { requiredKeys: ['token_usage'] },
);

const kinds = {
  message: fc.record(
    {
      type: fc.constant('message'), ...stamp, conversation_id: someText, message_id: someText, content: anyText, role: someText,
      name: someText, model: someText, cost_info: costInfo, response_time: fc.double({ min: 0, max: 1e6, noNaN: true }).map((x) => x + 0),
      forwarded_from: fc.array(someText, { maxLength: 3 }),
    },
    { requiredKeys: ['type', 'id', 'timestamp', 'seq', 'conversation_id', 'content', 'role'] },
  ),
  conversation_start: fc.record({ type: fc.constant('conversation_start'), ...stamp, conversation_id: someText, agent_name: someText }),
  tool_call: fc.record(
    {
      type: fc.constant('tool_call'), ...stamp, conversation_id: someText, message_id: someText, tool_call_id: someText,
      tool_name: someText, args: jsonObject, result: jsonValue,
    },
    { requiredKeys: ['type', 'id', 'timestamp', 'seq', 'conversation_id', 'message_id', 'tool_name', 'args', 'result'] },
  ),
  command: fc.record(
    { type: fc.constant('command'), ...stamp, agent_name: someText, session_id: someText, command: someText, context_type: someText, metadata: jsonObject },
    { requiredKeys: ['type', 'id', 'timestamp', 'seq', 'agent_name', 'session_id', 'command'] },
  ),
  context: fc.record(
    { type: fc.constant('context'), ...stamp, conversation_id: someText, content: anyText, role: someText, name: someText, model: someText, metadata: jsonObject },
    { requiredKeys: ['type', 'id', 'timestamp', 'seq', 'conversation_id', 'content', 'role'] },
  ),
};

/** A stamped entry that passes `entrySchema`, as the logger hands it to providers. */
export const entry: fc.Arbitrary<Entry> = fc.oneof(...Object.values(kinds)).map((raw) => validateEntry(raw) as Entry);

/**
 * The key a store keeps an entry under once, besides its id: a message's `message_id` (else its
 * id); a tool call's `tool_call_id` in its conversation (a later one completes the first).
 */
export function onceKey(e: Entry): string | undefined {
  if (e.type === 'message') return `message:${e.message_id ?? e.id}`;
  if (e.type === 'tool_call' && e.tool_call_id !== undefined) return `tool_call:${JSON.stringify([e.conversation_id, e.tool_call_id])}`;
  return undefined;
}

/** Entries with distinct ids, messages with distinct message ids and tool calls with distinct tool call ids (stores keep one entry per each). */
export const entries = (maxLength: number) =>
  fc.uniqueArray(entry, { selector: (e) => e.id, maxLength }).map((list) => {
    const keys = new Set<string>();
    return list.filter((e) => {
      const key = onceKey(e);
      return key === undefined || (!keys.has(key) && keys.add(key));
    });
  });

/** Entries ordered by id, to compare stores whose order may differ on equal timestamps. */
export function byId(list: readonly Entry[]): Entry[] {
  return [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
