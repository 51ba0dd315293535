import type { Page, RunStatus, RunTokenUsage, RunView } from '../core/run-queries.js';
import type { StatsGroup, TimeInput } from '../core/queries.js';
import { QueryError } from '../core/errors.js';
import { normalizeTimes } from '../core/time.js';
import { envelope } from '../runs/pages.js';
import { addUsage, emptyUsage } from '../runs/views.js';
import { pageOf } from '../store/reader.js';
import type { History } from './history.js';

/*
 * Views composed from the query layer for the console: sessions summed from their runs, an
 * overview of a period, and token and cost series by agent or model.
 */

/** One session's runs summed up. */
export interface SessionSummary {
  session_id: string;
  /** The agents that ran in it, sorted. */
  agents: string[];
  runs: number;
  running: number;
  completed: number;
  failed: number;
  token_usage: RunTokenUsage;
  /** USD. */
  cost: number;
  /** When its first run started. */
  started_at: string;
  /** The latest start or end among its runs. */
  last_activity: string;
}

/** Which sessions to sum: those with a run started in the window, by agent. */
export interface SessionQuery {
  agent?: string;
  since?: TimeInput;
  until?: TimeInput;
  limit?: number;
  offset?: number;
}

function addRun(into: SessionSummary, run: RunView): void {
  into.runs += 1;
  into[run.status] += 1;
  addUsage(into.token_usage, run.token_usage);
  into.cost += run.cost;
  if (!into.agents.includes(run.agent_name)) into.agents.push(run.agent_name);
  if (run.started_at < into.started_at) into.started_at = run.started_at;
  const last = run.ended_at ?? run.started_at;
  if (last > into.last_activity) into.last_activity = last;
}

function emptySession(run: RunView): SessionSummary {
  const at = run.started_at;
  return { session_id: run.session_id, agents: [], runs: 0, running: 0, completed: 0, failed: 0, token_usage: emptyUsage(), cost: 0, started_at: at, last_activity: at };
}

/**
 * Sessions with a run started in the window, most recently active first (ties by id), each with
 * its runs summed: how many, how many completed and failed, tokens, cost and last activity. It
 * reads the runs of the window, so a narrow window is cheaper.
 */
export async function sessionsPage(history: History, query: SessionQuery = {}): Promise<Page<SessionSummary>> {
  const runs = await history.runs({ agent: query.agent, since: query.since, until: query.until });
  const sessions = new Map<string, SessionSummary>();
  for (const run of runs) {
    let session = sessions.get(run.session_id);
    if (!session) sessions.set(run.session_id, (session = emptySession(run)));
    addRun(session, run);
  }
  const all = [...sessions.values()]
    .map((s) => ({ ...s, agents: s.agents.sort() }))
    .sort((a, b) => (a.last_activity !== b.last_activity ? (a.last_activity < b.last_activity ? 1 : -1) : a.session_id < b.session_id ? -1 : 1));
  return envelope(pageOf(all, query), all.length, query.offset);
}

/** Totals of a period. */
export interface Overview {
  since: string | null;
  until: string | null;
  /** Conversations started in the period. */
  conversations: number;
  messages: number;
  /** Message token and cost totals. */
  tokens: number;
  cost: number;
  agents: string[];
  models: string[];
  /** Runs started in the period, by status (absent when the provider stores no run log). */
  runs?: Record<RunStatus | 'total', number>;
  /** The run log's LLM calls in the period, their tokens and cost. */
  llm_calls?: number;
  llm_tokens?: number;
  llm_cost?: number;
}

