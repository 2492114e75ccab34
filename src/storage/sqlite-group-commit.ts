import type Database from 'better-sqlite3';

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  /** Runs after the commit, before the waiter resolves (events that must not precede the commit). */
  published: (() => void) | undefined;
}

/**
 * Commits the conversation writes made in one pass of the event loop together: the first write
 * opens a transaction, each write runs inside it as a savepoint (a better-sqlite3 transaction
 * function nests that way), and the transaction commits once the pass's I/O callbacks have run
 * (`setImmediate`). A turn writes three or four times (the customer's message, the replies, the
 * conversation state), and under load several turns share one pass, so many commits, and the
 * WAL frames of the pages they share, become one.
 *
 * A write's promise resolves only after the commit, so nothing is acknowledged (an HTTP answer,
 * an activity on a socket) before it is stored. A write that throws rolls back its own savepoint
 * and rejects at once; the others still commit. A failed commit rejects every write of the group.
 * Writes that must not wait for the group, or must commit on their own (complaints, under
 * synchronous = FULL), call {@link commit} first and then run as before.
 */
export class SqliteGroupCommit {
  private waiters: Waiter[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  /** `onError` hears of a `published` callback that threw; the writes are stored all the same. */
  constructor(
    private readonly db: Database.Database,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  /**
   * Runs `write` in the open group (opening one if needed) and resolves with its result once the
   * group has committed; `published` runs with that result right after the commit.
   */
  async write<T>(write: () => T, published?: (result: T) => void): Promise<T> {
    this.open();
    const result = write();
    await new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject, published: published && (() => published(result)) });
    });
    return result;
  }

  /** Commits the open group now, if there is one. */
  commit(): void {
    if (this.scheduled === undefined) return;
    clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    try {
      this.db.exec('COMMIT');
    } catch (cause) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      const error = new Error('SqliteGroupCommit: the commit failed; none of its writes were stored', { cause });
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    for (const waiter of waiters) {
      try {
        waiter.published?.();
      } catch (cause) {
        this.onError(new Error('SqliteGroupCommit: a callback after the commit threw', { cause }));
      }
    }
    for (const waiter of waiters) waiter.resolve();
  }

  private open(): void {
    if (this.scheduled !== undefined) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.scheduled = setImmediate(() => this.commit());
  }
}
