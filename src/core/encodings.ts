/*
 * The spellings of an encoding people write (`UTF-8`, `utf8`, `latin-1`, `UTF_16LE`…), each
 * brought to the one Node takes. A spelling is compared in lower case without dashes or
 * underscores, so every mix of case and separators of a name below is accepted.
 */

/** Each encoding's names with their usual separators, and the name Node is given. */
const NAMES: readonly (readonly [spellings: readonly string[], node: BufferEncoding])[] = [
  [['utf-8'], 'utf-8'],
  [['utf-16le', 'ucs-2'], 'utf16le'],
  [['latin-1', 'iso-8859-1', 'binary'], 'latin1'],
  [['ascii', 'us-ascii'], 'ascii'],
  [['base64'], 'base64'],
  [['base64url'], 'base64url'],
  [['hex'], 'hex'],
];

/** A name without case or separators: `UTF_16-LE` → `utf16le`. */
function bare(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

const BY_BARE_NAME = new Map(NAMES.flatMap(([spellings, node]) => spellings.map((spelling) => [bare(spelling), node] as const)));

/** The encodings as written in messages. */
export const ENCODING_NAMES: readonly string[] = NAMES.flatMap(([spellings]) => spellings);

/** The Node encoding a spelling names, or undefined for one it does not. */
export function normaliseEncoding(spelling: string): BufferEncoding | undefined {
  return BY_BARE_NAME.get(bare(spelling));
}

/**
 * A regular expression (JSON Schema dialect: no flags) matching every accepted spelling, for
 * editors: each letter in either case, a separator allowed between any two characters.
 */
export function encodingPattern(): string {
  const word = (name: string) =>
    [...bare(name)].map((c) => (c.toLowerCase() === c.toUpperCase() ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`)).join('[-_]?');
  return `^(?:${[...BY_BARE_NAME.keys()].map(word).join('|')})$`;
}
