import type { LogRecord } from '../../core/provider.js';
import { GroupedState } from './grouped-state.js';
import { loadTemplateFile } from './templates.js';

/**
 * Renders records through a template file as one document, with the variables of a grouped
 * template (`entries`, `conversations`, `commands`); an appending template renders through its
 * top level. For `historian render`. Throws `TemplateProblem` for a template that does not
 * load, and the nunjucks error for one that fails while rendering.
 */
export function renderDocument(templateFile: string, records: Iterable<Pick<LogRecord, 'entry' | 'agent'>>): string {
  const template = loadTemplateFile(templateFile);
  const state = new GroupedState();
  for (const { entry, agent } of records) state.add({ ...entry, agent });
  return template.render(state.context());
}
