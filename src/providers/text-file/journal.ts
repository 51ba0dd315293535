import { AppendFile } from '../../fs/append.js';
import { endOnWholeLine } from '../../fs/whole-lines.js';
import type { EntryView } from './grouped-state.js';

/** The journal beside a grouped log. */
export function journalPath(log: string): string {
  return `${log}.entries.jsonl`;
}

/**
 * The journal of a grouped log, `<path>.entries.jsonl`: every entry of the log, one JSON line
 * each. Appending to it is what makes a write durable, and it is shared: every process that
 * writes the log appends its entries here, and before appending, reads the lines the others
 * appended since its last read, so each process renders every process's entries. Call
 * `catchUp` then `append` under the log's lock.
 */
export class Journal {
  private readonly file: AppendFile;
  /** How far this process has read, and in which file (a replaced journal is read from its start). */
  private readUpTo = 0;
  private readFrom = '';
  /** Ids already read or written: a line appended twice by an older version is read once. */
  private readonly seen = new Set<string>();

  constructor(readonly path: string) {
    this.file = new AppendFile(path);
  }

  /**
   * Opens the journal and returns the entries appended since the last call, all of them the
   * first time. `restarted` says the journal was replaced or cut since (a reset): its entries
   * are then all of the log's, and what was read before is gone.
   */
  async catchUp(): Promise<{ views: EntryView[]; restarted: boolean }> {
    await this.file.open();
    // A crash mid-append leaves a torn last line: cut it before reading or appending after it.
    await endOnWholeLine(this.file, 'utf8');
    const restarted = this.file.identity !== this.readFrom || this.file.size < this.readUpTo;
    if (restarted) {
      this.readFrom = this.file.identity;
      this.readUpTo = 0;
      this.seen.clear();
    }
    const bytes = await this.file.read(this.readUpTo, this.file.size - this.readUpTo);
    this.readUpTo = this.file.size;
    return { views: this.parse(bytes.toString('utf8')), restarted };
  }

  /** Appends this process's entries, whole or not at all; call after `catchUp`. */
  async append(views: readonly EntryView[]): Promise<void> {
    const text = views.map((view) => `${JSON.stringify(view)}\n`).join('');
    await this.file.append([Buffer.from(text, 'utf8')]);
    for (const view of views) this.seen.add(view.id);
    this.readUpTo = this.file.size;
  }

  /** Closes the handle between writes (a templated path can name many logs). */
  close(): Promise<void> {
    return this.file.close();
  }

  private parse(text: string): EntryView[] {
    const views: EntryView[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      let view: EntryView;
      try {
        view = JSON.parse(line) as EntryView;
      } catch {
        // A line torn by a crash under an older version, which did not cut it: never acknowledged.
        continue;
      }
      if (this.seen.has(view.id)) continue;
      this.seen.add(view.id);
      views.push(view);
    }
    return views;
  }
}
