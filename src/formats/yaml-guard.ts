import type { Document, Node } from 'yaml';
import { yamlLibrary } from './yaml-library.js';

/**
 * How many values aliases may add to a manifest when expanded. Reusing an agent list or a prompt
 * block through `*anchor` adds tens or hundreds; an alias bomb ("billion laughs") adds billions
 * from a few hundred bytes.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/** How deeply collections may nest. Real manifests nest a handful of levels; recursion past this risks the stack. */
export const MAX_NESTING = 1_000;

/** Something in a parsed YAML document that historian refuses to convert, at the node that shows it. */
export interface YamlProblem {
  node: Node;
  /** Where the node sits, e.g. `['storage', 'providers', 0, 'agents']`. */
  path: (string | number)[];
  message: string;
}

/** What a document may hold. */
export interface YamlLimits {
  /** Whether aliases are accepted at all (default true); documents historian writes never hold any. */
  aliases?: boolean;
}

type Child = Node | null | undefined;

interface Frame {
  node: Node;
  children: Child[];
  /** The path segment of each child: a key for a mapping's key and value, an index for a sequence's item. */
  segments: (string | number)[];
  next: number;
  /** Values this node stands for once its aliases are expanded (itself included). */
  expanded: number;
}

/** Per document walk: anchors seen so far, finished sizes, nodes still open (ancestors of the current one). */
interface Walk {
  aliases: boolean;
  anchors: Map<string, Node>;
  sizes: Map<Node, number>;
  open: Set<Node>;
  stack: Frame[];
  problems: YamlProblem[];
  /** Values written in the document, each alias counting one. */
  own: number;
  /** The alias standing for the most values, to point at when the expansion is too large. */
  largest: { node: Node; path: (string | number)[]; source: string; size: number } | null;
}

/**
 * Checks a parsed document in one pass, in time linear in its size: duplicate keys of a mapping,
 * aliases that refer to a node containing them (a cycle, which would recurse forever), aliases
 * that would expand it by more than `MAX_ALIAS_EXPANSION` values, and nesting deeper than
 * `MAX_NESTING` (and any alias at all when `limits.aliases` is false). Nothing is expanded:
 * each node's expanded size is computed once, from its children's.
 */
export function checkYaml(doc: Document, limits: YamlLimits = {}): YamlProblem[] {
  const walk: Walk = { aliases: limits.aliases ?? true, anchors: new Map(), sizes: new Map(), open: new Set(), stack: [], problems: [], own: 0, largest: null };
  const root = doc.contents as Node | null;
  if (!root) return [];
  const total = enter(walk, root) ?? run(walk);
  const added = total - walk.own;
  if (added > MAX_ALIAS_EXPANSION && walk.largest) {
    const { node, path, source, size } = walk.largest;
    walk.problems.push({
      node,
      path,
      message:
        `YAML aliases would expand this manifest by ${count(added)} values (*${source} alone stands for ${count(size)}); ` +
        `more than ${count(MAX_ALIAS_EXPANSION)} is refused as an alias bomb`,
    });
  }
  return walk.problems;
}

/** Walks until the stack is empty; returns the root's expanded size. */
function run(walk: Walk): number {
  let last = 0;
  while (walk.stack.length > 0) {
    const frame = walk.stack.at(-1)!;
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      if (!child) continue;
      const size = enter(walk, child);
      if (size !== undefined) frame.expanded = add(frame.expanded, size);
      continue;
    }
    walk.stack.pop();
    // Only anchored nodes can be the target of an alias: the others are not remembered, so a
    // large document without anchors costs no memory beyond its own.
    if (frame.node.anchor) {
      walk.open.delete(frame.node);
      walk.sizes.set(frame.node, frame.expanded);
    }
    const parent = walk.stack.at(-1);
    if (parent) parent.expanded = add(parent.expanded, frame.expanded);
    last = frame.expanded;
  }
  return last;
}

/** The path of the node being entered: each open frame's current child. */
function pathHere(walk: Walk): (string | number)[] {
  return walk.stack.map((frame) => frame.segments[frame.next - 1]!);
}

function problem(walk: Walk, node: Node, message: string): void {
  walk.problems.push({ node, path: pathHere(walk), message });
}

/**
 * Visits a node: returns its expanded size at once for scalars and aliases, or pushes a frame
 * for a collection (its size is added to the parent when the frame is done).
 */
function enter(walk: Walk, node: Node): number | undefined {
  walk.own += 1;
  // An anchor names its node from where it starts, as the yaml library resolves it, so an
  // alias inside the anchored node refers to that node: a cycle.
  if (node.anchor) walk.anchors.set(node.anchor, node);
  if (yamlLibrary().isAlias(node)) return aliasSize(walk, node.source, node);
  if (!yamlLibrary().isCollection(node)) return 1;
  if (walk.stack.length >= MAX_NESTING) {
    problem(walk, node, `YAML nested more than ${MAX_NESTING} levels deep`);
    return 1;
  }
  if (node.anchor) walk.open.add(node);
  walk.stack.push({ node, ...childrenOf(node.items, yamlLibrary().isMap(node)), next: 0, expanded: 1 });
  if (yamlLibrary().isMap(node)) duplicateKeys(walk, walk.stack.at(-1)!);
  return undefined;
}

function aliasSize(walk: Walk, source: string, alias: Node): number {
  if (!walk.aliases) {
    problem(walk, alias, `YAML alias *${source}: aliases are not accepted in this document`);
    return 1;
  }
  const target = walk.anchors.get(source);
  if (!target) return 1; // the parser already reported an unknown anchor
  if (walk.open.has(target)) {
    problem(walk, alias, `circular alias *${source}: it refers to a node that contains it`);
    return 1;
  }
  const size = walk.sizes.get(target) ?? 1;
  if (!walk.largest || size > walk.largest.size) walk.largest = { node: alias, path: pathHere(walk), source, size };
  return size;
}

/** The nodes under a collection (keys and values of pairs, in order) with their path segments. */
function childrenOf(items: readonly unknown[], mapping: boolean): { children: Child[]; segments: (string | number)[] } {
  const children: Child[] = [];
  const segments: (string | number)[] = [];
  items.forEach((item, index) => {
    if (!yamlLibrary().isPair(item)) {
      children.push(item as Child);
      segments.push(index);
      return;
    }
    const key = yamlLibrary().isScalar(item.key) ? String(item.key.value) : mapping ? '?' : index;
    children.push(item.key as Child, item.value as Child);
    segments.push(key, key);
  });
  return { children, segments };
}

/** Repeated scalar keys of one mapping, checked with a set (the yaml library's check compares every pair). */
function duplicateKeys(walk: Walk, frame: Frame): void {
  const seen = new Set<unknown>();
  for (let i = 0; i < frame.children.length; i += 2) {
    const key = frame.children[i];
    if (!yamlLibrary().isScalar(key)) continue;
    if (seen.has(key.value)) {
      const path = [...pathHere(walk).slice(0, -1), frame.segments[i]!];
      walk.problems.push({ node: key, path, message: `duplicate key ${JSON.stringify(key.value)} (keys of a mapping must be unique)` });
    }
    seen.add(key.value);
  }
}

/** Sums sizes without overflowing into imprecision: anything past 2^53 is already far too many. */
function add(a: number, b: number): number {
  return Math.min(a + b, Number.MAX_SAFE_INTEGER);
}

function count(n: number): string {
  return n >= Number.MAX_SAFE_INTEGER ? 'more than 9 quadrillion' : n.toLocaleString('en-US');
}
