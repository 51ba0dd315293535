import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { TextFileConfig } from './config.js';
import { REVISION } from './grouped-state.js';
import { format, items, tojson } from './jinja-filters.js';

/** A macro exported by a template, as nunjucks hands it back: returns a SafeString. */
type Macro = (...args: unknown[]) => unknown;

/**
 * A loaded log template. `appending` templates export an `entry(e)` macro (and optionally
 * `header()`): the provider renders each entry once and appends it. Any other template is
 * `grouped`: it is rendered whole over `entries`, `conversations` and `commands`.
 */
export type LogTemplate =
  | { kind: 'appending'; file: string; render: (context: object) => string; header: () => string; entry: (view: object) => string }
  | { kind: 'grouped'; file: string; render: (context: object) => string };

/** A template that failed to load or compile, positioned in the template file. */
export class TemplateProblem extends Error {
  override name = 'TemplateProblem';
}

/**
 * The package's `templates/` folder. Found by walking up from this module, so it works both
 * from `src/` (tests) and from `dist/src/` or `dist/` (the built package).
 */
export const templatesDir: string = findTemplatesDir(dirname(fileURLToPath(import.meta.url)));

function findTemplatesDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, 'chronological.j2'))) return candidate;
    if (dirname(dir) === dir) return join(start, '..', '..', '..', 'templates');
  }
}

/** The template file a text_file provider uses: `template` wins over `format`. */
function templateFileOf(config: TextFileConfig): string {
  return config.template ?? join(templatesDir, `${config.format}.j2`);
}

/**
 * A nunjucks environment for log text: no HTML escaping, block tags trimmed so templates can
 * be laid out readably, and the built-in folder on the search path so custom templates can
 * `{% import "blocks.j2" as b %}`.
 */
function createEnvironment(searchPaths: string[]): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader(searchPaths);
  const env = new nunjucks.Environment(loader, { autoescape: false, trimBlocks: true, lstripBlocks: true });
  env.addFilter('fixed', (value: unknown, digits = 2) => (typeof value === 'number' ? value.toFixed(digits) : value));
  env.addFilter('indent_lines', indentLines);
  env.addGlobal('memo', memo);
  env.addFilter('memo_each', memoEach);
  // Jinja2's filters that nunjucks lacks, so templates written for Jinja render the same here.
  env.addFilter('tojson', tojson);
  env.addFilter('format', format);
  env.addFilter('items', items);
  return env;
}

/** Rendered text kept on an item, under a symbol so templates and the journal never see it. */
const MEMO = Symbol('memo');
type Memoized = { [MEMO]?: { key: string; revision: number; text: string }; [REVISION]?: number };

/**
 * `memo(item, key, macro, ...args)`: the text of `macro(item, ...args)`, rendered once per item
 * and reused by later renders until the item changes (a message gaining a tool call). This is
 * what keeps re-rendering a grouped log cheap: only new items go through nunjucks. One key per
 * item is kept (a second key re-renders); the text lives on the item itself rather than in a
 * WeakMap, whose ephemeron tables slow every garbage collection down once they are large.
 */
function memo(item: unknown, key: string, macro: Macro, ...args: unknown[]): unknown {
  if (typeof item !== 'object' || item === null || !Object.isExtensible(item)) return macro(item, ...args);
  const memoized = item as Memoized;
  const revision = memoized[REVISION] ?? 0;
  const hit = memoized[MEMO];
  if (hit && hit.key === key && hit.revision === revision) return hit.text;
  const text = flatten(String(macro(item, ...args)));
  memoized[MEMO] = { key, revision, text };
  return text;
}

/**
 * Flattens a string built by concatenation. nunjucks output is a rope of many small pieces;
 * kept for the life of the log, a rope takes about five times the memory of its text and
 * multiplies the objects every garbage collection walks. Reading a character makes V8
 * flatten the rope in place (measured: 100k cached 250-character texts, 198 MB → 37 MB).
 */
function flatten(text: string): string {
  text.charCodeAt(0);
  return text;
}

/**
 * `items | memo_each(key, macro, before)`: `memo` over a list, each text preceded by `before`,
 * joined in one step. Cheaper than a `{% for %}` loop, whose frame and loop variables per
 * item would otherwise dominate re-rendering a large grouped log.
 */
