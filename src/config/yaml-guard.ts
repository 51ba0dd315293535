import { isAlias, isCollection, isMap, isPair, isScalar, type Document, type Node } from 'yaml';

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
  message: string;
}

type Child = Node | null | undefined;

interface Frame {
  node: Node;
  children: Child[];
  next: number;
  /** Values this node stands for once its aliases are expanded (itself included). */
  expanded: number;
}

/** What a document may hold. */
export interface YamlLimits {
  /** Whether aliases are accepted at all (default true); documents historian writes never hold any. */
  aliases?: boolean;
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
  largest: { node: Node; source: string; size: number } | null;
}

/**
 * Checks a parsed document in one pass, in time linear in its size: duplicate keys of a mapping,
 * aliases that refer to a node containing them (a cycle, which would recurse forever), aliases
 * that would expand it by more than `MAX_ALIAS_EXPANSION` values, and nesting deeper than
 * `MAX_NESTING` (and any alias at all when `limits.aliases` is false). Nothing is expanded: each node's expanded size is computed once, from its
 * children's.
 */
export function checkYaml(doc: Document, limits: YamlLimits = {}): YamlProblem[] {
  const walk: Walk = { aliases: limits.aliases ?? true, anchors: new Map(), sizes: new Map(), open: new Set(), stack: [], problems: [], own: 0, largest: null };
  const root = doc.contents as Node | null;
  if (!root) return [];
  const total = enter(walk, root) ?? run(walk);
  const added = total - walk.own;
  if (added > MAX_ALIAS_EXPANSION && walk.largest) {
    const { node, source, size } = walk.largest;
    walk.problems.push({
      node,
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
    walk.open.delete(frame.node);
    walk.sizes.set(frame.node, frame.expanded);
    const parent = walk.stack.at(-1);
    if (parent) parent.expanded = add(parent.expanded, frame.expanded);
    last = frame.expanded;
  }
  return last;
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
  if (isAlias(node)) return aliasSize(walk, node.source, node);
  if (!isCollection(node)) return 1;
  if (walk.stack.length >= MAX_NESTING) {
    walk.problems.push({ node, message: `YAML nested more than ${MAX_NESTING} levels deep` });
    return 1;
  }
  if (isMap(node)) walk.problems.push(...duplicateKeys(node.items.map((pair) => pair.key as Child)));
  walk.open.add(node);
  walk.stack.push({ node, children: childrenOf(node.items), next: 0, expanded: 1 });
  return undefined;
}

function aliasSize(walk: Walk, source: string, alias: Node): number {
  if (!walk.aliases) {
    walk.problems.push({ node: alias, message: `YAML alias *${source}: aliases are not accepted in this document` });
    return 1;
  }
  const target = walk.anchors.get(source);
  if (!target) return 1; // the parser already reported an unknown anchor
  if (walk.open.has(target)) {
    walk.problems.push({ node: alias, message: `circular alias *${source}: it refers to a node that contains it` });
    return 1;
  }
  const size = walk.sizes.get(target) ?? 1;
  if (!walk.largest || size > walk.largest.size) walk.largest = { node: alias, source, size };
  return size;
}

/** The nodes under a collection, keys and values of pairs in order. */
function childrenOf(items: readonly unknown[]): Child[] {
  const children: Child[] = [];
  for (const item of items) {
    if (isPair(item)) children.push(item.key as Child, item.value as Child);
    else children.push(item as Child);
  }
  return children;
}

/** Repeated scalar keys of one mapping, checked with a set (the yaml library's check compares every pair). */
function duplicateKeys(keys: readonly Child[]): YamlProblem[] {
  const seen = new Set<unknown>();
  const problems: YamlProblem[] = [];
  for (const key of keys) {
    if (!isScalar(key)) continue;
    if (seen.has(key.value)) problems.push({ node: key, message: `duplicate key ${JSON.stringify(key.value)} (keys of a mapping must be unique)` });
    seen.add(key.value);
  }
  return problems;
}

/** Sums sizes without overflowing into imprecision: anything past 2^53 is already far too many. */
function add(a: number, b: number): number {
  return Math.min(a + b, Number.MAX_SAFE_INTEGER);
}

function count(n: number): string {
  return n >= Number.MAX_SAFE_INTEGER ? 'more than 9 quadrillion' : n.toLocaleString('en-US');
}
