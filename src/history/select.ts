import type { Manifest } from '../config/load.js';
import { HistorianError } from '../errors.js';
import { providerRegistry, readableTypes } from '../providers/registry.js';
import type { Provider } from '../providers/types.js';

function matches(provider: Provider, wanted: string): boolean {
  return provider.label === wanted || provider.type === wanted;
}

/**
 * The provider to read history from (SPEC §3.5): `preferred` (by name or type), else
 * `default_provider`, else the first readable provider. Throws a `HistorianError` saying why
 * when none can be used.
 */
export function selectReader(providers: readonly Provider[], manifest: Pick<Manifest, 'defaultProvider'>, preferred?: string): Provider {
  const wanted = preferred ?? manifest.defaultProvider ?? undefined;
  if (wanted !== undefined) {
    const found = providers.find((p) => matches(p, wanted) && p.reader) ?? providers.find((p) => matches(p, wanted));
    if (!found) {
      const known = providers.map((p) => p.label).join(', ') || 'none';
      throw new HistorianError(`no provider named "${wanted}" (configured: ${known})`);
    }
    if (!found.reader) {
      throw new HistorianError(`provider "${found.label}" (${found.type}) cannot read history; readable types: ${readableTypes.join(', ')}`);
    }
    return found;
  }
  const first = providers.find((p) => p.reader && providerRegistry[p.type].readable);
  if (!first) {
    throw new HistorianError(
      `no configured provider can read history; add a provider of type ${readableTypes.join(', ')} or pass one explicitly`,
    );
  }
  return first;
}