function memoEach(items: unknown, key: string, macro: Macro, before = ''): string {
  if (!Array.isArray(items)) return '';
  const parts: string[] = [];
  for (const item of items) parts.push(before, String(memo(item, key, macro)));
  return parts.join('');
}

/**
 * Indents every non-empty line by `width` spaces. Unlike nunjucks' `indent`, it leaves the
 * empty tail after a final newline alone, so indented blocks compose.
 */
function indentLines(text: unknown, width = 2): string {
  const pad = ' '.repeat(width);
  return String(text ?? '').replace(/^(?=[^\n])/gm, pad);
}

/** Loads and compiles the template of a text_file config; throws `TemplateProblem` naming file and line. */
export function loadLogTemplate(config: TextFileConfig): LogTemplate {
  return loadTemplateFile(templateFileOf(config));
}

/** Loads and compiles a template file; throws `TemplateProblem` naming file and line. */
export function loadTemplateFile(file: string): LogTemplate {
  const env = createEnvironment([dirname(resolve(file)), templatesDir]);
  let template: nunjucks.Template;
  try {
    template = env.getTemplate(file, true);
  } catch (error) {
    throw new TemplateProblem(describeTemplateError(file, error));
  }
  const macros = exportedMacros(template, file);
  const entry = macros.entry;
  if (typeof entry !== 'function') {
    return { kind: 'grouped', file, render: (context) => template.render(context) };
  }
  const header = macros.header;
  return {
    kind: 'appending',
    file,
    render: (context) => template.render(context),
    header: () => (typeof header === 'function' ? String(header()) : ''),
    entry: (view) => String(entry(view)),
  };
}

/** Runs the template's top level once (without data) to collect its exported macros. */
function exportedMacros(template: nunjucks.Template, file: string): Record<string, Macro | undefined> {
  // getExported is public nunjucks API (used by `{% import %}`) but missing from @types/nunjucks.
  const exporter = template as unknown as {
    getExported(ctx: object, frame: null, cb: (error: unknown, exported: Record<string, Macro>) => void): void;
  };
  let result: Record<string, Macro | undefined> = {};
  exporter.getExported({ entries: [], conversations: [], commands: [] }, null, (error, exported) => {
    if (error) throw new TemplateProblem(describeTemplateError(file, error));
    result = exported;
  });
  return result;
}

/** Where and why nunjucks failed: the 1-based line and column when it reported them. */
export function templateErrorParts(error: unknown): { where: string; reason: string } {
  const text = error instanceof Error ? error.message : String(error);
  const position = /\[Line (\d+), Column (\d+)\]/.exec(text);
  const reason = text
    .replace(/^\([^)]*\)\s*/, '')
    .replace(/^\[Line \d+, Column \d+\]\s*/, '')
    .replace(/^Error: /, '')
    .trim();
  return { where: position ? `line ${position[1]}, column ${position[2]}` : '', reason };
}

/** Turns a nunjucks error into `template FILE, line L, column C: message`. */
function describeTemplateError(file: string, error: unknown): string {
  const { where, reason } = templateErrorParts(error);
  if (/^template not found/.test(reason) && reason.includes(file)) return `template ${file}: file not found`;
  return where ? `template ${file}, ${where}: ${reason}` : `template ${file}: ${reason}`;
}

/** A compiled `path` template: renders an entry's target file name. Constant paths skip nunjucks. */
export interface PathTemplate {
  readonly constant: boolean;
  render(context: object): string;
}

/** Compiles `path` once; throws `TemplateProblem` for a syntax error in it. */
export function compilePathTemplate(path: string): PathTemplate {
  if (!path.includes('{{') && !path.includes('{%')) return { constant: true, render: () => path };
  const env = createEnvironment([]);
  try {
    const template = new nunjucks.Template(path, env, 'path', true);
    return { constant: false, render: (context) => resolve(template.render(context).trim()) };
  } catch (error) {
    const { where, reason } = templateErrorParts(error);
    throw new TemplateProblem(`path template "${path}"${where ? `, ${where}` : ''}: ${reason}`);
  }
}
