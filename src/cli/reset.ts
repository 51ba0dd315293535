import type { Manifest } from '../config/load.js';
import { count } from '../core/count.js';
import type { ResetQuery, ResetResult } from '../core/queries.js';
import { readerOf, withProvider } from './shared.js';

/** A provider a reset cleared, with what it deleted. */
export interface ClearedProvider {
  name: string;
  type: string;
  deleted: ResetResult;
}

/** A provider a reset left as it was, and why. */
export interface KeptProvider {
  name: string;
  type: string;
  reason: string;
}

/** What `history reset` did, per provider (SPEC §5). */
export interface ResetReport {
  cleared: ClearedProvider[];
  kept: KeptProvider[];
}

type Resolved = Manifest['providers'][number];

/** Why a provider a reset does not clear keeps its entries, and how to clear them. */
function keptReason(provider: Resolved, all: boolean): string | null {
  if (provider.config.type === 'memory') return null; // its history is gone with the process that logged it
  if (!provider.definition.readable) {
    const where = provider.definition.describe(provider.config);
    return `still holds its entries: historian cannot delete entries from a ${provider.config.type} log; delete ${where ?? 'its files'} yourself`;
  }
  return all ? null : 'still holds its entries: add --all-providers to clear it too';
}

/**
 * Resets the reading provider, or with `all` every provider that can delete history (sql and
 * file; memory holds nothing of another process), one at a time, and says which kept theirs.
 */
export async function resetProviders(manifest: Manifest, preferred: string | undefined, query: ResetQuery, all: boolean): Promise<ResetReport> {
  const reading = readerOf(manifest, preferred);
  const targets = all ? manifest.providers.filter((p) => p === reading || (p.definition.readable && p.config.type !== 'memory')) : [reading];
  const report: ResetReport = { cleared: [], kept: [] };
  for (const provider of targets) {
    const deleted = await withProvider(manifest, provider, (history) => history.reset(query));
    report.cleared.push({ name: provider.label, type: provider.config.type, deleted });
  }
  for (const provider of manifest.providers) {
    const reason = targets.includes(provider) ? null : keptReason(provider, all);
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
export function renderDeleted(result: ResetResult): string {
  const parts = (Object.keys(NOUNS) as (keyof ResetResult)[]).map((kind) => count(result[kind], ...NOUNS[kind]));
  return `deleted ${parts.join(', ')}`;
}

/** One line per provider: which were cleared (and what they deleted), which kept their entries. */
export function renderResetReport(report: ResetReport): string {
  return [
    ...report.cleared.map((p) => `cleared ${p.name} (${p.type}): ${renderDeleted(p.deleted)}`),
    ...report.kept.map((p) => `kept ${p.name} (${p.type}): ${p.reason}`),
  ].join('\n');
}
