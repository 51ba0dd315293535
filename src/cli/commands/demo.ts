import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { effectiveAgents } from '../../core/filters.js';
import { loadManifest, type Manifest, type ResolvedProvider } from '../../config/load.js';
import { createHistorian, type Historian } from '../../dispatch/historian.js';
import type { EntryInput, EntryType } from '../../core/entries.js';
import { validationReport } from './validate.js';
import { paint, renderConversations, renderStats } from '../render.js';
import { UsageError } from '../shared.js';
import { diagnostic, writeOut } from '../output.js';
import { count } from '../../core/count.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const MARKER = '.historian-demo';

const NOUNS: Record<EntryType, [string, string]> = {
  conversation_start: ['conversation start', 'conversation starts'],
  message: ['message', 'messages'],
  tool_call: ['tool call', 'tool calls'],
  command: ['command', 'commands'],
  context: ['context addition', 'context additions'],
  run_started: ['run start', 'run starts'],
  run_finished: ['run finish', 'run finishes'],
  run_failed: ['run failure', 'run failures'],
  llm_call_started: ['LLM call start', 'LLM call starts'],
  llm_call_completed: ['LLM call', 'LLM calls'],
  termination_decided: ['termination decision', 'termination decisions'],
  tool_call_started: ['tool call start', 'tool call starts'],
  tool_call_completed: ['tool call end', 'tool call ends'],
  run_rolled_back: ['rollback', 'rollbacks'],
};

/** Empties a folder the demo made before; refuses a non-empty folder it did not make. */
function prepare(out: string): void {
  if (existsSync(out) && readdirSync(out).length > 0) {
    if (!existsSync(join(out, MARKER))) throw new UsageError(`${out} is not empty and was not made by historian demo; pass --out NEW_DIR`);
    rmSync(out, { recursive: true, force: true });
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, MARKER), 'made by `historian demo`; the demo empties this folder on its next run\n');
}

function readLines(file: string): (EntryInput & { timestamp?: string })[] {
  return readFileSync(join(EXAMPLES, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EntryInput & { timestamp?: string });
}

/** Time between two entries of the scripted conversations, as a chat between agents takes. */
const TURN_MS = 2_000;

/**
 * The scripted session: its conversations and commands, a turn apart, then the run log of the
 * same release; both moved in time so that the last fact happened just now. The run log keeps
 * the spacing of real runs, whose calls take seconds.
 */
function session(now = Date.now()): EntryInput[] {
  const runs = readLines('demo-runs.jsonl');
  const times = runs.map((fact) => Date.parse(fact.timestamp!));
  const [first, last] = [Math.min(...times), Math.max(...times)];
  const script = readLines('demo-session.jsonl');
  const start = first - last + now - script.length * TURN_MS;
  return [
    ...script.map((entry, i) => ({ ...entry, timestamp: new Date(start + i * TURN_MS).toISOString() })),
    ...runs.map((fact) => ({ ...fact, timestamp: new Date(Date.parse(fact.timestamp!) - last + now).toISOString() })),
  ];
}

function received(counts: Partial<Record<EntryType, number>>): string {
  const parts = (Object.keys(NOUNS) as EntryType[])
    .filter((type) => counts[type])
    .map((type) => count(counts[type]!, ...NOUNS[type]));
  return parts.join(', ') || 'nothing';
}

async function describeProviders(manifest: Manifest, historian: Historian, cwd: string): Promise<string[]> {
  const written = historian.written();
  const report = await validationReport(manifest);
  return report.providers.flatMap((p) => {
    const on = Object.entries(p.flags).filter(([, v]) => v).map(([k]) => k.replace('log_', ''));
    const off = Object.entries(p.flags).filter(([, v]) => !v).map(([k]) => k.replace('log_', ''));
    const target = p.target ? ` → ${relative(cwd, p.target.replace(/^sqlite:\/\/\//, '')) || p.target}` : '';
    return [
      `${paint('bold', p.name)} (${p.type}${target})`,
      `  agents:   ${p.agents === null ? 'everyone' : p.agents.join(', ') || 'nobody'}`,
      `  flags:    ${off.length === 0 ? 'logs everything' : `logs ${on.join(', ')}; skips ${off.join(', ')}`}`,
      `  received: ${received(written[p.name] ?? {})}`,
      '',
    ];
  });
}

function overrideComparison(manifest: Manifest): string[] {
  const global = manifest.storage.agents;
  const lines = manifest.providers
    .filter((p: ResolvedProvider) => p.config.agents != null)
    .map((p) => {
      const set = effectiveAgents('override', global, p.config.agents);
      return `  ${p.label}: ${set === null ? 'everyone' : [...set].sort().join(', ')}`;
    });
  if (lines.length === 0) return [];
  return ["With filter_mode: override, a provider's own list would replace the global one:", ...lines, ''];
}

/** The command prefix that reads the demo's history again from this folder. */
function readAgain(out: string, manifest: Manifest): string {
  const config = `npx historian -c ${relative(process.cwd(), manifest.file)}`;
  return out === resolve(EXAMPLES, '..', 'historian-demo') ? config : `HISTORIAN_DEMO_OUT=${out} ${config}`;
}

async function runDemo(out: string): Promise<void> {
  prepare(out);
  const manifest = loadManifest(join(EXAMPLES, 'demo.yml'), { env: { ...process.env, HISTORIAN_DEMO_OUT: out } });
  const historian = await createHistorian(manifest, { onError: (e) => diagnostic(`warning: ${e.message}`) });
  try {
    writeOut(`${(await report(historian, manifest, out)).join('\n')}\n`);
  } finally {
    await historian.close();
  }
}

async function report(historian: Historian, manifest: Manifest, out: string): Promise<string[]> {
  const cwd = process.cwd();
  const entries = session();
  const started = performance.now();
  for (const entry of entries) historian.log(entry);
  await historian.flush();
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const history = historian.history();
  const conversations = await history.conversations({ limit: 10, tokens: true });
  const stats = await history.stats({ group_by: 'model', since: '1d' });
  return [
    paint('bold', 'historian demo') + ' — a release handled by a planner, an executor and an analyzer (and a reviewer nobody configured)',
    `manifest: ${relative(cwd, manifest.file)} (filter_mode ${manifest.storage.filter_mode}, global agents: ${manifest.storage.agents?.join(', ') ?? 'everyone'})`,
    `logged ${count(entries.length, 'entry', 'entries')} into ${count(manifest.providers.length, 'provider')} in ${seconds}s → ${relative(cwd, out) || out}`,
    '',
    ...(await describeProviders(manifest, historian, cwd)),
    ...overrideComparison(manifest),
    paint('bold', `history show (read back from ${history.provider}):`),
    renderConversations(conversations),
    '',
    paint('bold', `history stats --group-by model (from ${history.provider}):`),
    renderStats(stats),
    '',
    'Next: open the files above, or read the history yourself:',
    ...['history show --tokens', 'history stats --group-by agent --format json'].map((command) => `  ${readAgain(out, manifest)} ${command}`),
  ];
}


/** `historian demo`: runs a scripted multi-agent session through examples/demo.yml and shows what each provider got. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('run a scripted multi-agent session through examples/demo.yml and show what each provider recorded')
    .option('--out <dir>', 'folder for the demo files (emptied on every run)', 'historian-demo')
    .addHelpText('after', '\nExamples:\n  historian demo\n  historian demo --out /tmp/demo')
    .action(async (options: { out: string }) => {
      await runDemo(resolve(options.out));
    });
}
