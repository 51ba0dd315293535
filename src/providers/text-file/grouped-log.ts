import { dirname } from 'node:path';
import { writeAtomic } from '../../fs/atomic.js';
import { makeFolder } from '../../fs/folder.js';
import { FileLock } from '../../fs/lock.js';
import { serial } from '../../core/serial.js';
import { AsideNumbers, sizeOf } from './files.js';
import { GroupedState, type EntryView } from './grouped-state.js';
import { Journal, journalPath } from './journal.js';

/** What a grouped log needs from its provider. */
export interface GroupedLogOptions {
  encoding: BufferEncoding;
  /** The provider's label, for errors. */
  label: string;
  /** Renders the whole document; throws when the template fails. */
  render(state: GroupedState): string;
  /** Renders one entry alone, to find which entry a failed render tripped on. */
  probe(view: EntryView): void;
  /** Reports a render that failed. */
  warn(message: string, cause: unknown): void;
  /** An entry the template fails on alone: it is left out of the log (the journal keeps it). */
  leftOut(view: EntryView, cause: unknown): void;
}

/**
 * A render may start only once this many times its own last duration has passed since it
 * ended, so re-rendering takes at most ~1/(1+RENDER_SPACING) of the time during a burst.
 */
const RENDER_SPACING = 4;

/**
 * One grouped log file (the conversations template): the whole document is re-rendered from
 * an incrementally kept state and replaced atomically.
 *
 * Every batch is first appended to the journal, `<path>.entries.jsonl` (see `Journal`), which
 * is what makes a write durable, what a restart reloads, and how several processes writing one
 * log see each other's entries. Writes, renders and close each hold the log's lock once.
 * Re-rendering the document per batch would cost O(n²) over a burst of batches, so a render is
 * skipped while the last one is recent (see RENDER_SPACING) unless the state has doubled since;
 * a skipped render runs from a timer soon after, and always at close.
 *
 * A file with no journal beside it was not rendered by historian: it is renamed to the next
 * free `<path>.<n>` before the first render. A file with a journal is ours, and is continued.
 */
export class GroupedLog {
  /** The seq of the last entry this process journaled: a retried batch skips up to it. */
  lastSeq = 0;
  private state = new GroupedState();
  private readonly journal: Journal;
  private readonly lock: FileLock;
  /** Writes, timer renders and close, one at a time: each takes the lock once, never nested. */
  private readonly queue = serial();
  private folderMade = false;
  private opened = false;
  /** Entries added since the last successful render. */
  private unrendered: EntryView[] = [];
  private renderedSize = 0;
  private lastRenderEnd = 0;
  private lastRenderCost = 0;
  private timer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(
    readonly path: string,
    private readonly options: GroupedLogOptions,
  ) {
    this.journal = new Journal(journalPath(path));
    this.lock = new FileLock(path, { label: options.label });
  }

  /** Reads what other processes journaled, journals the views, and re-renders unless one ran just now. */
  write(views: readonly EntryView[]): Promise<void> {
    return this.queue(async () => {
      // A folder that cannot be made yet (say, not yet writable) is tried again with the retried batch.
      if (!this.folderMade) await makeFolder(dirname(this.path));
      this.folderMade = true;
      await this.locked(async () => {
        await this.catchUp();
        await this.journal.append(views);
        this.lastSeq = views.at(-1)?.seq ?? this.lastSeq;
        for (const view of views) this.add(view);
        await this.renderIfDue();
      });
    });
  }

  /** Renders whatever is still unrendered, other processes' entries included. */
  close(): Promise<void> {
    this.closing = true;
    this.cancelRender();
    return this.queue(async () => {
      // A write queued before close may have scheduled a render: this one covers it.
      this.cancelRender();
      if (!this.opened) return;
      await this.locked(async () => {
        await this.catchUp();
        if (this.unrendered.length > 0) await this.renderNow();
      });
    });
  }

  /** Runs `task` under the lock, opening the log first if needed; the journal is closed after. */
  private async locked(task: () => Promise<void>): Promise<void> {
    try {
      await this.lock.run(async () => {
        if (!this.opened) await this.open();
        await task();
      });
    } finally {
      await this.journal.close();
    }
  }

  private async open(): Promise<void> {
    const existing = await sizeOf(this.path);
    if (existing !== null && existing > 0 && (await sizeOf(this.journal.path)) === null) await new AsideNumbers(this.path).moveAside();
    this.opened = true;
  }

  private async catchUp(): Promise<void> {
    const { views, restarted } = await this.journal.catchUp();
    // A reset replaced the journal: the log holds what the new one holds, and nothing from before.
    if (restarted) {
      this.state = new GroupedState();
      this.unrendered = [];
      this.renderedSize = 0;
    }
    for (const view of views) this.add(view);
  }

  private add(view: EntryView): void {
    this.state.add(view);
    this.unrendered.push(view);
  }

  /**
   * The batch is durable in the journal now; a failed render must not make the caller retry
   * (and journal it twice), so it is reported and tried again from the timer.
   */
  private async renderIfDue(): Promise<void> {
    if (!this.renderIsDue()) return this.scheduleRender();
    await this.renderNow().catch((error: unknown) => {
      this.options.warn(`cannot write ${this.path} (will retry)`, error);
      this.scheduleRender();
    });
  }

  private renderIsDue(): boolean {
    if (this.unrendered.length >= this.renderedSize) return true;
    return performance.now() - this.lastRenderEnd >= this.lastRenderCost * RENDER_SPACING;
  }

  private cancelRender(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private scheduleRender(): void {
    if (this.timer || this.closing) return;
    const wait = Math.max(1, this.lastRenderEnd + this.lastRenderCost * RENDER_SPACING - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      const render = () => this.locked(async () => {
        await this.catchUp();
        await this.renderNow();
      });
      this.queue(render).catch((error: unknown) => this.options.warn(`cannot write ${this.path}`, error));
    }, wait);
    this.timer.unref();
  }

  /** Renders the state and replaces the file; call under the lock, after catching up. */
  private async renderNow(): Promise<void> {
    if (this.unrendered.length === 0 && this.renderedSize > 0) return;
    const started = performance.now();
    const added = this.unrendered;
    this.unrendered = [];
    const text = this.renderText(added);
    if (text === null) return;
    try {
      await writeAtomic(this.path, [Buffer.from(text, this.options.encoding)]);
    } catch (error) {
      this.unrendered = added.concat(this.unrendered);
      throw error;
    }
    this.renderedSize = this.state.size;
    this.lastRenderEnd = performance.now();
    this.lastRenderCost = this.lastRenderEnd - started;
  }

  /**
   * The rendered document, or null when the template fails even after leaving out the newly
   * added entries that fail on their own (each reported once).
   */
  private renderText(added: EntryView[]): string | null {
    try {
      return this.options.render(this.state);
    } catch (error) {
      for (const view of added) {
        try {
          this.options.probe(view);
        } catch (cause) {
          this.state.remove(view);
          this.options.leftOut(view, cause);
        }
      }
      try {
        return this.options.render(this.state);
      } catch {
        this.options.warn(`cannot render ${this.path}; it keeps its previous content`, error);
        return null;
      }
    }
  }
}
