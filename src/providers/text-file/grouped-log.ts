import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeAtomic } from '../file/atomic.js';
import { AsideNumbers, sizeOf } from './files.js';
import { GroupedState, type EntryView } from './grouped-state.js';

/** What a grouped log needs from its provider. */
export interface GroupedLogOptions {
  encoding: BufferEncoding;
  /** Renders the whole document; throws when the template fails. */
  render(state: GroupedState): string;
  /** Renders one entry alone, to find which entry a failed render tripped on. */
  probe(view: EntryView): void;
  /** Reports an entry left out of the log, or a render that failed. */
  warn(message: string, cause: unknown): void;
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
 * Every batch is first appended to a journal, `<path>.entries.jsonl`, which is what makes a
 * write durable and what a restart reloads, so the grouped log keeps its earlier entries.
 * Re-rendering the document per batch would cost O(n²) over a burst of batches, so a render is
 * skipped while the last one is recent (see RENDER_SPACING) unless the state has doubled since;
 * a skipped render runs from a timer soon after, and always at close.
 *
 * A file that existed before this process first wrote to it is renamed to the next free
 * `<path>.<n>` before the first render; after that the provider owns the file.
 */
export class GroupedLog {
  private readonly state = new GroupedState();
  private readonly journal: string;
  private opened: Promise<void> | null = null;
  /** Entries added since the last successful render. */
  private unrendered: EntryView[] = [];
  private renderedSize = 0;
  private lastRenderEnd = 0;
  private lastRenderCost = 0;
  private rendering: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private journalTorn = false;

  constructor(
    readonly path: string,
    private readonly options: GroupedLogOptions,
  ) {
    this.journal = `${path}.entries.jsonl`;
  }

  /** Journals the views, files them into the state, and re-renders unless one ran just now. */
  async write(views: readonly EntryView[]): Promise<void> {
    // A failed open (say, a folder not yet writable) is tried again with the retried batch.
    this.opened ??= this.open().catch((error: unknown) => {
      this.opened = null;
      throw error;
    });
    await this.opened;
    const lines = views.map((view) => `${JSON.stringify(view)}\n`).join('');
    // After a failed append the journal may end in a torn line: start on a fresh line so the
    // retried batch's first entry is not glued to it.
    const text = this.journalTorn ? `\n${lines}` : lines;
    this.journalTorn = true;
    await appendFile(this.journal, text, 'utf8');
    this.journalTorn = false;
    for (const view of views) this.add(view);
    if (!this.renderIsDue()) return this.scheduleRender();
    // The batch is durable in the journal now; a failed render must not make the caller retry
    // (and journal it twice), so it is reported and tried again from the timer.
    await this.render().catch((error: unknown) => {
      this.options.warn(`cannot write ${this.path} (will retry)`, error);
      this.scheduleRender();
    });
  }

  /** Renders whatever is still unrendered. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.opened && this.unrendered.length > 0) await this.render();
  }

  private async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const existing = await sizeOf(this.path);
    if (existing !== null && existing > 0) await new AsideNumbers(this.path).moveAside();
    for (const view of await this.readJournal()) this.add(view);
  }

  private async readJournal(): Promise<EntryView[]> {
    let text: string;
    try {
      text = await readFile(this.journal, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const views: EntryView[] = [];
    const seen = new Set<string>();
    for (const line of text.split('\n')) {
      if (!line) continue;
      let view: EntryView;
      try {
        view = JSON.parse(line) as EntryView;
      } catch {
        // A line torn by a crash or failure mid-append: its batch was not acknowledged, so it
        // was written again (or was never reported as logged).
        continue;
      }
      // A batch that failed part-way through its append was appended again in full.
      if (seen.has(view.id)) continue;
      seen.add(view.id);
      views.push(view);
    }
    return views;
  }

  private add(view: EntryView): void {
    this.state.add(view);
    this.unrendered.push(view);
  }

  private renderIsDue(): boolean {
    if (this.unrendered.length >= this.renderedSize) return true;
    return performance.now() - this.lastRenderEnd >= this.lastRenderCost * RENDER_SPACING;
  }

  private scheduleRender(): void {
    if (this.timer) return;
    const wait = Math.max(1, this.lastRenderEnd + this.lastRenderCost * RENDER_SPACING - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.render().catch((error: unknown) => this.options.warn(`cannot write ${this.path}`, error));
    }, wait);
    this.timer.unref();
  }

  /** Renders serially: a timer render and a write's render never interleave their files. */
  private render(): Promise<void> {
    this.rendering = this.rendering.catch(() => {}).then(() => this.renderNow());
    return this.rendering;
  }

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
          this.options.warn(`entry ${view.id} (${view.type}) left out of ${this.path}`, cause);
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
