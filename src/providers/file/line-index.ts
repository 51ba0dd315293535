import { createHash } from 'node:crypto';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { writeAtomic } from '../../fs/atomic.js';
import { Conversations, type ConversationHead } from '../../core/conversations.js';
import { ENTRY_TYPES, messageKey, type EntryType } from '../../core/entries.js';
import { DocumentError } from '../../formats/codec.js';
import { jsonErrorPosition } from '../../formats/json.js';
import { scanLines, type ScannedLine } from '../../fs/line-scan.js';

/** A conversation as the index knows it: its head and the rows of its entries, in file order. */
export interface IndexedConversation extends ConversationHead {
  rows: number[];
}

/** The fields of a line the index keeps; the rest is read from the file when a query needs it. */
interface LineFields {
  type?: unknown;
  id?: unknown;
  conversation_id?: unknown;
  agent_name?: unknown;
  name?: unknown;
  timestamp?: unknown;
  seq?: unknown;
  message_id?: unknown;
  session_id?: unknown;
  sequence?: unknown;
}

const TYPE_CODE = new Map<string, number>(ENTRY_TYPES.map((type, i) => [type, i]));
const IN_CONVERSATION: ReadonlySet<string> = new Set(['conversation_start', 'message', 'tool_call', 'context']);

/** A growable column of numbers. */
class Column<A extends Float64Array | Int32Array | Uint32Array | Uint8Array> {
  constructor(public values: A) {}

