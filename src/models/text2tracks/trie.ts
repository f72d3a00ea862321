/**
 * @file The prefix trie over a catalog's item identifiers: the only paths a constrained decoder may take. Flat typed
 * arrays (children of a node are one contiguous run, sorted by token), so a search walks it without allocating.
 */

/**
 * A trie whose leaves are items. Node 0 is the root; a node is either internal (children) or a leaf (one item).
 * @example const t = PrefixTrie.build([Int32Array.of(0, 1), Int32Array.of(0, 2)]);
 * t.itemOf([0, 2]) // 1
 */
export class PrefixTrie {
  private constructor(
    /** Per node: index of its first child in childToken/childNode. */
    readonly childStart: Int32Array,
    /** Per node: number of children (0 for leaves). */
    readonly childCount: Int32Array,
    /** Flat, per child: the token that leads to it. */
    readonly childToken: Int32Array,
    /** Flat, per child: its node. */
    readonly childNode: Int32Array,
    /** Per node: the item it names, or -1 (internal). */
    readonly leafItem: Int32Array,
    /** Per node: its parent (-1 for the root). */
    readonly parent: Int32Array,
    /** Per node: the number of items (leaves) below it. */
    readonly leaves: Int32Array,
    /** Per item: its leaf node. */
    readonly nodeOfItem: Int32Array,
  ) {}

  /** The most children any node has (the widest softmax a decoder computes over the trie). */
  get maxChildren(): number {
    this.widest ??= this.childCount.reduce((m, c) => Math.max(m, c), 0);
    return this.widest;
  }

  private widest: number | undefined;

  /** Per node: its depth (the root 0, a first token's node 1). */
  get depth(): Int32Array {
    if (this.depths === undefined) {
      const d = new Int32Array(this.size);
      // Children always have larger node numbers than their parent: one forward pass.
      for (let node = 1; node < d.length; node++) d[node] = d[this.parent[node]] + 1;
      this.depths = d;
    }
    return this.depths;
  }

  private depths: Int32Array | undefined;

  /** Number of nodes. */
  get size(): number {
    return this.leafItem.length;
  }

  /** Number of items. */
  get items(): number {
    return this.nodeOfItem.length;
  }

  /**
   * Builds the trie of `sequences` (index = item). Throws RangeError when an id is empty, repeats another or is a
   * prefix of another: such ids could not be decoded to exactly one item.
   */
  static build(sequences: readonly Int32Array[]): PrefixTrie {
    const kids: Map<number, number>[] = [new Map()];
    const leafOf: number[] = [-1];
    const parentOf: number[] = [-1];
    const nodeOfItem = new Int32Array(sequences.length);
    sequences.forEach((seq, item) => {
      if (seq.length === 0) throw new RangeError(`item ${item} has an empty identifier`);
      let node = 0;
      for (const token of seq) {
        if (leafOf[node] >= 0) throw new RangeError(`the identifier of item ${leafOf[node]} is a prefix of item ${item}'s`);
        let next = kids[node].get(token);
        if (next === undefined) {
          next = kids.length;
          kids.push(new Map());
          leafOf.push(-1);
          parentOf.push(node);
          kids[node].set(token, next);
        }
        node = next;
      }
      if (leafOf[node] >= 0) throw new RangeError(`items ${leafOf[node]} and ${item} have the same identifier`);
      if (kids[node].size > 0) throw new RangeError(`the identifier of item ${item} is a prefix of another item's`);
      leafOf[node] = item;
      nodeOfItem[item] = node;
    });
    const n = kids.length;
    const childStart = new Int32Array(n);
    const childCount = new Int32Array(n);
    const total = n - 1;
    const childToken = new Int32Array(total);
    const childNode = new Int32Array(total);
    let at = 0;
    for (let node = 0; node < n; node++) {
      childStart[node] = at;
      const sorted = [...kids[node].entries()].sort((a, b) => a[0] - b[0]);
      childCount[node] = sorted.length;
      for (const [token, child] of sorted) {
        childToken[at] = token;
        childNode[at] = child;
        at++;
      }
    }
    const leaves = new Int32Array(n);
    // Children always have larger node numbers than their parent (created after it): one backward pass sums leaves.
    for (let node = n - 1; node >= 0; node--) {
      if (leafOf[node] >= 0) leaves[node] += 1;
      if (node > 0) leaves[parentOf[node]] += leaves[node];
    }
    return new PrefixTrie(childStart, childCount, childToken, childNode, Int32Array.from(leafOf), Int32Array.from(parentOf), leaves, nodeOfItem);
  }

  /** The child of `node` reached by `token`, or -1 (binary search over its sorted children). */
  child(node: number, token: number): number {
    let lo = this.childStart[node];
    let hi = lo + this.childCount[node] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = this.childToken[mid];
      if (t === token) return this.childNode[mid];
      if (t < token) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The item a complete token sequence names, or -1 when it names none (unknown path or an unfinished prefix). */
  itemOf(tokens: ArrayLike<number>): number {
    let node = 0;
    for (let i = 0; i < tokens.length; i++) {
      node = this.child(node, tokens[i]);
      if (node < 0) return -1;
    }
    return this.leafItem[node];
  }

  /** The tokens of `item`, read back from the trie (root to leaf). */
  tokensOf(item: number): number[] {
    const out: number[] = [];
    for (let node = this.nodeOfItem[item]; node > 0; node = this.parent[node]) {
      const p = this.parent[node];
      const start = this.childStart[p];
      for (let c = start; c < start + this.childCount[p]; c++) if (this.childNode[c] === node) out.push(this.childToken[c]);
    }
    return out.reverse();
  }

  /**
   * Nodes with no allowed item below them, given excluded items: per excluded item, every node on its path counts
   * one more excluded leaf; a node is dead when all its leaves are excluded. Costs |exclude| x depth.
   */
  deadNodes(exclude: Iterable<number> | undefined): (node: number) => boolean {
    if (exclude === undefined) return () => false;
    const blocked = new Map<number, number>();
    for (const item of exclude) {
      if (!Number.isInteger(item) || item < 0 || item >= this.items) continue;
      for (let node = this.nodeOfItem[item]; node >= 0; node = this.parent[node]) blocked.set(node, (blocked.get(node) ?? 0) + 1);
    }
    if (blocked.size === 0) return () => false;
    return (node) => (blocked.get(node) ?? 0) >= this.leaves[node];
  }
}
