import type { Manifest } from '../config/load.js';
import { ManifestError } from '../core/errors.js';
import { providerRegistry } from './registry.js';
import type { ProviderDefinition } from '../core/provider.js';

/**
 * Runs every provider type's load-time checks (template syntax, file formats) without writing
 * anything; throws a `ManifestError` positioned at the offending keys.
 */
export async function checkProviders(manifest: Manifest): Promise<void> {
  const issues = [];
  for (const provider of manifest.providers) {
    const definition = providerRegistry[provider.config.type] as ProviderDefinition;
    const problems = (await definition.check?.(provider as never)) ?? [];
    for (const problem of problems) {
      issues.push(manifest.issueAt(['storage', 'providers', provider.index, problem.key], problem.message));
    }
  }
  if (issues.length > 0) throw new ManifestError(issues);
}
