import { appendFile } from 'node:fs/promises';
import { ManifestError, ProviderError, RejectedEntryError } from '../../core/errors.js';
import { writeDeadLetters } from '../../fs/dead-letter.js';
import { makeFolder } from '../../fs/folder.js';
import type { LogRecord, OpenProvider, ProviderContext, ProviderProblem, Rejection, ResolvedProvider } from '../../core/provider.js';
import type { Entry } from '../../core/entries.js';
import type { TextFileConfig } from './config.js';
import { AppendLog, type Block } from './append-log.js';
import { GroupedLog } from './grouped-log.js';
import { GroupedState, type EntryView } from './grouped-state.js';
import { baseFolder, PathRouter, UnusablePathError } from './paths.js';
import { compilePathTemplate, loadLogTemplate, templateErrorParts, TemplateProblem, type LogTemplate, type PathTemplate } from './templates.js';

/** One file the provider writes: appended or grouped, by the kind of template. */
type Target = AppendLog | GroupedLog;

/** Template and path problems of a config: manifest errors, found at load and again at open. */
export function checkTextFile(provider: ResolvedProvider<TextFileConfig>): ProviderProblem[] {
  return compile(provider.config).problems;
}

/**
 * Opens a `type: text_file` provider: compiles its templates, makes the log folder (so a path
 * that can never be written fails here, not at every retried write), then routes each entry to
 * its file.
 */
export async function openTextFile(provider: ResolvedProvider<TextFileConfig>, ctx: ProviderContext): Promise<OpenProvider> {
  const { template, path, problems } = compile(provider.config);
  if (!template || !path || problems.length > 0) {
    const at = (key: string) => ['storage', 'providers', provider.index, key];
    throw new ManifestError(problems.map((problem) => ctx.manifest.issueAt(at(problem.key), problem.message)));
  }
  await makeFolder(baseFolder(provider.config.path));
  return new TextFileProvider(provider, ctx, template, path);
}

function compile(config: TextFileConfig): { template?: LogTemplate; path?: PathTemplate; problems: ProviderProblem[] } {
  const problems: ProviderProblem[] = [];
  const attempt = <T>(key: string, load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof TemplateProblem)) throw error;
      problems.push({ key, message: error.message });
      return undefined;
    }
  };
  const template = attempt('template', () => loadLogTemplate(config));
  const path = attempt('path', () => compilePathTemplate(config.path));
  return { template, path, problems };
}

/** An entry an appending template failed on, and why. */
interface Unrendered {
  view: EntryView;
  error: Error;
}

/** Marks the views this process logged (views read back from a journal are other processes'). */
const OWN = Symbol('own');
type OwnView = EntryView & { [OWN]?: true };

/** The open provider: routes each entry to the file its path renders to. */
class TextFileProvider {
  readonly label: string;
  /**
   * A grouped log is rewritten whole per write, so it takes a long queue in one write (one
   * render) rather than in batches; appended logs keep the logger's batch size.
   */
  readonly batchLimit: number | undefined;
  readonly deadLetterPath: string;
  private readonly config: TextFileConfig;
  private readonly router: PathRouter;
  private readonly targets = new Map<string, Target>();
  /** Rejections found by a write that then failed on another file, by entry id: its retry returns them. */
  private readonly owed = new Map<string, Error>();
  /** The header, rendered once per provider rather than once per file. */
  private header: string | null = null;
  /**
   * Entries of this process a grouped template failed on after their write returned (a render
   * waits while writes come fast): the next write returns them, or close sets them aside.
   */
  private leftOut: Rejection[] = [];

  constructor(
    provider: ResolvedProvider<TextFileConfig>,
    private readonly ctx: ProviderContext,
    private readonly template: LogTemplate,
    pathTemplate: PathTemplate,
  ) {
    this.label = provider.label;
    this.config = provider.config;
    this.batchLimit = template.kind === 'grouped' ? Infinity : undefined;
    this.router = new PathRouter(pathTemplate, provider.config.path);
    this.deadLetterPath = this.router.deadLetterPath(this.label);
  }

  /**
   * Writes each entry to its file; returns the entries that can never be written here (their
   * path cannot be used, or an appending template fails on them), which are not retried.
   */
  async write(batch: readonly LogRecord[]): Promise<Rejection[]> {
    const rejected: Rejection[] = [];
    const byPath = new Map<string, EntryView[]>();
    const records = new Map<EntryView, LogRecord>();
    for (const record of batch) {
      const owed = this.owed.get(record.entry.id);
      if (owed) {
        this.owed.delete(record.entry.id);
        rejected.push({ record, error: owed });
        continue;
      }
      const view: OwnView = { ...record.entry, agent: record.agent };
      view[OWN] = true;
      let path: string;
      try {
        path = this.router.route(view);
      } catch (error) {
        if (!(error instanceof UnusablePathError)) throw error;
        rejected.push({ record, error });
        continue;
      }
      records.set(view, record);
      const views = byPath.get(path);
      if (views) views.push(view);
      else byPath.set(path, [view]);
    }
    // A file that cannot be written must not hold back the others: write them all, then fail
    // the batch (it is retried, and the files already written skip what they hold).
    let firstError: unknown = null;
    for (const [path, views] of byPath) {
      const unrendered = await this.writeTo(path, views).catch((error: unknown) => {
        firstError ??= error;
        return [];
      });
      for (const { view, error } of unrendered) rejected.push({ record: records.get(view)!, error });
    }
    if (firstError !== null) {
      // A retry skips what was written, failed renders included: their rejection waits for it.
      for (const { record, error } of rejected) this.owed.set(record.entry.id, error);
      throw firstError;
    }
    return rejected.concat(this.leftOut.splice(0));
  }

