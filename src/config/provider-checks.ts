import type { ManifestIssue } from '../core/errors.js';
import type { ResolvedProvider } from '../core/provider.js';

// Checks of the providers as a whole, made once each provider's own config is valid.

/** An issue at a YAML path of the manifest being loaded. */
export type IssueAt = (path: (string | number)[], message: string) => ManifestIssue;

/** Two providers with one `name`: `default_provider` could not tell them apart. */
export function duplicateNames(providers: readonly ResolvedProvider[], issueAt: IssueAt): ManifestIssue[] {
  const first = new Map<string, number>();
  const issues: ManifestIssue[] = [];
  for (const { config, index } of providers) {
    if (config.name === undefined) continue;
    const earlier = first.get(config.name);
    if (earlier === undefined) first.set(config.name, index);
    else {
      const message = `duplicate provider name "${config.name}" (already used by storage.providers[${earlier}])`;
      issues.push(issueAt(['storage', 'providers', index, 'name'], message));
    }
  }
  return issues;
}

/**
 * A `default_provider` that names no configured provider, or only providers that cannot read
 * history back: refused at load, rather than at the first `history show`.
 */
export function defaultProviderProblems(
  name: string | null,
  providers: readonly ResolvedProvider[],
  readableTypes: readonly string[],
  issueAt: IssueAt,
): ManifestIssue[] {
  if (name === null) return [];
  const matching = providers.filter((p) => p.config.name === name || p.config.type === name || p.label === name);
  const at = ['storage', 'default_provider'];
  if (matching.length === 0) {
    const known = providers.map((p) => p.label).join(', ') || 'none';
    return [issueAt(at, `default_provider "${name}" names no configured provider (configured: ${known})`)];
  }
  if (matching.some((p) => p.definition.readable)) return [];
  const which = matching.map((p) => `${p.label} (${p.config.type})`).join(', ');
  const readable = providers.filter((p) => p.definition.readable).map((p) => p.label);
  const instead = readable.length > 0 ? `name one that can (configured: ${readable.join(', ')})` : `add a provider of type ${readableTypes.join(', ')}`;
  return [issueAt(at, `default_provider "${name}" names a provider that cannot read history: ${which} is write-only; ${instead}`)];
}
