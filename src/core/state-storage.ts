import type { Storage, StoreItems } from 'botbuilder-core';
import type { DocumentStore } from '../storage/store';

/**
 * botbuilder's three-method Storage over Hearline's DocumentStore, so conversation and user
 * state land in SQLite or Redis like everything else. eTags pass through unchanged.
 */
export class DocumentStorage implements Storage {
  constructor(private readonly documents: DocumentStore) {}

  async read(keys: string[]): Promise<StoreItems> {
    const found = await this.documents.read(keys);
    const items: StoreItems = {};
    for (const [key, doc] of found) {
      if (doc.value !== null && typeof doc.value === 'object') {
        items[key] = { ...(doc.value as Record<string, unknown>), eTag: doc.eTag };
      }
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const entries = Object.entries(changes).map(([key, item]) => {
      const { eTag, ...value } = (item ?? {}) as Record<string, unknown> & { eTag?: unknown };
      return { key, value, expectedETag: typeof eTag === 'string' ? eTag : undefined };
    });
    if (entries.length > 0) await this.documents.write(entries);
  }

  async delete(keys: string[]): Promise<void> {
    await this.documents.delete(keys);
  }
}
