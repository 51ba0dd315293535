import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run.js';
import { DEMO_MANIFEST, getJson, serve, writeDemo, type Served } from './console.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-serve-'));
const out = join(dir, 'demo');
const env = { HISTORIAN_DEMO_OUT: out };
let server: Served;

beforeAll(async () => {
  await writeDemo(out, dir);
  server = await serve(['-c', DEMO_MANIFEST], env);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => getJson(server.url, path);

describe('historian serve: the JSON API', () => {
  it('pages conversations newest first, with a cursor to the next page', async () => {
    const first = await get('/api/conversations?limit=2');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 3, has_more: true, next_cursor: expect.any(String) });
    expect(first.body.items.map((c: any) => c.conversation_id)).toEqual(['demo-analyze', 'demo-exec']);
    expect(first.body.items[1].token_usage).toEqual({ total: 1375, prompt: 1230, completion: 145, cache_read: 400, cache_write: 400, reasoning: 0 });
    const second = await get(`/api/conversations?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body).toMatchObject({ total: 3, has_more: false, next_cursor: null });
    expect(second.body.items.map((c: any) => c.conversation_id)).toEqual(['demo-plan']);
  });

  it('filters conversations by agent, model, text and time', async () => {
    const ids = async (search: string) => (await get(`/api/conversations?${search}`)).body.items.map((c: any) => c.conversation_id);
    expect(await ids('agent=executor')).toEqual(['demo-exec']);
    expect(await ids('model=openai/gpt-4o-mini')).toEqual(['demo-analyze']);
    expect(await ids('q=changelog')).toEqual([]);
    expect(await ids('q=PUBLISH')).toEqual(['demo-analyze', 'demo-exec', 'demo-plan']);
    expect(await ids('since=1h&until=2099-01-01')).toHaveLength(3);
    expect(await ids('until=2000-01-01')).toEqual([]);
  });

  it('gives one conversation with its tool calls and context, and 404 for an unknown one', async () => {
    const { status, body } = await get('/api/conversations/demo-exec');
    expect(status).toBe(200);
    expect(body).toMatchObject({ conversation_id: 'demo-exec', agent_name: 'executor', token_usage: { total: 1375 } });
    expect(body.messages.map((m: any) => [m.id, m.tool_calls.map((t: any) => t.id)])).toEqual([
      ['demo-m3', []],
      ['demo-m4', ['demo-t2', 'demo-t3']],
      ['demo-m5', []],
    ]);
    expect(body.messages[0].forwarded_from).toEqual(['planner']);
    expect((await get('/api/conversations/demo-plan')).body.context.map((x: any) => x.id)).toEqual(['demo-x1']);
    expect(await get('/api/conversations/nope')).toEqual({ status: 404, body: { error: 'no conversation "nope" found', status: 404 } });
  });

  it('gives stats by agent, model, hour or day, and series for the charts', async () => {
    const byModel = await get('/api/stats?group_by=model&since=1d');
    expect(byModel.body.groups.find((g: any) => g.key === 'anthropic/claude-sonnet-4')).toMatchObject({ messages: 3, total_tokens: 1375, llm_calls: 3 });
    expect((await get('/api/stats?group_by=day')).body.groups).toHaveLength(1);
    const series = await get('/api/stats/series?bucket=day&by=agent');
    expect(series.body.keys).toEqual(['analyzer', 'executor', 'planner']);
    expect(series.body.points.map((p: any) => [p.key, p.tokens])).toEqual([
      ['analyzer', 530],
      ['executor', 1375],
      ['planner', 412],
    ]);
    const byModelSeries = await get('/api/stats/series?bucket=hour&by=model');
    expect(byModelSeries.body.points.reduce((sum: number, p: any) => sum + p.tokens, 0)).toBe(2317);
  });

  it('says what it serves, and which finish reasons mean an answer ended as meant (the UI flags the others)', async () => {
    const { status, body } = await get('/api/info');
    expect(status).toBe(200);
    expect(body).toMatchObject({ provider: 'sql', runs: true, follow: false });
    expect(body.complete_finish_reasons).toEqual(expect.arrayContaining(['stop', 'end_turn', 'tool_calls', 'completed']));
    expect(body.complete_finish_reasons).not.toContain('length');
  });

  it('gives an overview of a period', async () => {
    const { body } = await get('/api/overview?period=1d');
    expect(body).toMatchObject({ conversations: 3, messages: 7, tokens: 2317, runs: { total: 4, running: 0, completed: 3, failed: 1 }, llm_calls: 7, agents: ['analyzer', 'executor', 'planner'] });
    expect((await get('/api/overview?since=2000-01-01&until=2000-01-02')).body).toMatchObject({ conversations: 0, messages: 0, runs: { total: 0 } });
  });

  it('pages runs and filters them by status, agent and session', async () => {
    const page = await get('/api/runs?limit=3');
    expect(page.body.items.map((r: any) => [r.run_id, r.status])).toEqual([
      ['run-publish', 'failed'],
      ['run-analyze', 'completed'],
      ['run-exec', 'completed'],
    ]);
    expect(page.body).toMatchObject({ total: 4, has_more: true });
    expect((await get(`/api/runs?cursor=${page.body.next_cursor}`)).body.items.map((r: any) => r.run_id)).toEqual(['run-plan']);
    expect((await get('/api/runs?status=failed')).body.items.map((r: any) => r.error)).toEqual(['rate limited (429): publish postponed']);
    expect((await get('/api/runs?agent=planner&session=release-2.1')).body.total).toBe(1);
  });

  it('gives one run with its spans and its steps', async () => {
    const { body } = await get('/api/runs/run-exec?limit=4');
    expect(body.run).toMatchObject({ run_id: 'run-exec', parent_run_id: 'run-plan', duration_ms: 34100, tool_calls: 2 });
    expect(body.run.spans.map((s: any) => [s.kind, s.name, s.status, s.duration_ms])).toEqual([
      ['llm', 'anthropic/claude-sonnet-4', 'ok', 2000],
      ['tool', 'run_shell', 'ok', 12000],
      ['tool', 'run_shell', 'error', 18000],
      ['llm', 'anthropic/claude-sonnet-4', 'ok', 900],
    ]);
    expect(body.run.spans[1]).toMatchObject({ args: { cmd: 'npm run build' }, result: { exit_code: 0, stdout: 'built 4 packages' } });
    expect(body.run.spans[0].content_preview).toBe('Building now, then running the tests.');
    expect(body.steps).toMatchObject({ total: 10, has_more: true });
    expect(body.steps.items.map((s: any) => s.type)).toEqual(['run_started', 'llm_call_started', 'llm_call_completed', 'tool_call_started']);
    expect((await get('/api/runs/nope')).status).toBe(404);
  });

  it('pages traces, filtered by status and minimum duration', async () => {
    const { body } = await get('/api/traces?min_duration=3s&limit=1');
    expect(body).toMatchObject({ total: 2, has_more: true });
    expect(body.items[0].run_id).toBe('run-exec');
    expect((await get('/api/traces?status=failed')).body.items[0].spans[0]).toMatchObject({ kind: 'llm', status: 'error', error: 'rate limited (429)' });
  });

  it('sums runs per session', async () => {
    const { body } = await get('/api/sessions');
    expect(body).toEqual({
      items: [
        {
          session_id: 'release-2.1',
          agents: ['analyzer', 'executor', 'planner'],
          runs: 4,
          running: 0,
          completed: 3,
          failed: 1,
          token_usage: { total: 2731, prompt: 2338, completion: 393, cache_read: 656, cache_write: 400 },
          cost: expect.closeTo(0.00696, 8),
          started_at: expect.any(String),
          last_activity: expect.any(String),
        },
      ],
      total: 1,
      has_more: false,
      next_cursor: null,
    });
    expect((await get('/api/sessions?agent=nobody')).body.total).toBe(0);
  });

  it('answers bad parameters with a 400 that says what was expected', async () => {
    const cases: [string, string][] = [
      ['/api/conversations?since=yesterday', 'invalid since "yesterday": expected a duration'],
      ['/api/conversations?limit=0', 'invalid limit "0": expected a whole number from 1 to 500'],
      ['/api/conversations?limit=abc', 'invalid limit "abc"'],
      ['/api/conversations?cursor=zzz', 'invalid cursor "zzz": pass the next_cursor of a previous page'],
      ['/api/conversations?agnet=planner', 'unknown parameter "agnet": expected agent, model, q'],
      ['/api/conversations?agent=a&agent=b', 'parameter "agent" is given 2 times'],
      ['/api/conversations?compact=maybe', 'invalid compact "maybe": expected 1, true, 0 or false'],
      ['/api/stats?group_by=week', 'invalid group_by "week": expected agent, model, hour, day'],
      ['/api/stats/series?by=tool', 'invalid by "tool": expected agent, model'],
      ['/api/overview?until=soon', 'invalid until "soon"'],
      ['/api/runs?status=done', 'invalid status "done": expected running, completed, failed'],
      ['/api/runs/run-exec?limit=-1', 'invalid limit "-1"'],
      ['/api/traces?min_duration=long', 'invalid min_duration "long": expected milliseconds'],
      ['/api/sessions?since=2026-13-45', 'invalid since "2026-13-45"'],
      ['/api/conversations/%E0', '"%E0" is not a valid percent-encoded path segment'],
    ];
    for (const [path, message] of cases) {
      const { status, body } = await get(path);
      expect({ path, status, error: body.error }).toEqual({ path, status: 400, error: expect.stringContaining(message) });
    }
    expect(await get('/api/nothing')).toMatchObject({ status: 404, body: { error: 'no endpoint /api/nothing' } });
    expect((await get('/api/events')).body.error).toContain('live updates are off: start historian serve with --follow');
  });

  it('is read-only, and answers only to loopback host names', async () => {
    const post = await fetch(new URL('/api/runs', server.url), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(((await post.json()) as { error: string }).error).toBe('the console is read-only: POST is not allowed');
    // fetch() may not set Host; a page that rebinds its name to 127.0.0.1 sends its own.
    const rebound = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      request(new URL('/api/runs', server.url), { headers: { host: 'evil.example:4319' } }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode, body }));
      })
        .on('error', reject)
        .end();
    });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error).toBe('the console answers only to a loopback host name, not "evil.example"');
  });

  it('serves the UI with a strict content security policy', async () => {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/app.js"></script>');
    expect((await fetch(new URL('/app.js', server.url))).headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(new URL('/../package.json', server.url))).status).toBe(404);
  });

  it('reads a document provider afresh for each request', async () => {
    const json = await serve(['-c', DEMO_MANIFEST, '--provider', 'json'], env);
    try {
      const ids = async () => (await getJson(json.url, '/api/conversations')).body.items.map((c: any) => c.conversation_id);
      expect(await ids()).toEqual(['demo-analyze']);
      expect((await getJson(json.url, '/api/runs')).body.items.map((r: any) => r.run_id)).toEqual(['run-analyze']);
    } finally {
      await json.stop();
    }
  });
});

describe('historian serve: tokens, exposure and live updates', () => {
  it('asks for the token, takes it as a bearer or once in the address (then as a cookie)', async () => {
    const guarded = await serve(['-c', DEMO_MANIFEST, '--token', 's3cret'], env);
    try {
      const denied = await getJson(guarded.url, '/api/overview');
      expect(denied).toEqual({ status: 401, body: { status: 401, error: 'a token is required: send Authorization: Bearer TOKEN, or open the console once with ?token=TOKEN' } });
      expect((await getJson(guarded.url, '/api/overview', { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await getJson(guarded.url, '/api/overview', { authorization: 'Bearer s3cret' })).status).toBe(200);
      expect((await fetch(guarded.url)).status).toBe(401);
      const exchange = await fetch(new URL('/?token=s3cret', guarded.url), { redirect: 'manual' });
      expect(exchange.status).toBe(303);
      expect(exchange.headers.get('location')).toBe('/');
      const cookie = exchange.headers.get('set-cookie')!;
      // Named by the port: a console on another port (or another local server) does not share it.
      const port = new URL(guarded.url).port;
      expect(cookie).toMatch(new RegExp(`^historian_console_${port}=[\\w-]+; HttpOnly; SameSite=Strict; Path=/$`));
      expect(cookie).not.toContain('s3cret');
      expect((await getJson(guarded.url, '/api/overview', { cookie: cookie.split(';')[0]! })).status).toBe(200);
      expect((await getJson(guarded.url, '/api/overview', { cookie: `historian_console_${port}=forged` })).status).toBe(401);
      expect((await getJson(guarded.url, '/api/overview', { cookie: `historian_console_1${port}=${cookie.split(';')[0]!.split('=')[1]}` })).status).toBe(401);
    } finally {
      await guarded.stop();
    }
  });

  it('takes the token from HISTORIAN_TOKEN', async () => {
    const guarded = await serve(['-c', DEMO_MANIFEST], { ...env, HISTORIAN_TOKEN: 'from-env' });
    try {
      expect((await getJson(guarded.url, '/api/runs')).status).toBe(401);
      expect((await getJson(guarded.url, '/api/runs', { authorization: 'Bearer from-env' })).status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });

  it('refuses to listen beyond loopback without a token, and says why', async () => {
    const refused = await runCli(['-c', DEMO_MANIFEST, 'serve', '--host', '0.0.0.0', '--port', '0'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to serve on 0.0.0.0 without a token: anyone who can reach that address could read the history; pass --token (or set HISTORIAN_TOKEN)');
  });

  it('says so when the port is taken', async () => {
    const port = new URL(server.url).port;
    const taken = await runCli(['-c', DEMO_MANIFEST, 'serve', '--port', port], { env });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain(`port ${port} on 127.0.0.1 is in use: pass another --port (0 picks a free one)`);
  });

  it('stops on SIGTERM', async () => {
    const running = await serve(['-c', DEMO_MANIFEST], env);
    expect(await running.stop()).toBe(0);
  });

  it('with --follow, pushes entries another process writes as server-sent events', async () => {
    const own = join(dir, 'follow.yml');
    writeFileSync(own, `storage:\n  providers:\n    - {type: sql, url: "sqlite:///${join(dir, 'follow.db')}"}\n`);
    expect((await runCli(['migrate', '-c', own])).code).toBe(0);
    const following = await serve(['-c', own, '--follow', '--interval', '1s']);
    const controller = new AbortController();
    try {
      const response = await fetch(new URL('/api/events', following.url), { signal: controller.signal });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = response.body!.getReader();
      const line = '{"type": "command", "id": "live-1", "agent_name": "planner", "session_id": "s-live", "command": "deploy"}';
      const ingest = await runCli(['ingest', '-', '-c', own], { input: `${line}\n` });
      expect(ingest.code, ingest.stderr).toBe(0);
      let text = '';
      while (!text.includes('live-1')) text += new TextDecoder().decode((await reader.read()).value);
      expect(text).toMatch(/event: entry\ndata: \{[^\n]*"id":"live-1"[^\n]*\}\n\n/);
    } finally {
      controller.abort();
      await following.stop();
    }
  });
});
