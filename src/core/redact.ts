import type { Entry } from './entries.js';
import { API_TOKEN, AUTHORIZATION, JWT, PRIVATE_KEY } from './secret-patterns.js';

/**
 * Built-in patterns for common secrets and personal data. Each is a regular expression matched
 * anywhere in text; a match is replaced, the text around it kept. Every repeated part is
 * bounded, so a long text without a match (a base64 blob) costs one pass, never a quadratic scan.
 */
export const REDACT_PRESETS = {
  /** API keys of common vendors: OpenAI/Anthropic `sk-…`, GitHub, Slack, AWS, Google, Stripe. */
  api_keys: API_TOKEN,
  /** `Bearer <token>` (and `Basic <credentials>`) as in an Authorization header. */
  bearer_tokens: AUTHORIZATION,
  /** JSON Web Tokens. */
  jwt: JWT,
  /** PEM private keys, whole blocks. */
  private_keys: PRIVATE_KEY,
  /** Email addresses. */
  emails: String.raw`\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b`,
} as const;

/** The name of a built-in redaction preset. */
export type RedactPreset = keyof typeof REDACT_PRESETS;

/** The `storage.redact` block, validated. */
export interface RedactConfig {
  presets: RedactPreset[];
  patterns: string[];
  fields: string[];
  replacement: string;
}

/**
 * The fields redaction looks into: free text and free-form JSON. Identifiers, names, models,
 * timestamps and numbers are never changed, so conversations, agents and stats stay intact.
 */
export const REDACTABLE_FIELDS = [
  'content', 'command', 'context_type', 'user_input', 'response', 'error', 'reason',
  'messages_preview', 'content_preview', 'args', 'result', 'metadata', 'tool_calls', 'metrics',
] as const;
const REDACTABLE: ReadonlySet<string> = new Set(REDACTABLE_FIELDS);

/**
 * Fields whose value must stay an object (or a list): a field path may name what is inside
 * them, never the whole field, which a string would not replace without breaking the entry.
 */
const CONTAINERS: ReadonlySet<string> = new Set(['args', 'metadata', 'tool_calls', 'metrics']);

/** Why a field path cannot be used, or null when it can. */
export function fieldPathProblem(path: string): string | null {
  const segments = path.split('.');
  if (segments.some((segment) => segment === '')) return `"${path}" has an empty segment`;
  const first = segments[0]!;
  if (segments.length === 1 && (CONTAINERS.has(first) || first === '*' || first === '**')) {
    return `"${path}" would replace a whole ${CONTAINERS.has(first) ? 'object' : 'field'}; name a key inside it, e.g. ${first === '**' ? '**' : first}.password`;
  }
  if (first === '*' || first === '**' || REDACTABLE.has(first)) return null;
  return `"${path}" does not start with a field redaction may change (${REDACTABLE_FIELDS.join(', ')}, or * / **)`;
}

/** Why a pattern cannot be used, or null when it can. */
export function patternProblem(source: string): string | null {
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, 'g');
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message}`;
  }
  // A pattern that matches nothing at all would mask the space between every two characters.
  return pattern.test('') ? 'matches the empty string; it would mask between every two characters' : null;
}

type Segments = readonly string[];

/** Whether a field path (segments, `*` = one key, `**` = any number) matches the path of a value. */
function matches(pattern: Segments, path: Segments, p = 0, q = 0): boolean {
  if (p === pattern.length) return q === path.length;
  if (pattern[p] === '**') return matches(pattern, path, p + 1, q) || (q < path.length && matches(pattern, path, p, q + 1));
  if (q === path.length) return false;
  return (pattern[p] === '*' || pattern[p] === path[q]) && matches(pattern, path, p + 1, q + 1);
}

/** Masks a logged entry before it reaches any provider; returns the entry itself when nothing changed. */
export type Redactor = (entry: Entry) => Entry;

/**
 * Builds the redactor of a `redact` block, or null when it redacts nothing. Patterns are
 * checked when the manifest loads; here they are joined into one expression, so a text is
 * scanned once whatever the number of patterns.
 */
export function compileRedactor(config: RedactConfig): Redactor | null {
  const sources = [...config.presets.map((name) => REDACT_PRESETS[name]), ...config.patterns];
  const pattern = sources.length === 0 ? null : new RegExp(sources.map((source) => `(?:${source})`).join('|'), 'g');
  const fields = config.fields.map((path) => path.split('.'));
  if (!pattern && fields.length === 0) return null;
  const { replacement } = config;
  const mask = (value: unknown, path: string[]): unknown => {
    // A whole object field stays an object (`**.token` also matches `args` itself with ** empty).
    const whole = path.length === 1 && CONTAINERS.has(path[0]!);
    if (!whole && fields.some((field) => matches(field, path))) return replacement;
    if (typeof value === 'string') return pattern ? value.replace(pattern, replacement) : value;
    if (typeof value !== 'object' || value === null) return value;
    let copy: Record<string, unknown> | unknown[] | null = null;
    for (const [key, item] of Object.entries(value)) {
      path.push(key);
      const next = mask(item, path);
      path.pop();
      if (next !== item) ((copy ??= Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>)[key] = next;
    }
    return copy ?? value;
  };
  return (entry) => {
    const fieldsOf = entry as unknown as Record<string, unknown>;
    let copy: Record<string, unknown> | null = null;
    for (const field of REDACTABLE_FIELDS) {
      if (!(field in fieldsOf)) continue;
      const value = fieldsOf[field];
      const next = mask(value, [field]);
      if (next !== value) (copy ??= { ...fieldsOf })[field] = next;
    }
    return (copy ?? entry) as Entry;
  };
}
