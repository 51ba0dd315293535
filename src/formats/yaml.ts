import { Document, LineCounter, parseDocument, visit, YAMLParseError } from 'yaml';
import { checkYaml } from './yaml-guard.js';
import { formatPath } from '../core/field-path.js';
import { DocumentError, GROUP_NAMES, groupsOf, listOf, pushJoined, type Codec, type GroupParts, type RawEntry } from './codec.js';

/** No folding, no anchors, double quotes on one line: so every entry reads back exactly. */
const STRINGIFY = { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, doubleQuotedAsJSON: true } as const;

/**
 * Multi-line text with a line of only spaces or tabs: the `yaml` library writes it as a block
 * scalar that reads back without those spaces (e.g. " \n" becomes "\n"), so it is written
 * double-quoted instead. Found by the round-trip property test.
 */
function blockScalarLoses(text: string): boolean {
  return text.includes('\n') && text.split('\n').some((line) => line.length > 0 && line.trim() === '');
}

/** One entry as a one-item block sequence, which is how it sits in its group. */
function stringifyEntry(entry: object): string {
  const doc = new Document([entry], STRINGIFY);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && blockScalarLoses(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString(STRINGIFY);
}

/** Lets each entry find its line from the parsed nodes (only worth it when something is wrong). */
function locate(doc: Document, lines: LineCounter, entries: RawEntry[]): RawEntry[] {
  for (const entry of entries) {
    entry.position = () => {
      const index = Number(/\[(\d+)\]$/.exec(entry.where)?.[1]);
      const node = doc.getIn([entry.group, index], true) as { range?: [number, number, number] } | undefined;
      if (!node?.range) return undefined;
      const { line, col } = lines.linePos(node.range[0]);
      return { line, column: col };
    };
  }
  return entries;
}

/**
 * `format: yaml` — a mapping of groups, each a block sequence of entries. Each entry is
 * stringified by the `yaml` library as a one-item sequence, which is how it sits in its group.
 */
export function yamlCodec(): Codec {
  return {
    separator: '',
    encodeEntry(entry) {
      return stringifyEntry(entry);
    },
    assemble<T>(parts: GroupParts<T>, text: (framing: string) => T) {
      const out: T[] = [];
      for (const group of GROUP_NAMES) {
        out.push(text(parts[group].length === 0 ? `${group}: []\n` : `${group}:\n`));
        pushJoined(out, parts[group]);
      }
      return out;
    },
    decode(text) {
      const lines = new LineCounter();
      // Duplicate keys are found by checkYaml in linear time (the library's uniqueKeys is quadratic).
      const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
      const [error] = doc.errors;
      if (error) {
        const { line, col } = lines.linePos(error.pos[0]);
        throw new DocumentError(error.message.split('\n')[0] ?? 'YAML syntax error', line, col);
      }
      // historian never writes aliases, so a history file holding one is refused rather than
      // expanded: a few hundred bytes of nested aliases stand for gigabytes of entries.
      const [problem] = checkYaml(doc, { aliases: false });
      if (problem) {
        const at = problem.node.range ? lines.linePos(problem.node.range[0]) : undefined;
        const where = problem.path.length > 0 ? `${formatPath(problem.path)}: ` : '';
        throw new DocumentError(`${where}${problem.message}`, at?.line, at?.col);
      }
      try {
        return locate(doc, lines, groupsOf(doc.toJS({ maxAliasCount: 0 }), listOf));
      } catch (cause) {
        if (cause instanceof YAMLParseError) throw new DocumentError(cause.message);
        throw cause;
      }
    },
  };
}
