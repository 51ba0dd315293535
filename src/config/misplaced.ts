import type { Document } from 'yaml';
import { storageFields } from '../core/config-schema.js';
import type { ManifestIssue } from '../core/errors.js';
import { yamlLibrary } from '../formats/yaml-library.js';
import type { PositionFinder } from './positions.js';

/**
 * Keys of `storage:` that mean nothing else at the top level of a manifest. `agents` is left
 * out: agent manifests have their own top-level `agents:`.
 */
const STORAGE_ONLY_KEYS: ReadonlySet<string> = new Set(['providers', ...Object.keys(storageFields).filter((key) => key !== 'agents')]);

/** Whether a node is a list of agent names, as the storage block's `agents` is. */
function isNameList(node: unknown): boolean {
  const yaml = yamlLibrary();
  return yaml.isSeq(node) && node.items.every((item) => yaml.isScalar(item) && typeof item.value === 'string');
}

/**
 * Warnings for storage keys at the top level of a manifest, where historian does not read them:
 * what a manifest pasted with its indentation lost looks like (`providers:` next to an empty
 * `storage:`), which would otherwise run on the default database without a word. A top-level
 * `agents:` list of names is named too, but only next to another misplaced key.
 */
export function misplacedStorageKeys(doc: Document, positions: PositionFinder, file: string): ManifestIssue[] {
  const yaml = yamlLibrary();
  if (!yaml.isMap(doc.contents)) return [];
  const pairs = doc.contents.items.filter((pair) => yaml.isScalar(pair.key) && typeof pair.key.value === 'string');
  const keyOf = (pair: (typeof pairs)[number]) => (pair.key as { value: string }).value;
  const misplaced = pairs.filter((pair) => STORAGE_ONLY_KEYS.has(keyOf(pair)));
  if (misplaced.length === 0) return [];
  const agents = pairs.filter((pair) => keyOf(pair) === 'agents' && isNameList(pair.value));
  return [...misplaced, ...agents]
    .map((pair) => ({
      file,
      path: keyOf(pair),
      ...positions.node(pair.key as Parameters<PositionFinder['node']>[0]),
      message: 'a storage key at the top level, outside storage:, where historian ignores it (indentation lost?); indent it under storage:',
    }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
