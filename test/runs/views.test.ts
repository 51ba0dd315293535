import { describe, expect, it } from 'vitest';
import { steps, traces, type RunFact } from '../../src/index.js';

let seq = 0;
function fact(sequence: number, rest: Record<string, unknown>): RunFact {
  seq += 1;
  return { id: `f${seq}`, seq, timestamp: `2026-11-23T10:00:0${sequence}.000Z`, session_id: 's', run_id: 'r', agent_name: 'a', sequence, ...rest } as RunFact;
}

describe('run views from facts', () => {
  it('opens a span from a completion alone, dating its start back by its duration', () => {
    const facts = [
      fact(1, { type: 'run_started', user_input: 'go' }),
      fact(2, { type: 'tool_call_completed', call_id: 't', tool_name: 'ls', duration_ms: 1500, error: 'denied' }),
    ];
    const [trace] = traces(facts, {});
    expect(trace!.spans).toMatchObject([{ kind: 'tool', started_at: '2026-11-23T10:00:00.500Z', ended_at: '2026-11-23T10:00:02.000Z', duration_ms: 1500, status: 'error', error: 'denied' }]);
  });

  it('never lets a rollback hide itself or later facts, and gives the same answer in any order', () => {
    const facts = [
      fact(1, { type: 'run_started', user_input: 'go' }),
      fact(2, { type: 'llm_call_started', call_id: 'l', model: 'm' }),
      fact(3, { type: 'run_rolled_back', from_sequence: 2, to_sequence: 9 }),
      fact(4, { type: 'run_finished', response: 'ok' }),
    ];
    expect(steps(facts, { session: 's' }).map((f) => f.sequence)).toEqual([1, 4]);
    expect(steps([...facts].reverse(), { session: 's' }).map((f) => f.sequence)).toEqual([1, 4]);
  });
});
