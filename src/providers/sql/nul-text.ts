import { customType } from 'drizzle-orm/pg-core';

// PostgreSQL's text type cannot hold U+0000, and an entry may. It is stored as the pair
// U+FFFE '0', and a U+FFFE of the text itself as U+FFFE U+FFFE, so reading gives back exactly
// what was logged. U+FFFE is a noncharacter: text that holds neither is stored unchanged, and
// LIKE filters on ordinary text match as before. (`json` columns keep NUL as the \u0000 escape.)
const ESCAPE = '\uFFFE';
const NEEDS_ENCODING = /[\u0000\uFFFE]/;

/** The text as stored on PostgreSQL. */
export function encodeNul(value: string): string {
  if (!NEEDS_ENCODING.test(value)) return value;
  return value.replace(/[\u0000\uFFFE]/g, (c) => (c === ESCAPE ? ESCAPE + ESCAPE : `${ESCAPE}0`));
}

/** The text as logged, from its stored form. */
export function decodeNul(value: string): string {
  if (!value.includes(ESCAPE)) return value;
  return value.replace(/\uFFFE([\uFFFE0])/g, (_pair, c: string) => (c === '0' ? '\u0000' : ESCAPE));
}

/** A PostgreSQL `text` column that stores any JavaScript string, NUL included. */
export const text = customType<{ data: string; driverData: string }>({
  dataType: () => 'text',
  toDriver: encodeNul,
  fromDriver: decodeNul,
});
