import type { Codec } from './codec.js';
import type { FileFormat } from './formats.js';
import { iniCodec } from './ini.js';
import { jsonCodec } from './json.js';
import { needsAsciiJson } from './text.js';
import { tomlCodec } from './toml.js';
import { yamlCodec } from './yaml.js';

/** The codec of a whole-document format (JSON Lines has none: it is written line by line). */
export function codecFor(format: Exclude<FileFormat, 'jsonl'>, encoding: BufferEncoding = 'utf-8'): Codec {
  switch (format) {
    case 'json':
      return jsonCodec(needsAsciiJson(encoding));
    case 'yaml':
      return yamlCodec();
    case 'toml':
      return tomlCodec();
    case 'ini':
      return iniCodec();
  }
}
