import type { FileHandle } from 'node:fs/promises';

/** One line of a file: where its bytes start, how many there are (newline included), its text. */
export interface ScannedLine {
  offset: number;
  bytes: number;
  text: string;
  /** Whether it ends in a newline; only the last line of a file may not. */
  whole: boolean;
}

/** How much is read at a time. Even, so UTF-16 newlines stay aligned. */
const CHUNK = 1 << 20;

const BOMS: Partial<Record<BufferEncoding, Buffer>> = {
  utf8: Buffer.from([0xef, 0xbb, 0xbf]),
  'utf-8': Buffer.from([0xef, 0xbb, 0xbf]),
  utf16le: Buffer.from([0xff, 0xfe]),
  'utf-16le': Buffer.from([0xff, 0xfe]),
  ucs2: Buffer.from([0xff, 0xfe]),
  'ucs-2': Buffer.from([0xff, 0xfe]),
};

/**
 * Reads the lines of an open file between byte offsets `from` and `to`, a chunk at a time, so
 * memory stays bounded whatever the file's size. Yields the lines of each chunk together; the
 * last line before `to` may lack its newline (`whole: false`). A byte-order mark at offset 0
 * is skipped. Blank lines are yielded too, so callers can count line numbers.
 */
export async function* scanLines(handle: FileHandle, from: number, to: number, encoding: BufferEncoding): AsyncGenerator<ScannedLine[]> {
  const newline = Buffer.from('\n', encoding);
  const unit = newline.length;
  let position = from;
  if (from === 0) position += await bomLength(handle, encoding, to);
  let carry = Buffer.alloc(0);
  let carryOffset = position;
  // The next chunk is read while the lines of this one are handed out.
  let next = readAhead(handle, position, to);
  while (position < to) {
    const chunk = await next;
    if (chunk.length === 0) break;
    position += chunk.length;
    next = readAhead(handle, position, to);
    const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const lines: ScannedLine[] = [];
    let start = 0;
    for (let at = findNewline(bytes, newline, 0, carryOffset); at !== -1; at = findNewline(bytes, newline, start, carryOffset)) {
      const end = at + unit;
      lines.push({ offset: carryOffset + start, bytes: end - start, text: bytes.toString(encoding, start, at), whole: true });
      start = end;
    }
    carry = Buffer.from(bytes.subarray(start));
    carryOffset += start;
    if (lines.length > 0) yield lines;
  }
  await next;
  if (carry.length > 0) yield [{ offset: carryOffset, bytes: carry.length, text: carry.toString(encoding), whole: false }];
}

/** Starts reading the next chunk; a caller that stops early leaves it unread, and its failure unheard. */
function readAhead(handle: FileHandle, position: number, to: number): Promise<Buffer> {
  const chunk = readChunk(handle, position, to);
  chunk.catch(() => undefined);
  return chunk;
}

/** Reads up to a chunk from `position` (nothing at or past `to`). */
async function readChunk(handle: FileHandle, position: number, to: number): Promise<Buffer> {
  const length = Math.min(CHUNK, to - position);
  if (length <= 0) return Buffer.alloc(0);
  const chunk = Buffer.allocUnsafe(length);
  const { bytesRead } = await handle.read(chunk, 0, length, position);
  return chunk.subarray(0, bytesRead);
}

/** The next newline at or after `from`, aligned to the encoding's code unit in the file (`bytes` starts at file offset `base`). */
function findNewline(bytes: Buffer, newline: Buffer, from: number, base: number): number {
  const unit = newline.length;
  for (let at = bytes.indexOf(newline, from); at !== -1; at = bytes.indexOf(newline, at + 1)) {
    if ((base + at) % unit === 0) return at;
  }
  return -1;
}

async function bomLength(handle: FileHandle, encoding: BufferEncoding, to: number): Promise<number> {
  const bom = BOMS[encoding];
  if (!bom || to < bom.length) return 0;
  const head = Buffer.alloc(bom.length);
  await handle.read(head, 0, bom.length, 0);
  return head.equals(bom) ? bom.length : 0;
}

/** Reads the bytes of each span (sorted by offset) with few large reads; returns them in the order given. */
export async function readSpans(handle: FileHandle, spans: readonly { offset: number; bytes: number }[]): Promise<Buffer[]> {
  const order = spans.map((_, i) => i).sort((a, b) => spans[a]!.offset - spans[b]!.offset);
  const out: Buffer[] = new Array(spans.length);
  for (let i = 0; i < order.length; ) {
    // One read covers the following spans while the gaps between them stay small.
    const first = spans[order[i]!]!;
    let end = first.offset + first.bytes;
    let j = i + 1;
    while (j < order.length) {
      const next = spans[order[j]!]!;
      if (next.offset - end > 64 * 1024 || next.offset + next.bytes - first.offset > CHUNK * 4) break;
      end = Math.max(end, next.offset + next.bytes);
      j++;
    }
    const block = Buffer.allocUnsafe(end - first.offset);
    const { bytesRead } = await handle.read(block, 0, block.length, first.offset);
    for (let k = i; k < j; k++) {
      const span = spans[order[k]!]!;
      out[order[k]!] = block.subarray(span.offset - first.offset, Math.min(bytesRead, span.offset - first.offset + span.bytes));
    }
    i = j;
  }
  return out;
}
