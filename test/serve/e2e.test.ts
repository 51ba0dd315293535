import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { runCli } from '../cli/run.js';
import { findChromium, screenshotPaths } from './browser.js';
import { DEMO_MANIFEST, serve, writeDemo, type Served } from './console.js';

/*
 * The console in a real headless Chromium over the demo's history. Without a browser the tests
 * are skipped, saying so: install Debian's `chromium` (as .ci/run does) or set HISTORIAN_CHROMIUM.
 */
const chromium = findChromium();
if (!chromium) console.warn('console end-to-end tests skipped: no Chromium found (apt-get install chromium, or set HISTORIAN_CHROMIUM to a Chromium or Chrome executable)');

const dir = mkdtempSync(join(tmpdir(), 'historian-e2e-'));
const out = join(dir, 'demo');
const env = { HISTORIAN_DEMO_OUT: out };
let server: Served;
let browser: Browser;
let page: Page;

/** Saves a screenshot of the page under the test output folder (and, for the README's pages, into docs/console with HISTORIAN_CONSOLE_DOCS=1). */
async function shot(name: string, docs = true): Promise<void> {
  const [first, ...copies] = screenshotPaths(name);
  const image = await page.screenshot({ path: first!, fullPage: true });
  if (docs) for (const copy of copies) writeFileSync(copy, image);
}

async function open(hash: string): Promise<void> {
  await page.goto(new URL(hash, server.url).href);
  await page.waitForSelector('main:not([aria-busy])');
}

describe.skipIf(!chromium)('historian serve in Chromium', () => {
  beforeAll(async () => {
    await writeDemo(out, dir);
    server = await serve(['-c', DEMO_MANIFEST, '--follow', '--interval', '1s'], env);
    const { chromium: launcher } = await import('playwright-core');
    // Root (a CI container) cannot use Chromium's sandbox.
    browser = await launcher.launch({ executablePath: chromium, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the demo history into the overview', async () => {
    await open('/#/?since=1d');
    await expect.poll(() => page.locator('.totals').innerText()).toContain('CONVERSATIONS\n3');
    expect(await page.locator('.totals').innerText()).toContain('4\n3 completed · 1 failed · 0 running');
    expect(await page.locator('table').first().innerText()).toContain('demo-analyze');
    await shot('overview');
  });

  it('filters conversations with the keyboard, and opens one', async () => {
    await open('/#/conversations');
    expect(await page.locator('.card').count()).toBe(3);
    await shot('conversations');
    await page.getByLabel('Agent').selectOption('executor');
    await page.getByLabel('Text').fill('tests');
    await page.getByLabel('Text').press('Enter');
    await expect.poll(() => page.url()).toContain('#/conversations?agent=executor&q=tests');
    await page.waitForSelector('main:not([aria-busy])');
    expect(await page.locator('.card-title').allInnerTexts()).toEqual(['demo-exec']);
    await page.getByRole('link', { name: 'demo-exec' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.messages');
    await page.waitForSelector('main:not([aria-busy])');
    expect(await page.locator('h1').innerText()).toBe('demo-exec');
    expect(await page.locator('.message').count()).toBe(3);
    expect(await page.locator('.chain').first().innerText()).toBe('forwarded: planner → executor');
    const tool = page.locator('details.tool summary').first();
    await tool.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('details.tool[open]').innerText()).toContain('"cmd": "npm run build"');
    expect(await page.locator('.message').nth(1).innerText()).toContain('655 tokens (540 in, 115 out)');
    await shot('conversation');
  });

  it("opens a run's waterfall and a bar's detail", async () => {
    await open('/#/runs');
    await page.getByRole('link', { name: 'run-exec' }).click();
    await page.waitForSelector('.waterfall');
    expect(await page.locator('.bar').count()).toBe(4);
    const [build, tests] = [page.locator('.bar').nth(1), page.locator('.bar').nth(2)];
    const [a, b] = [await build.boundingBox(), await tests.boundingBox()];
    expect(b!.x).toBeGreaterThan(a!.x + a!.width - 2); // the test run starts after the build
    expect(b!.width).toBeGreaterThan(a!.width); // and took longer (18 s against 12 s)
    await tests.focus();
    await page.keyboard.press('Enter');
    const detail = await page.locator('.span-detail').innerText();
    expect(detail).toContain('exit code 1');
    expect(detail).toContain('"cmd": "npm test"');
    await page.locator('.bar').first().click();
    expect(await page.locator('.span-detail').innerText()).toMatch(/Model\s+anthropic\/claude-sonnet-4[\s\S]*655 tokens[\s\S]*Finish reason\s+tool_use/);
    await shot('run');
  });

  it('pages through the run list', async () => {
    await open('/#/runs?limit=3');
    expect(await page.locator('.pager').innerText()).toContain('1–3 of 4');
    await shot('runs');
    await page.getByRole('link', { name: 'Next page →' }).click();
    await page.waitForSelector('main:not([aria-busy])');
    await expect.poll(() => page.locator('.pager').innerText()).toContain('4–4 of 4');
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody').innerText()).toContain('run-plan');
  });

  it('draws the stats charts and the sessions summary', async () => {
    await open('/#/stats?since=1d');
    expect(await page.locator('figure.chart svg rect').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('figure.chart figcaption').allInnerTexts()).toEqual(['Tokens by agent', 'Cost by agent', 'Tokens by model', 'Cost by model']);
    await shot('stats');
    await open('/#/sessions');
    expect(await page.locator('tbody').innerText()).toMatch(/release-2\.1\s+analyzer, executor, planner\s+4\s+3\s+1\s+0\s+2,731/);
    await shot('sessions');
  });

  it('shows readable error and empty states', async () => {
    await open('/#/conversations?since=soon');
    expect(await page.locator('[role=alert]').innerText()).toContain('invalid since "soon"');
    await open('/#/runs?status=running');
    expect(await page.locator('.state.empty').innerText()).toBe('No run matches these filters.');
  });

  it('with --follow, shows a new conversation without reloading', async () => {
    await open('/#/conversations');
    const line = '{"type": "conversation_start", "conversation_id": "live-conv", "agent_name": "planner"}\n{"type": "message", "conversation_id": "live-conv", "role": "user", "content": "ship it"}\n';
    const ingest = await runCli(['ingest', '-', '-c', DEMO_MANIFEST], { input: line, env });
    expect(ingest.code, ingest.stderr).toBe(0);
    await expect.poll(() => page.locator('.card-title').allInnerTexts(), { timeout: 10_000 }).toContain('live-conv');
    expect(await page.locator('#status').innerText()).toMatch(/live/);
  });

  it('answers 401 without the token, and opens with it once', async () => {
    const guarded = await serve(['-c', DEMO_MANIFEST, '--token', 'e2e-secret'], env);
    try {
      const denied = await page.goto(guarded.url);
      expect(denied!.status()).toBe(401);
      expect(await page.locator('body').innerText()).toContain('a token is required');
      await shot('unauthorized', false);
      await page.goto(`${guarded.url}?token=e2e-secret#/runs`);
      await page.waitForSelector('tbody tr');
      expect(page.url()).not.toContain('e2e-secret');
      expect(await page.locator('tbody tr').count()).toBe(4);
    } finally {
      await guarded.stop();
    }
  });
});

