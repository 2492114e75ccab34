import { LockTimeoutError, type TurnLock } from './store';

/** Options of a KeyedMutex. */
export interface KeyedMutexOptions {
  /** Longest wait for a key before LockTimeoutError; undefined waits for ever. */
  waitTimeoutMs?: number;
}

/** Gives a held lock back. Calling it more than once does nothing. */
export type ReleaseLock = () => void;

/** A turn waiting for its key; grant() hands it the lock. */
interface Waiter {
  grant(): void;
}

/**
 * In-process mutual exclusion per key, first come first served.
 *
 * A key has an entry in the map only while someone holds or waits for it, so a bot that
 * sees millions of conversations does not keep one entry per conversation for ever.
 */
export class KeyedMutex implements TurnLock {
  /** Waiters per held key, oldest first; the holder itself is not in the queue. */
  private readonly queues = new Map<string, Waiter[]>();
  private readonly waitTimeoutMs: number | undefined;

  constructor(options: KeyedMutexOptions = {}) {
    if (options.waitTimeoutMs !== undefined && !(options.waitTimeoutMs >= 0)) {
      throw new RangeError(`KeyedMutex: waitTimeoutMs must be >= 0, got ${options.waitTimeoutMs}`);
    }
    this.waitTimeoutMs = options.waitTimeoutMs;
  }

  /** Number of keys currently held or waited for (for metrics and leak checks). */
  get activeKeys(): number {
    return this.queues.size;
  }

  /**
   * Waits for the key and resolves with the function that releases it. Rejects with
   * LockTimeoutError when the key is not free within waitTimeoutMs.
   */
  acquire(key: string, waitTimeoutMs: number | undefined = this.waitTimeoutMs): Promise<ReleaseLock> {
    const queue = this.queues.get(key);
    if (queue === undefined) {
      this.queues.set(key, []);
      return Promise.resolve(this.releaserFor(key));
    }
    return new Promise<ReleaseLock>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        grant: () => {
          if (timer !== undefined) clearTimeout(timer);
          resolve(this.releaserFor(key));
        },
      };
      queue.push(waiter);
      if (waitTimeoutMs !== undefined) {
        timer = setTimeout(() => {
          // The waiter is still queued (a grant clears the timer), so taking it out is safe.
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          reject(new LockTimeoutError(key, waitTimeoutMs));
        }, waitTimeoutMs);
      }
    });
  }

  /** Runs fn while holding key; the lock is released however fn ends. */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private releaserFor(key: string): ReleaseLock {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.queues.get(key);
      const next = queue?.shift();
      if (next === undefined) {
        this.queues.delete(key);
      } else {
        // Hand the lock straight to the next waiter so nobody can jump the queue.
        next.grant();
      }
    };
  }
}
