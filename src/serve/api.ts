import type { Conversation } from '../core/queries.js';
import { RUN_STATUSES, type Page } from '../core/run-queries.js';
import { HistorianError, QueryError } from '../core/errors.js';
import { addTokens, emptyTokenTotals } from '../core/token-sums.js';
import { withDetails, type DetailedConversation } from '../history/details.js';
import type { History } from '../history/history.js';
import { overview, series, sessionsPage } from '../history/summaries.js';
import { encodeCursor, Params } from './params.js';

/** A page of the API: the query layer's envelope and the cursor of the next page. */
export type ApiPage<T> = Page<T> & { next_cursor: string | null };

/** A request for something that does not exist: a 404. */
export class NotFound extends HistorianError {
  override name = 'NotFound';
}

/** What a handler is given: the history, the query parameters and the path's captured parts. */
interface Request {
  history: History;
  params: Params;
  parts: string[];
}

function paged<T>(page: Page<T>, offset: number): ApiPage<T> {
  return { ...page, next_cursor: page.has_more ? encodeCursor(offset + page.items.length) : null };
}


async function conversations({ history, params }: Request): Promise<ApiPage<Conversation>> {
  const query = {
    agent: params.text('agent'),
    model: params.text('model'),
    query: params.text('q'),
    since: params.time('since'),
    until: params.time('until'),
    compact: params.flag('compact'),
    tokens: true,
    ...params.page(),
  };
  params.done();
  return paged(await history.conversationsPage(query), query.offset);
}

/** One conversation: its start, every message in order with its tool calls and the context after it. */
async function conversation({ history, params, parts }: Request): Promise<DetailedConversation> {
  params.done();
  const id = parts[0]!;
  let start: { agent_name: string; timestamp: string } | undefined;
  for await (const entry of history.entries({ conversations: [id], types: ['conversation_start'] })) if (entry.type === 'conversation_start') start ??= entry;
  const messages = await history.messages({ conversation_id: id });
  if (!start && messages.length === 0) throw new NotFound(`no conversation "${id}" found`);
  const usage = emptyTokenTotals();
  for (const m of messages) addTokens(usage, m.cost_info?.token_usage);
  const found: Conversation = { conversation_id: id, agent_name: start?.agent_name ?? null, start_time: start?.timestamp ?? messages[0]!.timestamp, messages, token_usage: usage };
  const [detailed] = await withDetails(history, [found], { tools: true, context: true });
  return detailed!;
}

async function stats({ history, params }: Request) {
  const query = { group_by: params.oneOf('group_by', ['agent', 'model', 'hour', 'day'] as const, 'agent'), since: params.time('since'), until: params.time('until'), agent: params.text('agent') };
  params.done();
  return history.stats(query);
}

async function statsSeries({ history, params }: Request) {
  const query = { bucket: params.oneOf('bucket', ['hour', 'day'] as const, 'hour')!, by: params.oneOf('by', ['agent', 'model'] as const, 'agent')!, since: params.time('since'), until: params.time('until') };
  params.done();
  return series(history, query);
}

async function runs({ history, params }: Request) {
  const query = { session: params.text('session'), agent: params.text('agent'), status: params.oneOf('status', RUN_STATUSES), since: params.time('since'), until: params.time('until'), ...params.page() };
  params.done();
  return paged(await history.runsPage(query), query.offset);
}

/** One run with its spans (the trace) and a page of its steps. */
async function run({ history, params, parts }: Request) {
  const page = params.page(200);
  params.done();
  const trace = await history.trace(parts[0]!);
  if (!trace) throw new NotFound(`no run "${parts[0]}" found`);
  return { run: trace, steps: paged(await history.stepsPage({ run: parts[0]!, ...page }), page.offset) };
}

async function traces({ history, params }: Request) {
  const query = {
    agent: params.text('agent'),
    session: params.text('session'),
    status: params.oneOf('status', RUN_STATUSES),
    min_duration_ms: params.duration('min_duration'),
    since: params.time('since'),
    until: params.time('until'),
    ...params.page(),
  };
  params.done();
  return paged(await history.tracesPage(query), query.offset);
}

async function sessions({ history, params }: Request) {
  const query = { agent: params.text('agent'), since: params.time('since'), until: params.time('until'), ...params.page() };
  params.done();
  return paged(await sessionsPage(history, query), query.offset);
}

async function overviewOf({ history, params }: Request) {
  const since = params.time('since');
  const period = params.time('period');
  const query = { since: since ?? period, until: params.time('until') };
  params.done();
  return overview(history, query);
}

/** A route: a method-less GET path pattern and what answers it. */
interface Route {
  path: RegExp;
  answer(request: Request): Promise<unknown>;
  /** Needs the run log. */
  runs?: boolean;
}

/** Every endpoint of the JSON API, under /api. */
const ROUTES: readonly Route[] = [
  { path: /^\/api\/conversations$/, answer: conversations },
  { path: /^\/api\/conversations\/([^/]+)$/, answer: conversation },
  { path: /^\/api\/stats$/, answer: stats },
  { path: /^\/api\/stats\/series$/, answer: statsSeries },
  { path: /^\/api\/overview$/, answer: overviewOf },
  { path: /^\/api\/runs$/, answer: runs, runs: true },
  { path: /^\/api\/runs\/([^/]+)$/, answer: run, runs: true },
  { path: /^\/api\/traces$/, answer: traces, runs: true },
  { path: /^\/api\/sessions$/, answer: sessions, runs: true },
];

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new QueryError(`"${part}" is not a valid percent-encoded path segment`);
  }
}

/** The answer of the API to a GET of `path` with `search`; throws NotFound for an unknown path. */
export async function answer(history: History, path: string, search: URLSearchParams): Promise<unknown> {
  for (const route of ROUTES) {
    const match = route.path.exec(path);
    if (!match) continue;
    if (route.runs && !history.storesRuns) throw new NotFound(`provider "${history.provider}" does not store run logs: read one that does (--provider)`);
    const parts = match.slice(1).map(decodePart);
    return route.answer({ history, params: new Params(search), parts });
  }
  throw new NotFound(`no endpoint ${path}`);
}
