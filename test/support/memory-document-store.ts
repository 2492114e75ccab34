import { EtagConflictError, type DocumentStore, type DocumentWrite, type StoredDocument } from '../../src/storage/store';

/**
 * A DocumentStore in a Map, with the same eTag rules as the real stores: for unit tests of
 * services that keep documents. Values are copied through JSON both ways, as a real store would.
 */
export class MemoryDocumentStore implements DocumentStore {
  readonly documents = new Map<string, { json: string; eTag: string }>();
  private counter = 0;
  /** Called before each write is checked; a test may change documents here to force a conflict. */
  beforeWrite: ((entries: readonly DocumentWrite[]) => void) | undefined;

  async read(keys: readonly string[]): Promise<Map<string, StoredDocument>> {
    const found = new Map<string, StoredDocument>();
    for (const key of keys) {
      const stored = this.documents.get(key);
      if (stored) found.set(key, { value: JSON.parse(stored.json), eTag: stored.eTag });
    }
    return found;
  }

  async write(entries: readonly DocumentWrite[]): Promise<Map<string, string>> {
    this.beforeWrite?.(entries);
    for (const entry of entries) {
      if (entry.expectedETag === undefined || entry.expectedETag === '*') continue;
      const stored = this.documents.get(entry.key);
      if (entry.expectedETag === '' ? stored !== undefined : stored?.eTag !== entry.expectedETag) throw new EtagConflictError(entry.key);
    }
    const eTags = new Map<string, string>();
    for (const entry of entries) {
      this.counter += 1;
      const eTag = `e${this.counter}`;
      this.documents.set(entry.key, { json: JSON.stringify(entry.value), eTag });
      eTags.set(entry.key, eTag);
    }
    return eTags;
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.documents.delete(key);
  }

  /** Writes a value unconditionally, as another instance would. */
  put(key: string, value: unknown): void {
    this.counter += 1;
    this.documents.set(key, { json: JSON.stringify(value), eTag: `e${this.counter}` });
  }
}
