/**
 * The shapes of secrets in text, as regular expression sources: one list for the masking of
 * error messages (config/secrets.ts) and the `api_keys` / `bearer_tokens` / `jwt` /
 * `private_keys` redaction presets, so both recognise the same tokens. Every repeated part is
 * bounded, so a long text without a match costs one pass, never a quadratic scan.
 */

/** Vendor API tokens: a fixed prefix (kept by error masking, to say what was hidden) and a body. */
export const TOKEN_SHAPES: readonly { prefix: string; body: string }[] = [
  // OpenAI and Anthropic (sk-…, sk-proj-…, sk-ant-…, sk-live-…).
  { prefix: 'sk-', body: '[A-Za-z0-9_-]{16,512}' },
  // Stripe secret and restricted keys.
  { prefix: '[rs]k_(?:live|test)_', body: '[A-Za-z0-9]{16,255}' },
  // GitHub tokens and fine-grained tokens.
  { prefix: 'gh[pousr]_', body: '[A-Za-z0-9]{30,255}' },
  { prefix: 'github_pat_', body: '[A-Za-z0-9_]{40,255}' },
  // Slack tokens.
  { prefix: 'xox[abposrce]-', body: '[A-Za-z0-9-]{10,255}' },
  // AWS access key ids, Google API keys.
  { prefix: '(?:AKIA|ASIA)', body: '[A-Z0-9]{16}' },
  { prefix: 'AIza', body: '[0-9A-Za-z_-]{35}' },
];

/** Any vendor API token, whole. */
export const API_TOKEN = String.raw`\b(?:${TOKEN_SHAPES.map(({ prefix, body }) => `${prefix}${body}`).join('|')})\b`;

/** The credential of an HTTP Authorization header; group 1 is the scheme. */
export const AUTHORIZATION = String.raw`\b(Bearer|Basic)\s{1,8}[A-Za-z0-9._~+/-]{8,4096}=*`;

/** JSON Web Tokens: header.payload.signature in base64url. */
export const JWT = String.raw`\beyJ[A-Za-z0-9_-]{5,4096}\.eyJ[A-Za-z0-9_-]{5,8192}\.[A-Za-z0-9_-]{0,4096}`;

/** PEM private keys, whole blocks. */
export const PRIVATE_KEY = String.raw`-----BEGIN [A-Z ]{0,32}PRIVATE KEY-----[\s\S]{0,16384}?-----END [A-Z ]{0,32}PRIVATE KEY-----`;