/** Totals over a period: conversations, messages, tokens and cost, agents and models, runs by status, LLM calls. */
export async function overview(history: History, query: { since?: TimeInput; until?: TimeInput } = {}): Promise<Overview> {
  const window = normalizeTimes({ since: query.since, until: query.until });
  const [byAgent, byModel, started] = await Promise.all([
    history.stats({ ...window, group_by: 'agent' }),
    history.stats({ ...window, group_by: 'model' }),
    history.conversationsPage({ ...window, limit: 0 }),
  ]);
  const sum = (pick: (g: (typeof byAgent.groups)[number]) => number | undefined) => byAgent.groups.reduce((total, g) => total + (pick(g) ?? 0), 0);
  const result: Overview = {
    since: window.since ?? null,
    until: window.until ?? null,
    conversations: started.total,
    messages: sum((g) => g.messages),
    tokens: sum((g) => g.total_tokens),
    cost: sum((g) => g.cost),
    agents: byAgent.groups.flatMap((g) => (g.key === null ? [] : [g.key])),
    models: byModel.groups.flatMap((g) => (g.key === null ? [] : [g.key])),
  };
  if (!history.storesRuns) return result;
  const count = async (status?: RunStatus) => (await history.runsPage({ ...window, status, limit: 0 })).total;
  const [total, running, completed, failed] = await Promise.all([count(), count('running'), count('completed'), count('failed')]);
  return { ...result, runs: { total, running, completed, failed }, llm_calls: sum((g) => g.llm_calls), llm_tokens: sum((g) => g.llm_tokens?.total), llm_cost: sum((g) => g.llm_cost) };
}

/** One point of a series: a time bucket and an agent or model. */
export interface SeriesPoint {
  time: string;
  key: string | null;
  messages: number;
  tokens: number;
  cost: number;
}

/** Message tokens and cost per hour or day, split by agent or by model. */
export interface Series {
  bucket: 'hour' | 'day';
  by: 'agent' | 'model';
  since: string | null;
  until: string | null;
  keys: (string | null)[];
  points: SeriesPoint[];
}

/**
 * Tokens and cost over time by agent (a stats query per agent, grouped by the bucket) or by
 * model (the window's messages streamed once and bucketed here, as stats cannot filter by
 * model). Messages of no agent are left out of the split by agent: no query picks them alone.
 */
export async function series(history: History, query: { bucket: 'hour' | 'day'; by: 'agent' | 'model'; since?: TimeInput; until?: TimeInput }): Promise<Series> {
  const { bucket, by } = query;
  if (bucket !== 'hour' && bucket !== 'day') throw new QueryError(`invalid bucket "${String(bucket)}": expected hour or day`);
  if (by !== 'agent' && by !== 'model') throw new QueryError(`invalid by "${String(by)}": expected agent or model`);
  const window = normalizeTimes({ since: query.since, until: query.until });
  const groups = (await history.stats({ ...window, group_by: by as StatsGroup })).groups;
  const keys = groups.map((g) => g.key).filter((key) => by === 'model' || key !== null);
  const points = by === 'agent' ? await agentPoints(history, keys, bucket, window) : await modelPoints(history, bucket, window);
  return { bucket, by, since: window.since ?? null, until: window.until ?? null, keys, points: points.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)) };
}

async function agentPoints(history: History, keys: (string | null)[], bucket: 'hour' | 'day', window: { since?: string | undefined; until?: string | undefined }): Promise<SeriesPoint[]> {
  const agents = keys.filter((key): key is string => key !== null);
  const perAgent = await Promise.all(agents.map((agent) => history.stats({ ...window, agent, group_by: bucket })));
  return perAgent.flatMap((stats, i) => stats.groups.map((g) => ({ time: g.key ?? '', key: agents[i]!, messages: g.messages, tokens: g.total_tokens, cost: g.cost })));
}

async function modelPoints(history: History, bucket: 'hour' | 'day', window: { since?: string | undefined; until?: string | undefined }): Promise<SeriesPoint[]> {
  const points = new Map<string, SeriesPoint>();
  for await (const m of history.entries({ ...window, types: ['message'] })) {
    if (m.type !== 'message') continue;
    const time = bucket === 'day' ? m.timestamp.slice(0, 10) : `${m.timestamp.slice(0, 13)}:00Z`;
    const id = `${time}\u0000${m.model ?? ''}`;
    let point = points.get(id);
    if (!point) points.set(id, (point = { time, key: m.model ?? null, messages: 0, tokens: 0, cost: 0 }));
    point.messages += 1;
    point.tokens += m.cost_info?.token_usage?.total ?? 0;
    point.cost += m.cost_info?.total_cost ?? 0;
  }
  return [...points.values()];
}
