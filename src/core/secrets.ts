/**
 * Masks secrets in text that historian shows: error messages, `validate` output. Masking is
 * on by default and errs on the side of hiding too much, since a leaked credential cannot be
 * taken back while a masked host name costs one look at the manifest.
 */

import { AUTHORIZATION, JWT, PRIVATE_KEY, TOKEN_SHAPES } from './secret-patterns.js';

/** What replaces a secret. */
export const MASK = '***';

/** Words that end the name of a key holding a secret (`password=`, `sslpassword=`, `api_key=`, `access_token=`…). */
const SECRET_KEY_WORDS = 'password|passwd|passphrase|pwd|pass|secret|token|api[_-]?key|apikey|auth|credentials?';

/** Parts of an environment variable name that say its value is a secret (`API_KEY`, `DB_PASSWORD`…). */
const SECRET_VARIABLE = /PASS|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE|COOKIE|SIGNATURE|SALT/i;

/** A key whose value is a secret: its name ends with one of the secret words. */
const SECRET_KEY = new RegExp(`^[\\w.-]*?(?:${SECRET_KEY_WORDS})$`, 'i');

interface Rule {
  pattern: RegExp;
  replace: string;
}

/**
 * Text rules, applied in order. URL userinfo comes first: a password may hold `=`, which the
 * key=value rule would otherwise cut in two. Every repeated part is bounded (schemes 32
 * characters, key names 64, values and passwords 512, PEM bodies 8 KB), so a hostile message cannot make masking
 * quadratic: each place a rule starts at is scanned a bounded distance.
 */
const RULES: Rule[] = [
  // PEM private keys, whole.
  { pattern: new RegExp(PRIVATE_KEY, 'g'), replace: MASK },
  // scheme://user:password@host, also with a malformed scheme (`postgresql//`, `postgres:/`). The
  // password runs to the last `@` before a double quote or the end of the line: it may itself
  // hold a raw `@`, `/`, `:`, `'` or a space, and hiding too much beats leaking a tail.
  { pattern: /\b([a-z][a-z0-9+.-]{0,31}(?::\/{1,3}|\/\/)[^\s:/@"'<>`]{1,256}:)[^\n"<>`]{0,512}@/gi, replace: `$1${MASK}@` },
  // The same within one token, where the user name may be empty and the slashes missing.
  { pattern: /\b([a-z][a-z0-9+.-]{0,31}(?::\/{0,3}|\/\/)[^\s:/@"'<>`]{0,256}:)[^\s"<>`]{0,512}@/gi, replace: `$1${MASK}@` },
  // user:password@host without a scheme, within one token (a `/` after the colon means a scheme).
  { pattern: /(^|[\s/"'<>(=,;])([^\s:/@"'<>`]{1,256}):(?!\/)[^\s"<>`]{1,512}@(?=[\w[])/g, replace: `$1$2:${MASK}@` },
  // key=value pairs of query strings and key=value DSNs (libpq quotes values with single quotes).
  // A value masked already is kept as it is, so masking twice does not eat what follows it.
  {
    pattern: new RegExp(`(^|[^\\w-])([\\w.-]{0,64}?(?:${SECRET_KEY_WORDS}))(\\s{0,8}=\\s{0,8})(?:\\*\\*\\*(?=[\\s&;,'":.)\\]]|$)|'(?:\\\\.|[^'\\\\]){0,512}'|"(?:\\\\.|[^"\\\\]){0,512}"|[^\\s&;,'"]{1,512})`, 'gi'),
    replace: `$1$2$3${MASK}`,
  },
  // "password": "value" in JSON-like text.
  {
    pattern: new RegExp(`(["'])([\\w.-]{0,64}?(?:${SECRET_KEY_WORDS}))\\1(\\s{0,8}:\\s{0,8})(["'])(?:\\\\.|(?!\\4).){0,512}\\4`, 'gi'),
    replace: `$1$2$1$3$4${MASK}$4`,
  },
  // HTTP authorization values, JSON Web Tokens, and vendor API tokens (their prefix kept).
  { pattern: new RegExp(AUTHORIZATION, 'gi'), replace: `$1 ${MASK}` },
  { pattern: new RegExp(JWT, 'g'), replace: MASK },
  ...TOKEN_SHAPES.map(({ prefix, body }) => ({ pattern: new RegExp(String.raw`\b(${prefix})${body}`, 'g'), replace: `$1${MASK}` })),
];

/**
 * Masks everything in `text` that looks like a secret: URL passwords, `password=` / `pwd=` /
 * `pass=` / `sslpassword=` / `token=` / `secret=` / `api_key=` values (query strings, key=value
 * DSNs, JSON), bearer and basic credentials, JWTs, PEM private keys, and API tokens of the usual
 * vendors (`sk-…`, `ghp_…`, `github_pat_…`, `xoxb-…`, `AKIA…`, `AIza…`).
 */
export function maskSecrets(text: string): string {
  let masked = text;
  for (const { pattern, replace } of RULES) masked = masked.replace(pattern, replace);
  return masked;
}

/** Whether a query parameter or key=value key names a secret (`password`, `sslpassword`, `api_key`…). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Whether an environment variable's name says it holds a secret (`API_KEY`, `PGPASSWORD`, `GITHUB_TOKEN`…). */
export function isSecretVariable(name: string): boolean {
  return SECRET_VARIABLE.test(name);
}

/**
 * A URL with its password and secret query parameters replaced by `***`, for messages. The
 * URL is read by the WHATWG parser, so the password is found however it is encoded (a raw `@`
 * or space, `?password=`); what a parser cannot read (a malformed scheme, a key=value DSN, a raw
 * `/` in the password) is masked by the text rules of `maskSecrets`.
 */
export function maskUrl(url: string): string {
  const parsed = parseUrl(url);
  const secretParams = parsed ? [...parsed.searchParams.keys()].filter(isSecretKey) : [];
  if (!parsed || (parsed.password === '' && secretParams.length === 0)) return maskSecrets(url);
  if (parsed.password !== '') parsed.password = MASK;
  for (const key of secretParams) parsed.searchParams.set(key, MASK);
  return maskSecrets(parsed.href);
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Secret values that `${VAR}` interpolation put into a manifest, by variable. */
export interface SecretValue {
  variable: string;
  value: string;
}

/**
 * Values shorter than this are not searched for in messages: a secret-named variable holding
 * `1` or `on` is a switch, and replacing every `1` in a message would garble it.
 */
const MIN_SECRET_LENGTH = 4;

/** Replaces each secret value found in `text` by the `${VAR}` reference it came from. */
export function maskValues(text: string, secrets: readonly SecretValue[]): string {
  let masked = text;
  // Longest first, so a value that contains another is replaced whole.
  const ordered = secrets.filter((s) => s.value.length >= MIN_SECRET_LENGTH).sort((a, b) => b.value.length - a.value.length);
  for (const { variable, value } of ordered) masked = masked.split(value).join(`\${${variable}}`);
  return masked;
}

/** `value` with `maskSecrets` applied to every string in it (for reports printed as text or JSON). */
export function maskStrings<T>(value: T): T {
  if (typeof value === 'string') return maskSecrets(value) as T;
  if (Array.isArray(value)) return value.map(maskStrings) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskStrings(item)])) as T;
  }
  return value;
}
