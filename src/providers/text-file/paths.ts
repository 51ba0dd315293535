import { dirname, join, resolve, sep } from 'node:path';
import type { EntryView } from './grouped-state.js';
import type { PathTemplate } from './templates.js';

/** An entry whose file name cannot be used: it is rejected (dead-lettered), never retried. */
export class UnusablePathError extends Error {
  override name = 'UnusablePathError';
}

/**
 * The folder every file of a path template lies in: the folder of the template's static
 * prefix, before its first `{{` or `{%` (`/var/log/agents/{{ agent_name }}.log` →
 * `/var/log/agents`).
 */
export function baseFolder(path: string): string {
  const starts = [path.indexOf('{{'), path.indexOf('{%')].filter((i) => i >= 0);
  if (starts.length === 0) return dirname(resolve(path));
  const prefix = path.slice(0, Math.min(...starts));
  return prefix.endsWith('/') || prefix.endsWith(sep) ? resolve(prefix) : dirname(resolve(prefix));
}

/**
 * Routes entries to their files. Values from entries reach the path only as single, harmless
 * file-name segments, and the final path must lie inside the base folder: an agent or a
 * project named `../../x` stays inside the log folder, or the entry is rejected.
 */
export class PathRouter {
  /** The folder every path must stay inside. */
  readonly base: string;

  constructor(
    private readonly template: PathTemplate,
    path: string,
  ) {
    this.base = baseFolder(path);
  }

  /** The file an entry goes to. Throws `UnusablePathError` when its path does not render or is not usable. */
  route(view: EntryView): string {
    if (this.template.constant) return this.template.render({});
    let path: string;
    try {
      path = this.template.render(pathContext(view));
    } catch (error) {
      throw new UnusablePathError(`cannot render its path: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    // A NUL cannot be in a file name: every open would fail, and retrying cannot help.
    if (path.includes('\0')) throw new UnusablePathError(`its path holds a NUL character: ${JSON.stringify(path)}`);
    if (!path.startsWith(this.base.endsWith(sep) ? this.base : this.base + sep)) throw new UnusablePathError(`its path ${path} is outside the log folder ${this.base}`);
    return path;
  }

  /**
   * Where a templated path's provider lists the files it created (one path per line), so that
   * `history reset --all-providers` deletes those and nothing else in the folder. Null for a
   * constant path: its one file is known.
   */
  fileListPath(label: string): string | null {
    return this.template.constant ? null : fileListPath(this.base, label);
  }

  /** Where rejected entries go: beside a constant path, else in the base folder, named by the provider. */
  deadLetterPath(label: string): string {
    if (this.template.constant) return `${this.template.render({})}.rejected.jsonl`;
    return join(this.base, `${safeSegment(label)}.rejected.jsonl`);
  }
}

/**
 * The variables of a `path` template: the entry's fields with every string, at any depth
 * (`metadata.project`, `forwarded_from[0]`), made a single file-name segment.
 */
function pathContext(view: EntryView): Record<string, unknown> {
  const context = safeValue(view) as Record<string, unknown>;
  context.agent_name = safeSegment('agent_name' in view ? view.agent_name : (view.agent ?? 'unknown'));
  context.date = view.timestamp.slice(0, 10);
  context.now = new Date().toISOString();
  return context;
}

function safeValue(value: unknown): unknown {
  if (typeof value === 'string') return safeSegment(value);
  if (Array.isArray(value)) return value.map(safeValue);
  if (typeof value !== 'object' || value === null) return value;
  const safe: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) safe[key] = safeValue(item);
  return safe;
}

/** The list of the files a templated text log created, in its base folder (see `PathRouter.fileListPath`). */
export function fileListPath(base: string, label: string): string {
  return join(base, `.${safeSegment(label)}.files`);
}

/** `/`, `\` and a name of dots only (`..`) become `_`: a value cannot add folders or climb out of one. */
function safeSegment(value: string): string {
  return value.replace(/[/\\]/g, '_').replace(/^\.+$/, '_');
}
