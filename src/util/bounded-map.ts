/**
 * A Map that keeps at most `capacity` entries: adding one more drops the oldest. For caches of
 * values that never change once known (conversation records, checked token claims), where
 * "oldest first" is as good as least recently used and costs nothing on a read.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`BoundedMap: capacity must be a positive integer, got ${capacity}`);
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    if (this.size > this.capacity) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return this;
  }
}
