import type { ResolvedProvider } from '../../config/load.js';
import type { ProviderConfigOf } from '../../config/schema.js';
import { ManifestError, ProviderError } from '../../errors.js';
import type { LogRecord, ProviderContext, ProviderDefinition, ProviderProblem } from '../types.js';
import { AppendLog } from './append-log.js';
import { GroupedLog } from './grouped-log.js';
import { GroupedState, type EntryView } from './grouped-state.js';
import { compilePathTemplate, loadLogTemplate, TemplateProblem, type LogTemplate, type PathTemplate } from './templates.js';

type TextFileConfig = ProviderConfigOf<'text_file'>;

/** One file the provider writes: appended or grouped, by the kind of template. */
type Target = AppendLog | GroupedLog;

/**
 * `type: text_file` — human-readable logs rendered with nunjucks (SPEC §3.2). Write-only.
 * Template and path problems are manifest errors, found by `check` and again by `open`.
 */
export const textFileProvider: ProviderDefinition<'text_file'> = {
  readable: false,
  check(provider) {
    return compile(provider.config).problems;
  },
  open(provider, ctx) {
    const { template, path, problems } = compile(provider.config);
    if (!template || !path || problems.length > 0) {
      const at = (key: string) => ['storage', 'providers', provider.index, key];
      throw new ManifestError(problems.map((problem) => ctx.manifest.issueAt(at(problem.key), problem.message)));
    }
    return new TextFileProvider(provider, ctx, template, path);
  },
};

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

/** The open provider: routes each entry to the file its path renders to. */
class TextFileProvider {
  readonly type = 'text_file' as const;
  readonly label: string;
  /**
   * A grouped log is rewritten whole per write, so it takes a long queue in one write (one
   * render) rather than in batches; appended logs keep the logger's batch size.
   */
  readonly batchLimit: number | undefined;
  private readonly config: TextFileConfig;
  private readonly targets = new Map<string, { target: Target; lastSeq: number }>();
  /** The header, rendered once per provider rather than once per file. */
  private header: string | null = null;

  constructor(
    provider: ResolvedProvider<TextFileConfig>,
    private readonly ctx: ProviderContext,
    private readonly template: LogTemplate,
    private readonly pathTemplate: PathTemplate,
  ) {
    this.label = provider.label;
    this.config = provider.config;
    this.batchLimit = template.kind === 'grouped' ? Infinity : undefined;
  }

  async write(batch: readonly LogRecord[]): Promise<void> {
    const byPath = new Map<string, EntryView[]>();
    for (const record of batch) {
      const view: EntryView = { ...record.entry, agent: record.agent };
      const path = this.pathOf(view);
      if (path === null) continue;
      const views = byPath.get(path);
      if (views) views.push(view);
      else byPath.set(path, [view]);
    }
    // A file that cannot be written must not hold back the others: write them all, then fail
    // the batch (it is retried, and the files already written skip what they hold).
    let firstError: unknown = null;
    for (const [path, views] of byPath) {
      await this.writeTo(path, views).catch((error: unknown) => (firstError ??= error));
    }
    if (firstError !== null) throw firstError;
  }

  async close(): Promise<void> {
    // Only grouped logs hold unwritten work (renders deferred during a burst); appends are done.
    const grouped = [...this.targets.values()].map(({ target }) => target).filter((target) => target instanceof GroupedLog);
    const results = await Promise.allSettled(grouped.map((target) => target.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw new ProviderError(`cannot close: ${(failed.reason as Error).message}`, this.label, { cause: failed.reason });
  }

  /** Writes one file's share of a batch; entries already written (a retried batch) are skipped. */
  private async writeTo(path: string, views: EntryView[]): Promise<void> {
    let slot = this.targets.get(path);
    if (!slot) {
      slot = { target: this.createTarget(path), lastSeq: 0 };
      this.targets.set(path, slot);
    }
    const unwritten = views.filter((view) => view.seq > slot.lastSeq);
    if (unwritten.length === 0) return;
    const { target } = slot;
    if (target instanceof GroupedLog) await target.write(unwritten);
    else await target.append(this.renderBlocks(unwritten));
    slot.lastSeq = unwritten[unwritten.length - 1]!.seq;
  }

  private createTarget(path: string): Target {
    const { encoding } = this.config;
    const template = this.template;
    if (template.kind === 'appending') {
      this.header ??= template.header();
      return new AppendLog(path, { encoding, maxBytes: this.config.max_bytes, header: this.header });
    }
    return new GroupedLog(path, {
      encoding,
      render: (state) => template.render(state.context()),
      probe: (view) => {
        const alone = new GroupedState();
        alone.add({ ...view });
        template.render(alone.context());
      },
      warn: (message, cause) => this.warn(message, cause),
    });
  }

  /** Each entry's block, rendered once; an entry the template fails on is reported and left out. */
  private renderBlocks(views: EntryView[]): string[] {
    if (this.template.kind !== 'appending') return [];
    const blocks: string[] = [];
    for (const view of views) {
      try {
        blocks.push(this.template.entry(view));
      } catch (error) {
        this.warn(`entry ${view.id} (${view.type}) left out: ${this.template.file}: ${message(error)}`, error);
      }
    }
    return blocks;
  }

  /** The file an entry goes to, or null (reported) when its path does not render. */
  private pathOf(view: EntryView): string | null {
    if (this.pathTemplate.constant) return this.pathTemplate.render({});
    try {
      return this.pathTemplate.render(pathContext(view));
    } catch (error) {
      this.warn(`entry ${view.id} (${view.type}) left out: cannot render path: ${message(error)}`, error);
      return null;
    }
  }

  private warn(text: string, cause: unknown): void {
    const detail = text.includes(message(cause)) ? text : `${text}: ${message(cause)}`;
    this.ctx.warn(new ProviderError(detail, this.label, { cause }));
  }
}

/**
 * The variables of a `path` template. String values cannot add folders or climb out of one
 * (`/`, `\\` and a bare `..` become `_`), so an agent named `../x` stays inside the log folder.
 */
function pathContext(view: EntryView): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(view)) context[key] = typeof value === 'string' ? safeSegment(value) : value;
  context.agent_name = safeSegment('agent_name' in view ? view.agent_name : (view.agent ?? 'unknown'));
  context.date = view.timestamp.slice(0, 10);
  context.now = new Date().toISOString();
  return context;
}

function safeSegment(value: string): string {
  return value.replace(/[/\\]/g, '_').replace(/^\.+$/, '_');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
