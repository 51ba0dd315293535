import type { Entry } from '../../core/entries.js';
import { AppendFile } from '../../fs/append.js';
import { writeAtomic } from '../../fs/atomic.js';
import { encodeLine } from '../../formats/jsonl.js';
import { checkEncodable, needsAsciiJson } from '../../formats/text.js';
import { endOnWholeLine } from '../../fs/whole-lines.js';
import { FOLD_EVERY, type FileTarget, type FileWriter } from './writers.js';

/**
 * A JSON Lines file: each save appends the new lines at the end with one fdatasync. Several
 * processes may append to one file: each save starts by reopening the file if another process
 * replaced it (a reset) and by cutting a torn last line a crash left, then appends whole lines
 * or nothing (see `AppendFile`).
 */
export class LinesWriter implements FileWriter {
  readonly rewritesWhole = false;
  /** Lines pushed and not yet saved: encoded runs of bytes, then lines not folded yet. */
  private pending: Buffer[] = [];
  private lines: string[] = [];
  private readonly file: AppendFile;
  private readonly asciiOnly: boolean;

  constructor(private readonly target: FileTarget) {
    this.file = new AppendFile(target.path);
    this.asciiOnly = needsAsciiJson(target.encoding);
  }

  encode(entry: Entry): string {
    const line = encodeLine(entry, this.asciiOnly);
    checkEncodable(line, this.target.encoding);
    return line;
  }

  push(_entry: Entry, line: string): void {
    this.lines.push(line);
    if (this.lines.length >= FOLD_EVERY) this.fold();
  }

  async save(): Promise<void> {
    this.fold();
    if (this.pending.length === 0) return;
    await this.file.open();
    await endOnWholeLine(this.file, this.target.encoding);
    await this.file.append(this.pending);
    this.pending = [];
  }

  forget(): void {
    // Nothing is cached from the store: pending lines are still to be appended.
  }

  async rewrite(): Promise<void> {
    await this.file.close();
    const text = this.target.entries().map((entry) => encodeLine(entry, this.asciiOnly)).join('');
    await writeAtomic(this.target.path, [Buffer.from(text, this.target.encoding)]);
    this.pending = [];
    this.lines = [];
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  private fold(): void {
    if (this.lines.length === 0) return;
    this.pending.push(Buffer.from(this.lines.join(''), this.target.encoding));
    this.lines = [];
  }
}