  set(row: number, value: number): void {
    if (row >= this.values.length) {
      const grown = new (this.values.constructor as new (n: number) => A)(Math.max(1024, this.values.length * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[row] = value;
  }
}

/** Where the index stands in the file: what it has read, and a sample that tells whether those bytes are still there. */
interface Position {
  /** `dev:ino` of the file indexed. */
  identity: string;
  /** Bytes indexed: every whole line before this offset. */
  indexed: number;
  /** Lines before `indexed`, for line numbers in errors. */
  lines: number;
  /** The last bytes before `indexed`, compared on each sync to notice a file rewritten in place. */
  tail: Buffer;
  /** Whether the last line indexed lacked its newline: the newline a writer adds later is no line of its own. */
  open?: boolean;
}

const TAIL = 32;
/** The format of the index file; another version is rebuilt. */
const INDEX_VERSION = 2;
/** How many new rows make the index worth writing again (or a quarter of those written, so rewrites stay linear in all). */
const SAVE_EVERY = 10_000;

/** The first line of the index file. */
interface IndexHeader {
  version: number;
  encoding: string;
  identity: string;
  indexed: number;
  lines: number;
  tail: string;
  rows: number;
  conversations: [string, string | null, string, boolean, number | null][];
  sequences: [string, number][];
  /** SHA-1 of the columns that follow. */
  checksum: string;
}

function checksum(pieces: readonly Uint8Array[]): string {
  const hash = createHash('sha1');
  for (const piece of pieces) hash.update(piece);
  return hash.digest('hex');
}

/**
 * An index of a JSON Lines history kept beside the reader: for each line, its byte offset and
 * length, type, conversation, time and `seq`; for each conversation, its head (by the shared
 * conversation rules) and its rows; for each run-log session, its last sequence. It is never
 * the source of truth: `sync()` reads what was appended since the last call, and starts over
 * when the file was replaced or rewritten. Entries themselves stay on disk and are read by
 * offset, so memory grows by a few dozen bytes per line, not by the entries.
 */
export class LineIndex {
  readonly offsets = new Column(new Float64Array(0));
  readonly sizes = new Column(new Uint32Array(0));
  readonly types = new Column(new Uint8Array(0));
  readonly conversationOf = new Column(new Int32Array(0));
  readonly times = new Column(new Float64Array(0));
  readonly seqs = new Column(new Float64Array(0));
  readonly lineNumbers = new Column(new Uint32Array(0));
  /** How many lines are indexed. */
  rows = 0;
  /** Counts the times the index started over (the file was replaced): rows of an older generation mean nothing now. */
  generation = 0;
  conversations = new Conversations<IndexedConversation & { index: number }>((head) => ({ ...head, rows: [], index: this.conversationList.length }));
  /** Conversations by their number in `conversationOf`. */
  conversationList: (IndexedConversation & { index: number })[] = [];
  /** The last run-log sequence of each session. */
  sequences = new Map<string, number>();
  /**
   * The first line that is not JSON, if any. Queries fail on it (any of them might need that
   * line); appends go on, as they never rewrite it.
   */
  broken: DocumentError | null = null;
  /** The highest `seq` indexed: a writer numbers its entries after it. */
  lastSeq = 0;
  /** The keys of every indexed entry, kept once `has()` was first called. */
  private keys: StoredKeys | null = null;
  private position: Position | null = null;
  /** The rows the index file beside the log holds; -1 until it was looked for. */
  private saved = -1;

  constructor(
    readonly path: string,
    private readonly encoding: BufferEncoding,
  ) {}

  /** The byte offset up to which the file is indexed. */
  get indexed(): number {
    return this.position?.indexed ?? 0;
  }

  /** Whether the index has read the file at all (else the next sync reads it whole). */
  get synced(): boolean {
    return this.position !== null;
  }

  /** Whether the index describes this file (device and inode). */
  isOf(dev: number, ino: number): boolean {
    return this.position !== null && this.position.identity === `${dev}:${ino}`;
  }

  /** The code of a type in `types`. */
  codeOf(type: EntryType): number {
    return TYPE_CODE.get(type) ?? 255;
  }

  /** The type of a row. */
  typeOf(row: number): EntryType | undefined {
    return ENTRY_TYPES[this.types.values[row]!];
  }

  /** Where the index is kept beside the log. */
  get file(): string {
    return `${this.path}.index`;
  }

  /** Whether an index was kept beside the log (a writer then keeps it up to date as it appends). */
  async kept(): Promise<boolean> {
    return this.synced || (await stat(this.file).catch(() => null)) !== null;
  }

  /** Catches up with the file: reads the lines appended since the last sync, or everything when the file changed under us. */
  async sync(): Promise<void> {
    if (this.saved === -1) await this.restore();
    const handle = await open(this.path, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (!handle) return this.clear();
    try {
      const info = await handle.stat();
      const identity = `${info.dev}:${info.ino}`;
      if (!(await this.continues(handle, identity, info.size))) this.clear();
      await this.read(handle, identity, info.size);
    } finally {
      await handle.close();
    }
  }

  /**
   * Whether an entry with this key is stored: an id, a message's `message_id`, or a run fact's
   * session and sequence. The first call reads every key (once), later ones are kept up to date.
   */
  async has(kind: keyof StoredKeys, key: string): Promise<boolean> {
    if (!this.keys) await this.fillKeys();
    return this.keys![kind].has(key);
  }

  /**
   * Reads the keys of every indexed line, once (lines read later add theirs as they come). The
   * index itself is left as it is, so queries reading it meanwhile go on undisturbed.
   */
  private async fillKeys(): Promise<void> {
    const keys: StoredKeys = { ids: new Set(), messages: new Set(), sequences: new Set() };
    const indexed = this.indexed;
    const handle = await open(this.path, 'r').catch(() => null);
    if (handle) {
      try {
        for await (const chunk of scanLines(handle, 0, indexed, this.encoding)) {
          for (const line of chunk) {
            if (!line.whole) continue;
            try {
              const value = JSON.parse(line.text) as LineFields | null;
              if (typeof value === 'object' && value !== null) addKeys(keys, value);
            } catch {
              // Not JSON: `broken` already names it for the queries.
            }
          }
        }
      } finally {
        await handle.close();
      }
    }
    this.keys = keys;
  }

  /** Records lines this process appended at the end of what is indexed (under the file's lock), without reading them back. */
  note(lines: readonly { text: string; value: LineFields }[], tail: Buffer, identity: string): void {
    if (!this.position) return;
    let offset = this.position.indexed;
    for (const { text, value } of lines) {
      const bytes = Buffer.byteLength(text, this.encoding);
      this.add(value, offset, bytes, ++this.position.lines);
      offset += bytes;
    }
    this.position = { identity, indexed: offset, lines: this.position.lines, tail: Buffer.from(tail.subarray(Math.max(0, tail.length - TAIL))) };
  }

  /**
   * Writes the index beside the log when it holds many rows the file there lacks, or `always`
   * when it holds any. Atomic: a crash leaves the old index or the new one, and a stale one is
   * noticed and read past (or rebuilt) by the next sync.
   */
  async save(always = false): Promise<void> {
    const position = this.position;
    if (!position || this.broken || this.rows === this.saved || (!always && this.rows - this.saved < Math.max(SAVE_EVERY, this.saved / 4))) return;
    const rows = this.rows;
    const header: Omit<IndexHeader, 'checksum'> = {
      version: INDEX_VERSION,
      encoding: this.encoding,
      identity: position.identity,
      indexed: position.indexed,
      lines: position.lines,
      tail: position.tail.toString('base64'),
      rows,
      conversations: this.conversationList.map((c) => [c.conversation_id, c.agent_name, c.start_time, c.started, c.start_seq ?? null]),
      sequences: [...this.sequences],
    };
    const columns = this.columns().map((column) => Buffer.from(column.values.buffer, column.values.byteOffset, rows * column.values.BYTES_PER_ELEMENT));
    const checked = { ...header, checksum: checksum(columns) };
    // Not fsynced: it can be rebuilt, and the checksum tells a damaged one after a crash.
    await writeAtomic(this.file, [Buffer.from(`${JSON.stringify(checked)}\n`), ...columns], { durable: false });
    this.saved = rows;
  }

  private columns(): Column<Float64Array | Int32Array | Uint32Array | Uint8Array>[] {
    return [this.offsets, this.times, this.seqs, this.sizes, this.conversationOf, this.lineNumbers, this.types];
  }

  /** Reads the index kept beside the log, if there is one for this encoding; the next sync checks it still fits the file. */
  private async restore(): Promise<void> {
    this.saved = 0;
    const bytes = await readFile(this.file).catch(() => null);
    if (!bytes) return;
    try {
      const end = bytes.indexOf(0x0a);
      const header = JSON.parse(bytes.toString('utf8', 0, end)) as IndexHeader;
      if (header.version !== INDEX_VERSION || header.encoding !== this.encoding) return;
      if (checksum([bytes.subarray(end + 1)]) !== header.checksum) return;
      let at = end + 1;
      for (const column of this.columns()) {
        const size = header.rows * column.values.BYTES_PER_ELEMENT;
        if (at + size > bytes.length) return;
        const values = new (column.values.constructor as new (n: number) => typeof column.values)(Math.max(1024, header.rows));
        new Uint8Array(values.buffer).set(bytes.subarray(at, at + size));
        column.values = values;
        at += size;
      }
      this.rows = header.rows;
      for (const [conversation_id, agent_name, start_time, started, start_seq] of header.conversations) {
        this.conversationList.push({ conversation_id, agent_name, start_time, started, start_seq: start_seq ?? undefined, rows: [], index: this.conversationList.length });
      }
      this.conversations = Conversations.of(this.conversationList, (head) => ({ ...head, rows: [], index: this.conversationList.length }));
      const of = this.conversationOf.values;
      for (let row = 0; row < this.rows; row++) if (of[row]! >= 0) this.conversationList[of[row]!]!.rows.push(row);
      this.sequences = new Map(header.sequences);
      const seqs = this.seqs.values;
      for (let row = 0; row < this.rows; row++) if (seqs[row]! > this.lastSeq) this.lastSeq = seqs[row]!;
      this.position = { identity: header.identity, indexed: header.indexed, lines: header.lines, tail: Buffer.from(header.tail, 'base64') };
      this.saved = this.rows;
    } catch {
      // A damaged index is rebuilt from the log.
      this.clear();
    }
  }

  private async continues(handle: FileHandle, identity: string, size: number): Promise<boolean> {
    const known = this.position;
    if (!known) return false;
    if (known.identity !== identity || size < known.indexed) return false;
    if (known.tail.length === 0) return true;
    const now = Buffer.alloc(known.tail.length);
    await handle.read(now, 0, now.length, known.indexed - known.tail.length);
    return now.equals(known.tail);
  }

  private clear(): void {
    if (this.position !== null || this.rows > 0) this.generation += 1;
    this.rows = 0;
    this.conversations = new Conversations((head) => ({ ...head, rows: [], index: this.conversationList.length }));
    this.conversationList = [];
    this.sequences = new Map();
    this.broken = null;
    if (this.saved > 0) this.saved = 0;
    if (this.keys) this.keys = { ids: new Set(), messages: new Set(), sequences: new Set() };
    this.lastSeq = 0;
    this.position = null;
  }

  private async read(handle: FileHandle, identity: string, size: number): Promise<void> {
    const from = this.position?.indexed ?? 0;
    let lines = this.position?.lines ?? 0;
    let indexed = from;
    let completing = this.position?.open === true;
    let open = completing;
    for await (const chunk of scanLines(handle, from, size, this.encoding)) {
      for (const line of chunk) {
        if (completing && line.offset === from && line.whole && line.text === '') {
          // The newline that completes the line indexed last time.
          completing = false;
          open = false;
          indexed = line.offset + line.bytes;
          continue;
        }
        completing = false;
        lines += 1;
        let value: LineFields | undefined;
        try {
          value = parseLine(line, lines);
        } catch (error) {
          this.broken ??= error as DocumentError;
          indexed = line.offset + line.bytes;
          open = false;
          continue;
        }
        // A torn last line is left for later: the writer that cuts it or a reader after it is whole.
        if (value === undefined && !line.whole) {
          lines -= 1;
          break;
        }
        if (value !== undefined) this.add(value, line.offset, line.bytes, lines);
        indexed = line.offset + line.bytes;
        open = !line.whole;
      }
    }
    const tail = Buffer.alloc(Math.min(TAIL, indexed));
    if (tail.length > 0) await handle.read(tail, 0, tail.length, indexed - tail.length);
    // A last line without its newline is indexed once it parses; the newline added later is skipped.
    this.position = { identity, indexed, lines, tail, open };
  }

  private add(value: LineFields, offset: number, bytes: number, line: number): void {
    const row = this.rows++;
    const type = typeof value.type === 'string' ? value.type : '';
    this.offsets.set(row, offset);
    this.sizes.set(row, bytes);
    this.types.set(row, TYPE_CODE.get(type) ?? 255);
    this.times.set(row, typeof value.timestamp === 'string' ? Date.parse(value.timestamp) : Number.NaN);
    this.seqs.set(row, typeof value.seq === 'number' ? value.seq : 0);
    this.lineNumbers.set(row, line);
    if (this.keys) addKeys(this.keys, value);
    if (typeof value.seq === 'number' && value.seq > this.lastSeq) this.lastSeq = value.seq;
    if (typeof value.session_id === 'string' && typeof value.sequence === 'number') {
      this.sequences.set(value.session_id, Math.max(this.sequences.get(value.session_id) ?? 0, value.sequence));
    }
    this.conversationOf.set(row, this.attach(value, type, row));
  }

  /** Adds the row to its conversation under the shared rules; returns the conversation's number, or -1. */
  private attach(value: LineFields, type: string, row: number): number {
    const id = value.conversation_id;
    const timestamp = value.timestamp;
    if (typeof id !== 'string' || typeof timestamp !== 'string' || !IN_CONVERSATION.has(type)) return -1;
    const seq = typeof value.seq === 'number' ? value.seq : undefined;
    const before = this.conversations.size;
    const conversation =
      type === 'conversation_start' && typeof value.agent_name === 'string'
        ? this.conversations.start({ conversation_id: id, agent_name: value.agent_name, timestamp, seq })
        : this.conversations.of({ conversation_id: id, timestamp, seq }, type === 'message' && typeof value.name === 'string' ? value.name : null);
    if (this.conversations.size > before) this.conversationList.push(conversation);
    conversation.rows.push(row);
    return conversation.index;
  }
}

/** The keys a store holds each entry under once: ids, message ids, and run facts' session and sequence. */
export interface StoredKeys {
  ids: Set<string>;
  messages: Set<string>;
  sequences: Set<string>;
}

/** The key of a run fact's place in its session. */
export function sequenceKey(session: string, sequence: number): string {
  return `${sequence}:${session}`;
}

function addKeys(keys: StoredKeys, value: LineFields): void {
  if (typeof value.id !== 'string') return;
  keys.ids.add(value.id);
  if (value.type === 'message' && typeof value.conversation_id === 'string') keys.messages.add(messageKey(value.conversation_id, typeof value.message_id === 'string' ? value.message_id : value.id));
  if (typeof value.session_id === 'string' && typeof value.sequence === 'number') keys.sequences.add(sequenceKey(value.session_id, value.sequence));
}

/**
 * The fields of a line, or undefined for a line to skip: blank, or a torn last line that a
 * crash left without its newline. Any other line that is not JSON is an error naming it.
 */
function parseLine(line: ScannedLine, number: number): LineFields | undefined {
  if (line.text.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(line.text);
    // Not an entry: indexed all the same, so that reading it reports what is wrong with it.
    return typeof value === 'object' && value !== null ? (value as LineFields) : {};
  } catch (error) {
    if (!line.whole) return undefined;
    const { column } = jsonErrorPosition(line.text, error as Error);
    throw new DocumentError(`invalid JSON: ${(error as Error).message.replace(/ in JSON at position \d+.*$/, '')}`, number, column);
  }
}
