/** The highest character code each narrow encoding can hold; the others hold all of Unicode. */
const LIMITS: Readonly<Record<string, RegExp>> = {
  ascii: /[^\u0000-\u007f]/,
  latin1: /[^\u0000-\u00ff]/,
  binary: /[^\u0000-\u00ff]/,
};

/** Whether JSON text should escape non-ASCII characters to survive the file's encoding. */
export function needsAsciiJson(encoding: BufferEncoding): boolean {
  return encoding in LIMITS;
}

/** Throws when `text` holds a character the encoding cannot write (it would be silently replaced). */
export function checkEncodable(text: string, encoding: BufferEncoding): void {
  const match = LIMITS[encoding]?.exec(text);
  if (match) {
    const code = match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new Error(`character U+${code} cannot be written in ${encoding}`);
  }
}

/** The file's bytes as text, without a byte-order mark. */
export function decodeText(bytes: Buffer, encoding: BufferEncoding): string {
  const text = bytes.toString(encoding);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
