import type { Codec } from './codec.js';
import type { FileFormat } from './formats.js';
import { needsAsciiJson } from './text.js';

/**
 * The codec of a whole-document format (JSON Lines has none: it is written line by line).
 * Each codec's library (yaml, smol-toml, ini) is loaded the first time its format is used.
 */
export async function loadCodec(format: Exclude<FileFormat, 'jsonl'>, encoding: BufferEncoding = 'utf-8'): Promise<Codec> {
  switch (format) {
    case 'json':
      return (await import('./json.js')).jsonCodec(needsAsciiJson(encoding));
    case 'yaml':
      return (await import('./yaml.js')).yamlCodec();
    case 'toml':
      return (await import('./toml.js')).tomlCodec();
    case 'ini':
      return (await import('./ini.js')).iniCodec();
  }
}
