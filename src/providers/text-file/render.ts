import type { LogRecord } from '../../core/provider.js';
import { GroupedState } from './grouped-state.js';
import { loadTemplateFile } from './templates.js';

type Record = Pick<LogRecord, 'entry' | 'agent'>;
type Records = AsyncIterable<Record> | Iterable<Record>;

/**
 * Renders records through a template file, for `historian render`, yielding the text a piece at
 * a time. An appending template (it exports `entry(e)`) gives what the text_file provider
 * writes: `header()`, then each entry's block as the entry is read, so memory stays bounded. A
 * grouped template sees `entries`, `conversations` and `commands` at once, so it gets every
 * record before it renders. Throws `TemplateProblem` for a template that does not load, and the
 * nunjucks error for one that fails while rendering.
 */
export async function* renderDocument(templateFile: string, records: Records): AsyncGenerator<string> {
  const template = loadTemplateFile(templateFile);
  if (template.kind === 'appending') {
    yield template.header();
    for await (const { entry, agent } of records) yield template.entry({ ...entry, agent });
    return;
  }
  const state = new GroupedState();
  for await (const { entry, agent } of records) state.add({ ...entry, agent });
  yield template.render(state.context());
}
