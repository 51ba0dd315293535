import { describe, expect, it } from 'vitest';
import { createHistorian, EntryError, validateEntry } from '../../src/index.js';

const fact = { session_id: 's', run_id: 'r', agent_name: 'planner' };

describe('log_runs (SPEC §1.3, §3.6)', () => {
  it('logs run facts only where the global and the provider flag are both true', async () => {
    const historian = await createHistorian({
      providers: [{ type: 'memory', name: 'on' }, { type: 'memory', name: 'off', log_runs: false }],
    });
    historian.log({ type: 'run_started', ...fact, user_input: 'go' });
    historian.logMessage({ conversation_id: 'c', role: 'user', content: 'hi' });
    await historian.flush();
    expect(await historian.history('on').runs()).toHaveLength(1);
    expect(await historian.history('off').runs()).toEqual([]);
    expect(await historian.history('off').messages()).toHaveLength(1);
    await historian.close();

    const off = await createHistorian({ log_runs: false, providers: [{ type: 'memory', log_runs: true }] });
    off.log({ type: 'run_started', ...fact, user_input: 'go' });
    await off.flush();
    expect(await off.history().runs()).toEqual([]);
    await off.close();
  });

  it('attributes a fact to its own agent for the agent filters', async () => {
    const historian = await createHistorian({ providers: [{ type: 'memory', agents: ['executor'] }] });
    historian.log({ type: 'run_started', ...fact, user_input: 'go' });
    historian.log({ type: 'run_started', ...fact, run_id: 'r2', agent_name: 'executor', user_input: 'go' });
    await historian.flush();
    expect((await historian.history().runs()).map((r) => r.run_id)).toEqual(['r2']);
    await historian.close();
  });
});

describe('run facts at the door', () => {
  it('accepts every fact type', () => {
    const facts = [
      { type: 'run_started', ...fact, user_input: 'go', parent_run_id: 'r0' },
      { type: 'run_finished', ...fact, response: 'done', termination_reason: 'stop', metrics: { steps: 3 } },
      { type: 'run_failed', ...fact, error: 'boom' },
      { type: 'llm_call_started', ...fact, call_id: 'l', model: 'm', message_count: 3, messages_preview: 'hi' },
      { type: 'llm_call_completed', ...fact, call_id: 'l', model: 'm', finish_reason: 'stop', first_token_ms: 5, duration_ms: 9 },
      { type: 'termination_decided', ...fact, reason: 'max_steps', source: 'runtime' },
      { type: 'tool_call_started', ...fact, call_id: 't', tool_name: 'ls', args: {} },
      { type: 'tool_call_completed', ...fact, call_id: 't', tool_name: 'ls', result: ['a'] },
      { type: 'run_rolled_back', ...fact, from_sequence: 2, to_sequence: 2 },
    ];
    for (const input of facts) expect(validateEntry(input)).toMatchObject(input);
  });

  it('names the bad field', () => {
    const fieldOf = (input: unknown) => {
      try {
        validateEntry(input);
      } catch (error) {
        return (error as EntryError).field;
      }
      return 'none';
    };
    expect(fieldOf({ type: 'run_started', session_id: 's', run_id: 'r', user_input: 'x' })).toBe('agent_name');
    expect(fieldOf({ type: 'llm_call_completed', ...fact, call_id: 'l', model: 'm', cost_info: { token_usage: { prompt: -1, completion: 0 } } })).toBe(
      'cost_info.token_usage.prompt',
    );
    expect(fieldOf({ type: 'run_rolled_back', ...fact, from_sequence: 5, to_sequence: 2 })).toBe('to_sequence');
    expect(fieldOf({ type: 'run_paused', ...fact })).toBe('type');
  });
});
