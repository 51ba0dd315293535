import type { Document, LineCounter, Node } from 'yaml';
import { yamlLibrary } from '../formats/yaml-library.js';

/** Where a YAML node starts, 1-based. */
export interface Position {
  line: number;
  column: number;
}

/** Finds source positions of YAML paths in a parsed document. */
export class PositionFinder {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * The position of the node at `path`; for `key` set, the position of that key inside the map
   * at `path`. A path that does not exist (a missing key) points at its nearest ancestor.
   */
  find(path: readonly (string | number)[], key?: string): Position | undefined {
    if (key !== undefined) {
      const map = this.doc.getIn(path, true);
      if (yamlLibrary().isMap(map)) {
        const pair = map.items.find((item) => yamlLibrary().isNode(item.key) && (item.key as { value?: unknown }).value === key);
        if (pair && yamlLibrary().isNode(pair.key)) return this.at(pair.key);
      }
    }
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      if (yamlLibrary().isNode(node)) return this.at(node);
    }
    return undefined;
  }

  /** Where a node starts. */
  node(node: Node): Position | undefined {
    return this.at(node);
  }

  /** The position of a byte offset in the source. */
  offset(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  private at(node: Node): Position | undefined {
    return node.range ? this.offset(node.range[0]) : undefined;
  }
}
