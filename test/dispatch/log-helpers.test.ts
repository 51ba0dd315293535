import { describe, expect, it } from 'vitest';
import { createHistorian, EntryError } from '../../src/index.js';

describe('the log helpers', () => {
  it('return the stamped entry: its id, timestamp, seq, and for a message its message_id', async () => {
    const historian = await createHistorian({ providers: [{ type: 'memory' }] });
    const message = historian.logMessage({ conversation_id: 'c1', role: 'user', content: 'hi' });
    expect(message).toMatchObject({ type: 'message', content: 'hi', id: expect.any(String), seq: 1, message_id: message.id });
    expect(message.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const call = historian.logToolCall({ conversation_id: 'c1', message_id: message.message_id, tool_name: 't', args: {}, result: null });
    expect(call).toMatchObject({ type: 'tool_call', message_id: message.id, seq: 2 });
    await historian.close();
  });

  it('refuse the returned entry where its id belongs, naming the field and saying what to pass', async () => {
    const historian = await createHistorian({ providers: [{ type: 'memory' }] });
    const message = historian.logMessage({ conversation_id: 'c1', role: 'user', content: 'hi' });
    const call = { conversation_id: 'c1', message_id: message as unknown as string, tool_name: 't', args: {}, result: null };
    const error = (() => {
      try {
        historian.logToolCall(call);
      } catch (thrown) {
        return thrown as EntryError;
      }
      throw new Error('expected an EntryError');
    })();
    expect(error).toBeInstanceOf(EntryError);
    expect(error.field).toBe('message_id');
    expect(error.message).toBe(
      'invalid entry: message_id: expected string, received object (an object where an id belongs: logMessage and the other log helpers ' +
        'return the stamped entry; pass its id, e.g. entry.message_id)',
    );
    await historian.flush();
    const stored = [];
    for await (const entry of historian.history().entries()) stored.push(entry);
    expect(stored).toHaveLength(1);
    await historian.close();
  });
});
