import type { Manifest } from '../config/load.js';
import { count } from '../core/count.js';
import type { ResetQuery, ResetResult } from '../core/queries.js';
import { readerOf, withProvider } from './shared.js';

/** A provider a reset cleared, with what it deleted: entries from a store, files from a text log. */
export interface ClearedProvider {
  name: string;
  type: string;
  deleted?: ResetResult;
  files?: string[];
}

/** A provider a reset left as it was, and why. */
export interface KeptProvider {
  name: string;
  type: string;
  reason: string;
}

/** What `history reset` did, per provider. */
export interface ResetReport {
  cleared: ClearedProvider[];
  kept: KeptProvider[];
}

type Resolved = Manifest['providers'][number];

/** Whether `--all-providers` clears a provider: stores, and logs that can delete their files when no agent is picked. */
function clearable(provider: Resolved, query: ResetQuery): boolean {
  if (provider.config.type === 'memory') return false; // it holds nothing of another process
  return provider.definition.readable || (provider.definition.clear !== undefined && query.agent === undefined);
}

/** Why a provider a reset does not clear keeps its entries, and how to clear them. */
function keptReason(provider: Resolved, all: boolean, query: ResetQuery): string | null {
  if (provider.config.type === 'memory') return null; // its history is gone with the process that logged it
  if (!provider.definition.readable) {
    const where = provider.definition.describe(provider.config) ?? 'its files';
    if (!provider.definition.clear) return `still holds its entries: historian cannot delete entries from a ${provider.config.type} log; delete ${where} yourself`;
    if (query.agent !== undefined) return `still holds its entries: one agent's entries cannot be cut out of a ${provider.config.type} log; delete ${where} yourself`;
  }
  return all ? null : 'still holds its entries: add --all-providers to clear it too';
}

/** Clears one provider: a store deletes entries by the query, a log that cannot read deletes its files. */
async function clearProvider(manifest: Manifest, provider: Resolved, query: ResetQuery): Promise<ClearedProvider> {
  const cleared = { name: provider.label, type: provider.config.type };
  if (!provider.definition.readable && provider.definition.clear) return { ...cleared, files: await provider.definition.clear(provider) };
  return { ...cleared, deleted: await withProvider(manifest, provider, (history) => history.reset(query)) };
}

/**
 * Resets the reading provider, or with `all` every provider that can delete history (sql, file,
 * and text logs when no agent is picked; memory holds nothing of another process), one at a
 * time, and says which kept theirs.
 */
export async function resetProviders(manifest: Manifest, preferred: string | undefined, query: ResetQuery, all: boolean): Promise<ResetReport> {
  const reading = readerOf(manifest, preferred);
  const targets = all ? manifest.providers.filter((p) => p === reading || clearable(p, query)) : [reading];
  const report: ResetReport = { cleared: [], kept: [] };
  for (const provider of targets) report.cleared.push(await clearProvider(manifest, provider, query));
  for (const provider of manifest.providers) {
    const reason = targets.includes(provider) ? null : keptReason(provider, all, query);
    if (reason) report.kept.push({ name: provider.label, type: provider.config.type, reason });
  }
  return report;
}

const NOUNS: Record<keyof ResetResult, [string, string]> = {
  conversations: ['conversation', 'conversations'],
  messages: ['message', 'messages'],
  tool_calls: ['tool call', 'tool calls'],
  commands: ['command', 'commands'],
  context: ['context addition', 'context additions'],
  run_events: ['run-log fact', 'run-log facts'],
};

/** What a reset deleted: `deleted 1 conversation, 2 messages, …`. */
function renderDeleted(result: ResetResult): string {
  const parts = (Object.keys(NOUNS) as (keyof ResetResult)[]).map((kind) => count(result[kind], ...NOUNS[kind]));
  return `deleted ${parts.join(', ')}`;
}

/** One line per provider: which were cleared (and what they deleted), which kept their entries. */
export function renderResetReport(report: ResetReport): string {
  return [
    ...report.cleared.map((p) => `cleared ${p.name} (${p.type}): ${p.deleted ? renderDeleted(p.deleted) : `deleted ${count(p.files?.length ?? 0, 'file', 'files')}`}`),
    ...report.kept.map((p) => `kept ${p.name} (${p.type}): ${p.reason}`),
  ].join('\n');
}