  async close(): Promise<void> {
    // Only grouped logs hold unwritten work (renders deferred during a burst); appends are done.
    const grouped = [...this.targets.values()].filter((target) => target instanceof GroupedLog);
    const results = await Promise.allSettled(grouped.map((target) => target.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    await this.setAsideLeftOut();
    if (failed) throw new ProviderError(`cannot close: ${(failed.reason as Error).message}`, this.label, { cause: failed.reason });
  }

  /** What the last renders left out, when no write is left to return it: kept in the dead-letter file and reported. */
  private async setAsideLeftOut(): Promise<void> {
    const rejections = this.leftOut.splice(0);
    if (rejections.length === 0) return;
    await writeDeadLetters(this.deadLetterPath, this.label, rejections);
    for (const { record, error } of rejections) {
      const text = `entry ${record.entry.id} (${record.entry.type}) rejected, kept in ${this.deadLetterPath}: ${error.message}`;
      this.ctx.warn(new RejectedEntryError(text, this.label, record.entry.id, this.deadLetterPath, { cause: error }));
    }
  }

  /**
   * Writes one file's share of a batch; entries already written (a retried batch) are skipped.
   * Returns the entries an appending template failed on.
   */
  private async writeTo(path: string, views: EntryView[]): Promise<Unrendered[]> {
    let target = this.targets.get(path);
    if (!target) {
      await this.listFile(path);
      target = this.createTarget(path);
      this.targets.set(path, target);
    }
    const lastSeq = target.lastSeq;
    const unwritten = views.filter((view) => view.seq > lastSeq);
    if (unwritten.length === 0) return [];
    if (target instanceof GroupedLog) {
      await target.write(unwritten);
      return [];
    }
    const { blocks, unrendered } = this.renderBlocks(unwritten);
    await target.append(blocks);
    return unrendered;
  }

  /** Notes a file of a templated path in the provider's file list, once per file and process. */
  private async listFile(path: string): Promise<void> {
    const list = this.router.fileListPath(this.label);
    if (list) await appendFile(list, `${JSON.stringify(path)}\n`);
  }

  private createTarget(path: string): Target {
    const { encoding } = this.config;
    const template = this.template;
    if (template.kind === 'appending') {
      this.header ??= template.header();
      return new AppendLog(path, { encoding, maxBytes: this.config.max_bytes, header: this.header, label: this.label });
    }
    return new GroupedLog(path, {
      encoding,
      label: this.label,
      render: (state) => template.render(state.context()),
      probe: (view) => {
        const alone = new GroupedState();
        alone.add({ ...view });
        template.render(alone.context());
      },
      warn: (message, cause) => this.warn(message, cause),
      leftOut: (view, cause) => this.onLeftOut(view, cause, path),
    });
  }

  /** An entry of this process is set aside; one another process journaled is its writer's to set aside. */
  private onLeftOut(view: OwnView, cause: unknown, path: string): void {
    if (view[OWN]) this.leftOut.push({ record: recordOf(view), error: new Error(renderError(this.template.file, cause), { cause }) });
    else this.warn(`entry ${view.id} (${view.type}) left out of ${path}`, cause);
  }

  /**
   * Each entry's block, rendered once. An entry the template fails on gets an empty block (so
   * a retry does not render it again) and is returned, to be set aside with the error.
   */
  private renderBlocks(views: EntryView[]): { blocks: Block[]; unrendered: Unrendered[] } {
    const blocks: Block[] = [];
    const unrendered: Unrendered[] = [];
    if (this.template.kind !== 'appending') return { blocks, unrendered };
    for (const view of views) {
      try {
        blocks.push({ seq: view.seq, text: this.template.entry(view) });
      } catch (error) {
        unrendered.push({ view, error: new Error(renderError(this.template.file, error), { cause: error }) });
        blocks.push({ seq: view.seq, text: '' });
      }
    }
    return { blocks, unrendered };
  }

  private warn(text: string, cause: unknown): void {
    const detail = text.includes(message(cause)) ? text : `${text}: ${message(cause)}`;
    this.ctx.warn(new ProviderError(detail, this.label, { cause }));
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The record a grouped view was made from: kept on the view, it would double what a grouped log holds. */
function recordOf(view: EntryView): LogRecord {
  const { agent, ...entry } = view;
  // A message's view gains the tool calls it made; the message logged had none.
  if (entry.type === 'message') delete (entry as { tool_calls?: unknown }).tool_calls;
  return { entry: entry as Entry, agent, fresh: false };
}

/** `FILE, line L, column C: reason` of an error nunjucks threw while rendering. */
function renderError(file: string, error: unknown): string {
  const { where, reason } = templateErrorParts(error);
  return `${file}${where ? `, ${where}` : ''}: ${reason}`;
}
