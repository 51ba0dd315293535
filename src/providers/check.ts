import { ManifestError } from '../core/errors.js';
import type { Manifest } from '../core/provider.js';

/**
 * Runs every provider's load-time checks (template syntax, file formats) without writing
 * anything; throws a `ManifestError` positioned at the offending keys.
 */
export async function checkProviders(manifest: Manifest): Promise<void> {
  const issues = [];
  for (const provider of manifest.providers) {
    for (const problem of await provider.definition.check(provider)) {
      issues.push(manifest.issueAt(['storage', 'providers', provider.index, problem.key], problem.message));
    }
  }
  if (issues.length > 0) throw new ManifestError(issues);
}
