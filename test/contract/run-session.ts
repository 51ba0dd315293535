import type { EntryInput } from '../../src/index.js';

const at = (time: string) => `2026-11-${time}Z`;

/** Prices of the runs contract; `cache_write` is left out on purpose, so it falls back to the input price. */
export const RUN_PRICING = { 'openai/gpt-4o': { input: 2.5, output: 10, cache_read: 1.25 } };

/**
 * A scripted run log with fixed times and ids: session s1 holds a completed run of the planner
 * (r1: two LLM calls and a tool call) and a failed sub-run of the executor (r2); session s2
 * holds a running run of the analyzer (r3) with a rollback of its first LLM call.
 */
export const RUN_SESSION: EntryInput[] = [
  { type: 'run_started', id: 'f1', session_id: 's1', run_id: 'r1', agent_name: 'planner', user_input: 'Plan the release', timestamp: at('20T10:00:00.000') },
  { type: 'llm_call_started', id: 'f2', session_id: 's1', run_id: 'r1', agent_name: 'planner', call_id: 'l1', model: 'openai/gpt-4o', message_count: 2, timestamp: at('20T10:00:01.000') },
  {
    type: 'llm_call_completed',
    id: 'f3',
    session_id: 's1',
    run_id: 'r1',
    agent_name: 'planner',
    call_id: 'l1',
    model: 'openai/gpt-4o',
    content_preview: 'Let me search',
    tool_calls: [{ name: 'search' }],
    finish_reason: 'tool_calls',
    cost_info: { token_usage: { prompt: 1000, completion: 200, cache_read: 400, cache_write: 100 } },
    first_token_ms: 300,
    duration_ms: 1500,
    timestamp: at('20T10:00:02.500'),
  },
  { type: 'tool_call_started', id: 'f4', session_id: 's1', run_id: 'r1', agent_name: 'planner', call_id: 't1', tool_name: 'search', args: { q: 'checklist' }, timestamp: at('20T10:00:03.000') },
  { type: 'tool_call_completed', id: 'f5', session_id: 's1', run_id: 'r1', agent_name: 'planner', call_id: 't1', tool_name: 'search', result: { hits: 2 }, duration_ms: 500, timestamp: at('20T10:00:03.500') },
  { type: 'llm_call_started', id: 'f6', session_id: 's1', run_id: 'r1', agent_name: 'planner', call_id: 'l2', model: 'anthropic/claude-sonnet-4', timestamp: at('20T10:00:04.000') },
  {
    type: 'llm_call_completed',
    id: 'f7',
    session_id: 's1',
    run_id: 'r1',
    agent_name: 'planner',
    call_id: 'l2',
    model: 'anthropic/claude-sonnet-4',
    finish_reason: 'stop',
    cost_info: { token_usage: { prompt: 500, completion: 100 }, total_cost: 0.01 },
    timestamp: at('20T10:00:05.000'),
  },
  { type: 'termination_decided', id: 'f8', session_id: 's1', run_id: 'r1', agent_name: 'planner', reason: 'final_answer', source: 'model', timestamp: at('20T10:00:05.100') },
  { type: 'run_finished', id: 'f9', session_id: 's1', run_id: 'r1', agent_name: 'planner', response: 'Release plan ready', timestamp: at('20T10:00:06.000') },
  { type: 'run_started', id: 'f10', session_id: 's1', run_id: 'r2', agent_name: 'executor', user_input: 'Build it', parent_run_id: 'r1', timestamp: at('20T10:05:00.000') },
  { type: 'llm_call_started', id: 'f11', session_id: 's1', run_id: 'r2', agent_name: 'executor', call_id: 'l3', model: 'openai/gpt-4o', timestamp: at('20T10:05:01.000') },
  { type: 'llm_call_completed', id: 'f12', session_id: 's1', run_id: 'r2', agent_name: 'executor', call_id: 'l3', model: 'openai/gpt-4o', error: 'rate limited', duration_ms: 200, timestamp: at('20T10:05:01.200') },
  { type: 'run_failed', id: 'f13', session_id: 's1', run_id: 'r2', agent_name: 'executor', error: 'rate limited', timestamp: at('20T10:05:02.000') },
  { type: 'run_started', id: 'g1', session_id: 's2', run_id: 'r3', agent_name: 'analyzer', user_input: 'Summarise', timestamp: at('21T09:00:00.000') },
  { type: 'llm_call_started', id: 'g2', session_id: 's2', run_id: 'r3', agent_name: 'analyzer', call_id: 'l4', model: 'openai/gpt-4o', timestamp: at('21T09:00:01.000') },
  {
    type: 'llm_call_completed',
    id: 'g3',
    session_id: 's2',
    run_id: 'r3',
    agent_name: 'analyzer',
    call_id: 'l4',
    model: 'openai/gpt-4o',
    cost_info: { token_usage: { prompt: 300, completion: 50 } },
    duration_ms: 1000,
    timestamp: at('21T09:00:02.000'),
  },
  { type: 'tool_call_started', id: 'g4', session_id: 's2', run_id: 'r3', agent_name: 'analyzer', call_id: 't2', tool_name: 'shell', timestamp: at('21T09:00:03.000') },
  { type: 'run_rolled_back', id: 'g5', session_id: 's2', run_id: 'r3', agent_name: 'analyzer', from_sequence: 2, to_sequence: 3, reason: 'hallucinated', timestamp: at('21T09:00:04.000') },
  { type: 'llm_call_started', id: 'g6', session_id: 's2', run_id: 'r3', agent_name: 'analyzer', call_id: 'l5', model: 'openai/gpt-4o', timestamp: at('21T09:00:05.000') },
];
