import { Command } from 'commander';
import { FLAG_NAMES } from '../../core/config-schema.js';
import type { Manifest } from '../../core/provider.js';
import { maskStrings } from '../../core/secrets.js';
import { selectReader } from '../../history/select.js';
import { checkProviders } from '../../providers/check.js';
import { formatManifestIssue } from '../../core/errors.js';
import { formatOption, loadManifestFor, optionsOf, print, type Format } from '../shared.js';
import { count } from '../../core/count.js';

/** The JSON shape of `historian validate --format json`. */
export interface ValidationReport {
  manifest: string;
  filter_mode: 'and' | 'override';
  providers: {
    name: string;
    type: string;
    target: string | null;
    agents: string[] | null;
    flags: Record<string, boolean>;
    can_read: boolean;
    /** Advice that is no error, e.g. a document grown past what its format suits. */
    warnings: string[];
  }[];
  default_provider: string | null;
  /** What loaded but looks like a mistake, each as `file:line:column: path: message`. */
  warnings: string[];
}

/** Summarises a loaded manifest: per provider its effective agents, flags and advice. */
export async function validationReport(manifest: Manifest): Promise<ValidationReport> {
  const items = manifest.providers.map((p) => ({ label: p.label, type: p.config.type, readable: p.definition.readable }));
  let reader: string | null;
  try {
    reader = selectReader(items, manifest).label;
  } catch {
    reader = null;
  }
  return {
    manifest: manifest.file,
    filter_mode: manifest.storage.filter_mode,
    providers: await Promise.all(
      manifest.providers.map(async (p) => ({
        name: p.label,
        type: p.config.type,
        target: p.definition.describe(p.config),
        agents: p.agents === null ? null : [...p.agents].sort(),
        flags: p.flags,
        can_read: p.definition.readable,
        warnings: (await p.definition.advise?.(p)) ?? [],
      })),
    ),
    default_provider: reader,
    warnings: manifest.warnings.map(formatManifestIssue),
  };
}

function renderText(report: ValidationReport): string {
  const providers = report.providers.length;
  const lines = [
    `${report.manifest}: valid — ${count(providers, 'provider')}, filter_mode ${report.filter_mode}, ` +
      (report.default_provider ? `history read from "${report.default_provider}"` : 'no provider can read history'),
  ];
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  if (providers === 0) lines.push('  providers: [] — logging is off');
  for (const p of report.providers) {
    const on = FLAG_NAMES.filter((f) => p.flags[f]).map((f) => f.replace('log_', ''));
    const off = FLAG_NAMES.filter((f) => !p.flags[f]).map((f) => f.replace('log_', ''));
    const agents = p.agents === null ? 'everyone' : p.agents.length === 0 ? 'nobody ([])' : p.agents.join(', ');
    lines.push('', `  ${p.name} (${p.type}${p.target ? ` → ${p.target}` : ''})${p.can_read ? '' : ' [write-only]'}`);
    lines.push(`    agents: ${agents}`);
    lines.push(`    logs:   ${on.join(', ') || 'nothing'}`);
    if (off.length > 0) lines.push(`    skips:  ${off.join(', ')}`);
    for (const warning of p.warnings) lines.push(`    warning: ${warning}`);
  }
  return lines.join('\n');
}

/** `historian validate`: checks a manifest and prints each provider's effective filter and flags. */
export function validateCommand(): Command {
  return new Command('validate')
    .description('check a manifest and print, per provider, its effective agents and logging flags')
    .option('--format <format>', 'text or json', formatOption, 'text' as Format)
    .addHelpText('after', '\nExamples:\n  historian validate -c agents.yml\n  historian validate -c agents.yml --format json')
    .action(async (_options, command: Command) => {
      const options = optionsOf<{ format: Format }>(command);
      // The report lists the manifest's warnings itself.
      const manifest = loadManifestFor(options);
      await checkProviders(manifest);
      // Names and paths may come from ${VAR}s or hold a token; the report shows none of them.
      print(options.format, maskStrings(await validationReport(manifest)), renderText);
    });
}
