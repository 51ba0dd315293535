/** Rows per chunk: memory grows in steps of this many rows, and no column is ever copied to grow. */
export const CHUNK_BITS = 12;
export const CHUNK_SIZE = 1 << CHUNK_BITS;
export const CHUNK_MASK = CHUNK_SIZE - 1;

/**
 * The columns of `CHUNK_SIZE` consecutive rows. Numbers live in typed arrays (outside the
 * garbage-collected heap, never scanned); only strings and rare fields are references.
 */
export class Chunk {
  /** Entry type code (see `rows.ts`). */
  readonly kind = new Uint8Array(CHUNK_SIZE);
  /** Bit flags of the row (see `rows.ts`). */
  readonly flags = new Uint8Array(CHUNK_SIZE);
  /** Conversation slot, or -1. */
  readonly conv = new Int32Array(CHUNK_SIZE);
  /** The next row of the same conversation, or -1. */
  readonly next = new Int32Array(CHUNK_SIZE);
  /** Interned id prefix of a generated id (`prefix + seq` in base 36), or -1. */
  readonly idPrefix = new Int32Array(CHUNK_SIZE);
  /** Interned short strings (role, name, model, agent, session…), -1 when absent; meaning by type. */
  readonly sym0 = new Int32Array(CHUNK_SIZE);
  readonly sym1 = new Int32Array(CHUNK_SIZE);
  readonly sym2 = new Int32Array(CHUNK_SIZE);
  /** Timestamp in epoch ms when its ISO string round-trips exactly, else NaN. */
  readonly ts = new Float64Array(CHUNK_SIZE);
  readonly seq = new Float64Array(CHUNK_SIZE);
  /** The one free-text field of the type (content, command, a tool call's message_id). */
  readonly text: (string | undefined)[] = new Array<string | undefined>(CHUNK_SIZE).fill(undefined);
  /** Fields without a column (cost_info, metadata, args…), or the whole entry; made on first use. */
  rest: (Record<string, unknown> | undefined)[] | null = null;
}

/**
 * Short strings stored once and referred to by number: roles, agent and model names, sessions.
 * A value repeated from one of the last two calls is found without hashing.
 */
export class Interner {
  private readonly codes = new Map<string, number>();
  /** The strings, by code. */
  readonly values: string[] = [];
  private last: string | undefined;
  private lastCode = -1;
  private previous: string | undefined;
  private previousCode = -1;

  /** The code of `value`, interning it if new. */
  code(value: string): number {
    if (value === this.last) return this.lastCode;
    if (value === this.previous) {
      // Two values taking turns (user and assistant) are found without hashing too.
      const code = this.previousCode;
      this.previous = this.last;
      this.previousCode = this.lastCode;
      this.last = value;
      return (this.lastCode = code);
    }
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    this.previous = this.last;
    this.previousCode = this.lastCode;
    this.last = value;
    this.lastCode = code;
    return code;
  }

  /** The code of `value`, or -2 (matches no row, not even an absent field's -1) when never interned. */
  find(value: string): number {
    return this.codes.get(value) ?? -2;
  }
}
