import { defineProvider } from '../../core/define-provider.js';
import { adviseOnSize, fileConfigProblems, fileOptions, resolveFileConfig } from './config.js';

/**
 * `type: file` — entries grouped by type in a JSON, YAML, TOML or INI document, or one per
 * line in JSON Lines (docs/manifest.md). The codecs and writers are loaded when a file is opened.
 */
export const fileProvider = defineProvider({
  type: 'file',
  options: fileOptions,
  refine: fileConfigProblems,
  readable: true,
  resolve: resolveFileConfig,
  describe: (config) => config.path,
  advise: ({ config }) => adviseOnSize(config),
  open: async (provider, ctx) => (await import('./open.js')).openFile(provider, ctx),
});
