import { defineProvider } from '../../core/define-provider.js';
import { resolveTextFileConfig, textFileOptions } from './config.js';

/**
 * `type: text_file` — human-readable logs rendered with nunjucks (docs/templates.md). Write-only.
 * Template and path problems are manifest errors. nunjucks and the writers are loaded only
 * when a manifest has a text_file provider.
 */
export const textFileProvider = defineProvider({
  type: 'text_file',
  options: textFileOptions,
  resolve: resolveTextFileConfig,
  describe: (config) => config.path,
  check: async (provider) => (await import('./open.js')).checkTextFile(provider),
  open: async (provider, ctx) => (await import('./open.js')).openTextFile(provider, ctx),
  clear: async (provider) => (await import('./clear.js')).clearTextFile(provider.config, provider.label),
});
