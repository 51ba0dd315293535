/** A `${VAR}` that is unset and has no default, at a path inside the value. */
export interface UnsetVariable {
  path: (string | number)[];
  variable: string;
}

/** A value `${VAR}` took from the environment, at a path inside the value. */
export interface Substitution {
  path: (string | number)[];
  variable: string;
  value: string;
}

/** What `interpolate` made of a value. */
export interface Interpolated {
  value: unknown;
  /** Variables that were unset without a default (replaced by ''). */
  unset: UnsetVariable[];
  /** Values taken from the environment (defaults left out), so messages can hide secret ones. */
  substituted: Substitution[];
}

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${VAR}` and `${VAR:-default}` in every string of `value` from `env`. */
export function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: (string | number)[] = []): Interpolated {
  const unset: UnsetVariable[] = [];
  const substituted: Substitution[] = [];
  const replace = (text: string, at: (string | number)[]) =>
    text.replace(PATTERN, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && (found !== '' || fallback === undefined)) {
        substituted.push({ path: at, variable: name, value: found });
        return found;
      }
      if (fallback !== undefined) return fallback;
      unset.push({ path: at, variable: name });
      return '';
    });
  const walk = (node: unknown, at: (string | number)[]): unknown => {
    if (typeof node === 'string') return replace(node, at);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...at, index]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...at, key])]));
    }
    return node;
  };
  return { value: walk(value, path), unset, substituted };
}
