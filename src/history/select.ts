import { HistorianError } from '../core/errors.js';

/** What selection needs to know of a provider. */
export interface Selectable {
  readonly label: string;
  readonly type: string;
  /** Whether it can read history back. */
  readonly readable: boolean;
}

/**
 * The provider to read history from: `preferred` (by name or type), else the
 * manifest's `default_provider`, else the first readable provider. Throws a `HistorianError`
 * saying why when none can be used.
 */
export function selectReader<P extends Selectable>(
  providers: readonly P[],
  manifest: { defaultProvider: string | null; definitions: readonly { type: string; readable: boolean }[] },
  preferred?: string,
): P {
  const canRead = (provider: P) => provider.readable;
  const wanted = preferred ?? manifest.defaultProvider ?? undefined;
  const readable = manifest.definitions.filter((definition) => definition.readable).map((definition) => definition.type).join(', ');
  if (wanted !== undefined) {
    const matching = providers.filter((p) => p.label === wanted || p.type === wanted);
    const found = matching.find(canRead) ?? matching[0];
    if (!found) {
      const known = providers.map((p) => p.label).join(', ') || 'none';
      throw new HistorianError(`no provider named "${wanted}" (configured: ${known})`);
    }
    if (!canRead(found)) throw new HistorianError(`provider "${found.label}" (${found.type}) cannot read history; readable types: ${readable}`);
    return found;
  }
  const first = providers.find(canRead);
  if (!first) throw new HistorianError(`no configured provider can read history; configure one of type ${readable}`);
  return first;
}
