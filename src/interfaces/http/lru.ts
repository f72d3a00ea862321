/**
 * @file A bounded least-recently-used map, for answers to repeated requests.
 */

/**
 * At most `capacity` entries; `get` refreshes an entry, `set` evicts the least recently used one.
 * @example const c = new Lru<string, number>(2); c.set("a", 1); c.set("b", 2); c.get("a"); c.set("c", 3); c.get("b") // undefined
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`LRU capacity must be an integer >= 0, got ${capacity}`);
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    // Re-insert: Map iteration order is insertion order, so the first key is always the least recently used.
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }

  get size(): number {
    return this.map.size;
  }
}
