import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian, type Historian, type RunFact } from '../../src/index.js';
import type { ContractFixture, ContractOptions } from './history-contract.js';
import { RUN_PRICING, RUN_SESSION } from './run-session.js';

const runIds = (items: { run_id: string }[]) => items.map((r) => r.run_id);
const sequences = (facts: RunFact[]) => facts.map((f) => f.sequence);

/**
 * The run-log contract (SPEC §3.6): every readable provider, given the same facts, rebuilds the
 * same run views, steps, traces and LLM-call stats. Call once per provider (and dialect or format).
 */
export function runsContract(name: string, fixture: () => Promise<ContractFixture> | ContractFixture, options: ContractOptions): void {
  describe(`runs contract: ${name}`, () => {
    let current: ContractFixture;
    let historian: Historian;

    const open = async () => createHistorian({ ...current.storage, pricing: RUN_PRICING }, { flushInterval: 5 });

    beforeEach(async () => {
      current = await fixture();
      historian = await open();
      for (const fact of RUN_SESSION) historian.log(fact);
      await historian.flush();
    });

    afterEach(async () => {
      await historian.close();
      await current.cleanup?.();
    });

    describe('run view', () => {
      it('rebuilds a completed run with token totals and cost (priced where the runtime gave none)', async () => {
        expect(await historian.history().run('r1')).toEqual({
          run_id: 'r1',
          session_id: 's1',
          agent_name: 'planner',
          status: 'completed',
          started_at: '2026-11-20T10:00:00.000Z',
          ended_at: '2026-11-20T10:00:06.000Z',
          duration_ms: 6000,
          response: 'Release plan ready',
          error: null,
          llm_calls: 2,
          token_usage: { total: 1800, prompt: 1500, completion: 300, cache_read: 400, cache_write: 100 },
          // l1 priced by hand: (400 × 1.25 + 100 × 2.5 + 500 × 2.5 + 200 × 10) / 1e6 = 0.004; l2 gave 0.01.
          cost: expect.closeTo(0.014, 12),
          user_input: 'Plan the release',
          parent_run_id: null,
          termination_reason: 'final_answer',
          tool_calls: 1,
        });
      });

      it('rebuilds a failed run and a running one', async () => {
        const history = historian.history();
        expect(await history.run('r2')).toMatchObject({ status: 'failed', error: 'rate limited', response: null, duration_ms: 2000, parent_run_id: 'r1', llm_calls: 1, cost: 0 });
        const running = await history.run('r3');
        expect(running).toMatchObject({ status: 'running', ended_at: null, duration_ms: null, llm_calls: 2, tool_calls: 1 });
        // A rolled-back call still counts: its tokens were paid for.
        expect(running!.token_usage).toEqual({ total: 350, prompt: 300, completion: 50, cache_read: 0, cache_write: 0 });
        expect(running!.cost).toBeCloseTo(0.00125, 12);
        expect(await history.run('nope')).toBeNull();
      });
    });

    describe('run list', () => {
      it('lists runs newest first, filtered by session, agent, status and start time, paged', async () => {
        const history = historian.history();
        expect(runIds(await history.runs())).toEqual(['r3', 'r2', 'r1']);
        expect(runIds(await history.runs({ session: 's1' }))).toEqual(['r2', 'r1']);
        expect(runIds(await history.runs({ agent: 'planner' }))).toEqual(['r1']);
        expect(runIds(await history.runs({ status: 'failed' }))).toEqual(['r2']);
        expect(runIds(await history.runs({ status: 'running' }))).toEqual(['r3']);
        expect(runIds(await history.runs({ since: '2026-11-20T10:05:00Z' }))).toEqual(['r3', 'r2']);
        expect(runIds(await history.runs({ until: '2026-11-20T10:04:59Z' }))).toEqual(['r1']);
        expect(runIds(await history.runs({ limit: 1, offset: 1 }))).toEqual(['r2']);
      });

      it('gives a page with the total count and whether more follow', async () => {
        const history = historian.history();
        const page = await history.runsPage({ limit: 1, offset: 1 });
        expect({ ...page, items: runIds(page.items) }).toEqual({ items: ['r2'], total: 3, has_more: true });
        expect(await history.runsPage({ status: 'failed', offset: 5 })).toEqual({ items: [], total: 1, has_more: false });
        const last = await history.runsPage({ session: 's1', offset: 1, limit: 5 });
        expect({ ...last, items: runIds(last.items) }).toEqual({ items: ['r1'], total: 2, has_more: false });
      });
    });

    describe('steps', () => {
      it('numbers each session 1, 2, 3… without gaps', async () => {
        const history = historian.history();
        expect(sequences(await history.steps({ session: 's1' }))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
        expect(sequences(await history.steps({ run: 'r2' }))).toEqual([10, 11, 12, 13]);
      });

      it('leaves out the facts a rollback covers, and the rollback itself', async () => {
        const found = await historian.history().steps({ session: 's2' });
        expect(found.map((f) => [f.sequence, f.type])).toEqual([
          [1, 'run_started'],
          [4, 'tool_call_started'],
          [6, 'llm_call_started'],
        ]);
      });

      it("counts a rollback among the selected facts only: another run's rollback leaves a run's steps alone", async () => {
        historian.log({ type: 'run_rolled_back', id: 'x1', session_id: 's1', run_id: 'r2', agent_name: 'executor', from_sequence: 2, to_sequence: 3, reason: 'redo', timestamp: '2026-11-20T10:06:00.000Z' });
        await historian.flush();
        const history = historian.history();
        expect(sequences(await history.steps({ run: 'r1' }))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(sequences(await history.steps({ session: 's1' }))).toEqual([1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
      });

      it('pages steps with the total count', async () => {
        const page = await historian.history().stepsPage({ session: 's2', limit: 1, offset: 1 });
        expect({ ...page, items: sequences(page.items) }).toEqual({ items: [4], total: 3, has_more: true });
        expect(sequences(await historian.history().steps({ session: 's1', offset: 11 }))).toEqual([12, 13]);
      });

      it('keeps every field of a fact as logged', async () => {
        const [, completed] = await historian.history().steps({ run: 'r2' }).then((s) => s.slice(1));
        expect(completed).toEqual({ ...RUN_SESSION[11], seq: expect.any(Number), sequence: 12 });
      });
    });

    describe('traces', () => {
      it('gives each run its LLM and tool call spans in order', async () => {
        const [r1] = await historian.history().traces({ agent: 'planner' });
        expect(r1!.spans.map((s) => [s.kind, s.span_id, s.name, s.status, s.duration_ms])).toEqual([
          ['llm', 'l1', 'openai/gpt-4o', 'ok', 1500],
          ['tool', 't1', 'search', 'ok', 500],
          ['llm', 'l2', 'anthropic/claude-sonnet-4', 'ok', 1000],
        ]);
        expect(r1!.spans[0]).toEqual({
          span_id: 'l1',
          kind: 'llm',
          name: 'openai/gpt-4o',
          started_at: '2026-11-20T10:00:01.000Z',
          ended_at: '2026-11-20T10:00:02.500Z',
          duration_ms: 1500,
          status: 'ok',
          error: null,
          token_usage: { total: 1200, prompt: 1000, completion: 200, cache_read: 400, cache_write: 100 },
          cost: expect.closeTo(0.004, 12),
          first_token_ms: 300,
          finish_reason: 'tool_calls',
          sequence: 2,
          rolled_back: false,
          args: null,
          result: null,
          content_preview: 'Let me search',
        });
        expect(r1!.spans[1]).toMatchObject({ kind: 'tool', args: { q: 'checklist' }, result: { hits: 2 }, content_preview: null });
        expect(r1!.spans[2]!.cost).toBe(0.01);
      });

      it('marks failed, running and rolled-back spans', async () => {
        const history = historian.history();
        const [r2] = await history.traces({ status: 'failed' });
        expect(r2!.spans).toMatchObject([{ span_id: 'l3', status: 'error', error: 'rate limited', token_usage: null, cost: 0 }]);
        const [r3] = await history.traces({ session: 's2' });
        expect(r3!.spans.map((s) => [s.span_id, s.status, s.rolled_back, s.ended_at])).toEqual([
          ['l4', 'ok', true, '2026-11-21T09:00:02.000Z'],
          ['t2', 'running', false, null],
          ['l5', 'running', false, null],
        ]);
      });

      it('filters by agent, session, start time, status and minimum duration', async () => {
        const history = historian.history();
        expect(runIds(await history.traces())).toEqual(['r3', 'r2', 'r1']);
        expect(runIds(await history.traces({ session: 's1', agent: 'executor' }))).toEqual(['r2']);
        expect(runIds(await history.traces({ since: '2026-11-21T00:00:00Z' }))).toEqual(['r3']);
        expect(runIds(await history.traces({ until: '2026-11-21T00:00:00Z' }))).toEqual(['r2', 'r1']);
        expect(runIds(await history.traces({ status: 'completed' }))).toEqual(['r1']);
        expect(runIds(await history.traces({ min_duration_ms: 2000 }))).toEqual(['r2', 'r1']);
        expect(runIds(await history.traces({ min_duration_ms: 2001 }))).toEqual(['r1']);
        expect(runIds(await history.traces({ limit: 1 }))).toEqual(['r3']);
      });

      it('pages traces, a minimum duration included, with the total count', async () => {
        const history = historian.history();
        const slow = await history.tracesPage({ min_duration_ms: 2000, limit: 1 });
        expect({ ...slow, items: runIds(slow.items) }).toEqual({ items: ['r2'], total: 2, has_more: true });
        expect(runIds(await history.traces({ min_duration_ms: 2000, offset: 1 }))).toEqual(['r1']);
        const second = await history.tracesPage({ offset: 1, limit: 1 });
        expect({ total: second.total, has_more: second.has_more, spans: second.items[0]!.spans.map((s) => s.span_id) }).toEqual({ total: 3, has_more: true, spans: ['l3'] });
      });
    });

    describe('stats', () => {
      it('adds LLM calls, tokens and cost per model to the stats', async () => {
        const stats = await historian.history().stats({ group_by: 'model' });
        expect(stats.groups.map((g) => [g.key, g.messages, g.llm_calls])).toEqual([
          ['anthropic/claude-sonnet-4', 0, 1],
          ['openai/gpt-4o', 0, 3],
        ]);
        const gpt = stats.groups[1]!;
        expect(gpt.llm_tokens).toEqual({ total: 1550, prompt: 1300, completion: 250, cache_read: 400, cache_write: 100 });
        expect(gpt.llm_cost).toBeCloseTo(0.004 + 0.00125, 12);
      });

      it('sums calls per day and prices per model, given costs kept', async () => {
        const stats = await historian.history().stats({ group_by: 'day', since: '2026-11-01T00:00:00Z' });
        expect(stats.groups.map((g) => [g.key, g.llm_calls, g.llm_tokens!.total])).toEqual([
          ['2026-11-20', 3, 1800],
          ['2026-11-21', 1, 350],
        ]);
        // l1 priced 0.004 and l2 given 0.01 (l3 reported no usage); l4 priced 0.00125.
        expect(stats.groups.map((g) => g.llm_cost)).toEqual([expect.closeTo(0.014, 12), expect.closeTo(0.00125, 12)]);
        const planner = await historian.history().stats({ group_by: 'hour', agent: 'planner', since: '2026-11-01T00:00:00Z' });
        expect(planner.groups.map((g) => [g.key, g.llm_calls])).toEqual([['2026-11-20T10:00Z', 2]]);
      });

      it('counts calls by their own time and agent', async () => {
        const stats = await historian.history().stats({ group_by: 'agent', since: '2026-11-20T00:00:00Z', until: '2026-11-20T23:59:59Z' });
        expect(stats.groups.map((g) => [g.key, g.llm_calls])).toEqual([
          ['executor', 1],
          ['planner', 2],
        ]);
      });
    });

    describe('LLM calls without call_id', () => {
      const run = { session_id: 's9', run_id: 'r9', agent_name: 'solo' };
      const at = (time: string) => `2026-12-01T08:00:${time}Z`;
      const usage = (prompt: number, completion: number) => ({ token_usage: { prompt, completion }, total_cost: 0.001 });

      beforeEach(async () => {
        historian.log({ type: 'run_started', ...run, user_input: 'go', timestamp: at('00.000') });
        // Two calls open at once, completed in order; then a completion with no call open.
        historian.log({ type: 'llm_call_started', ...run, model: 'm', timestamp: at('01.000') });
        historian.log({ type: 'llm_call_started', ...run, model: 'm', timestamp: at('02.000') });
        historian.log({ type: 'llm_call_completed', ...run, model: 'm', cost_info: usage(10, 1), timestamp: at('03.000') });
        historian.log({ type: 'llm_call_completed', ...run, model: 'm', cost_info: usage(20, 2), timestamp: at('05.000') });
        historian.log({ type: 'llm_call_completed', ...run, model: 'm', cost_info: usage(30, 3), duration_ms: 500, timestamp: at('07.000') });
        historian.log({ type: 'run_finished', ...run, response: 'done', timestamp: at('08.000') });
        await historian.flush();
      });

      it('pairs each completion with the oldest open call of its run, first in first out', async () => {
        const history = historian.history();
        expect(await history.run('r9')).toMatchObject({ status: 'completed', llm_calls: 3, token_usage: { prompt: 60, completion: 6, total: 66 }, cost: expect.closeTo(0.003, 12) });
        const [trace] = await history.traces({ session: 's9' });
        expect(trace!.spans.map((s) => [s.span_id, s.started_at, s.ended_at, s.duration_ms, s.token_usage?.prompt, s.status])).toEqual([
          ['#1', at('01.000'), at('03.000'), 2000, 10, 'ok'],
          ['#2', at('02.000'), at('05.000'), 3000, 20, 'ok'],
          ['#3', at('06.500'), at('07.000'), 500, 30, 'ok'],
        ]);
      });

      it('keeps the facts without a call_id, and counts each completion once in the stats', async () => {
        const history = historian.history();
        const steps = await history.steps({ session: 's9' });
        expect(steps.map((f) => [f.type, 'call_id' in f])).toEqual([
          ['run_started', false],
          ['llm_call_started', false],
          ['llm_call_started', false],
          ['llm_call_completed', false],
          ['llm_call_completed', false],
          ['llm_call_completed', false],
          ['run_finished', false],
        ]);
        const stats = await history.stats({ group_by: 'agent', since: '2026-12-01T00:00:00Z' });
        expect(stats.groups.map((g) => [g.key, g.llm_calls, g.llm_tokens!.total, g.llm_cost])).toEqual([['solo', 3, 66, expect.closeTo(0.003, 12)]]);
      });
    });

    describe('writes', () => {
      it('ignores a fact logged twice with the same id, leaving no gap', async () => {
        historian.log(RUN_SESSION[4]!);
        historian.log({ type: 'termination_decided', session_id: 's1', run_id: 'r2', agent_name: 'executor', reason: 'error', source: 'runtime' });
        await historian.flush();
        expect(sequences(await historian.history().steps({ session: 's1' }))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
      });

      it('refuses a fact whose session holds its sequence, keeping the first, in one batch and in later ones', async () => {
        const errors: Error[] = [];
        historian.on('error', (error) => errors.push(error));
        const finished = { type: 'run_finished', session_id: 's1', run_id: 'r2', agent_name: 'executor', response: 'again' } as const;
        historian.log({ ...finished, id: 'taken-1', sequence: 2 });
        historian.log({ ...finished, id: 'free-20', sequence: 20 });
        historian.log({ ...finished, id: 'taken-20', sequence: 20 });
        await historian.flush();
        const steps = await historian.history().steps({ session: 's1' });
        expect(steps.map((f) => [f.id, f.sequence]).slice(-2)).toEqual([
          ['f13', 13],
          ['free-20', 20],
        ]);
        expect(steps.find((f) => f.sequence === 2)?.id).toBe('f2');
        expect(errors.map((e) => [e.name, (e as { entryId?: string }).entryId])).toEqual([
          ['RejectedEntryError', 'taken-1'],
          ['RejectedEntryError', 'taken-20'],
        ]);
        expect(errors[0]!.message).toContain('session s1 already has a fact numbered 2');
      });

      it('streams facts with the other entries, each with its sequence', async () => {
        const started = [];
        for await (const entry of historian.history().entries({ types: ['run_started'] })) started.push(entry);
        expect(started.map((e) => [e.id, (e as RunFact).sequence])).toEqual([
          ['f1', 1],
          ['f10', 10],
          ['g1', 1],
        ]);
      });
    });

    describe('reset', () => {
      it("deletes one agent's facts, then everything", async () => {
        const history = historian.history();
        expect(await history.reset({ agent: 'executor' })).toMatchObject({ run_events: 4 });
        expect(runIds(await history.runs())).toEqual(['r3', 'r1']);
        expect(await history.reset({})).toMatchObject({ run_events: 15 });
        expect(await history.runs()).toEqual([]);
      });
    });

    if (options.persistent) {
      it('refuses a fact whose sequence another logger stored, keeping the first', async () => {
        await historian.close();
        const errors: Error[] = [];
        historian = await createHistorian({ ...current.storage, pricing: RUN_PRICING }, { flushInterval: 5, onError: (error) => errors.push(error) });
        historian.log({ type: 'run_finished', id: 'again-3', session_id: 's1', run_id: 'r1', agent_name: 'planner', response: 'again', sequence: 3 });
        await historian.flush();
        expect((await historian.history().steps({ session: 's1' })).filter((f) => f.sequence === 3).map((f) => f.id)).toEqual(['f3']);
        expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('session s1 already has a fact numbered 3')]);
      });

      it('keeps facts and numbering across close and reopen', async () => {
        await historian.close();
        historian = await open();
        expect(runIds(await historian.history().runs())).toEqual(['r3', 'r2', 'r1']);
        historian.log({ type: 'run_finished', session_id: 's2', run_id: 'r3', agent_name: 'analyzer', response: 'done' });
        await historian.flush();
        expect(sequences(await historian.history().steps({ session: 's2' }))).toEqual([1, 4, 6, 7]);
      });
    }
  });
}
