/** A `${VAR}` that is unset and has no default, at a path inside the value. */
export interface UnsetVariable {
  path: (string | number)[];
  variable: string;
}

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of `value` from `env`.
 * Returns the new value and the variables that were unset without a default.
 */
export function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: (string | number)[] = [],
): { value: unknown; unset: UnsetVariable[] } {
  const unset: UnsetVariable[] = [];
  const walk = (node: unknown, at: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      return node.replace(PATTERN, (_match, name: string, fallback: string | undefined) => {
        const found = env[name];
        if (fallback !== undefined) return found || fallback;
        if (found !== undefined) return found;
        unset.push({ path: at, variable: name });
        return '';
      });
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...at, index]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...at, key])]));
    }
    return node;
  };
  return { value: walk(value, path), unset };
}
