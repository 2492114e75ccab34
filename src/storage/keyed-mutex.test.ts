import { KeyedMutex } from './keyed-mutex';
import { LockTimeoutError } from './store';

/** A promise with its resolve function, so a test decides when a critical section ends. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Lets every queued promise callback run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

describe('KeyedMutex', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('grants waiters in the order they asked (FIFO)', async () => {
    const mutex = new KeyedMutex();
    const holder = latch();
    const order: number[] = [];
    const first = mutex.withLock('k', async () => {
      order.push(0);
      await holder.promise;
    });
    const waiters = [1, 2, 3, 4, 5].map((n) =>
      mutex.withLock('k', async () => {
        order.push(n);
      }),
    );
    await flush();
    expect(order).toEqual([0]);
    holder.open();
    await Promise.all([first, ...waiters]);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('never lets two critical sections of one key overlap', async () => {
    const mutex = new KeyedMutex();
    let active = 0;
    let maxActive = 0;
    let completed = 0;
    // Unsynchronised read-modify-write: lost updates would show if sections overlapped.
    let shared = 0;
    const runs = Array.from({ length: 50 }, (_, i) =>
      mutex.withLock('k', async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        const seen = shared;
        for (let t = 0; t < i % 4; t += 1) await Promise.resolve();
        await new Promise<void>((resolve) => setImmediate(resolve));
        shared = seen + 1;
        active -= 1;
        completed += 1;
      }),
    );
    await Promise.all(runs);
    expect(maxActive).toBe(1);
    expect(completed).toBe(50);
    expect(shared).toBe(50);
  });

  it('lets different keys run at the same time', async () => {
    const mutex = new KeyedMutex();
    const a = latch();
    const b = latch();
    // Each section waits for the other to start: that only finishes if they run together.
    await Promise.all([
      mutex.withLock('a', async () => {
        a.open();
        await b.promise;
      }),
      mutex.withLock('b', async () => {
        b.open();
        await a.promise;
      }),
    ]);
    expect(mutex.activeKeys).toBe(0);
  });

  it('returns the value of fn', async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.withLock('k', async () => 42)).resolves.toBe(42);
  });

  it('releases the lock when fn throws or rejects', async () => {
    const mutex = new KeyedMutex();
    const failure = new Error('boom');
    await expect(
      mutex.withLock('k', async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    await expect(
      mutex.withLock('k', () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(mutex.activeKeys).toBe(0);
    await expect(mutex.withLock('k', async () => 'next')).resolves.toBe('next');
  });

  it('hands the lock on to the next waiter when the holder throws', async () => {
    const mutex = new KeyedMutex();
    const holder = latch();
    const failing = mutex.withLock('k', async () => {
      await holder.promise;
      throw new Error('holder failed');
    });
    let ran = 0;
    const waiting = mutex.withLock('k', async () => {
      ran += 1;
    });
    holder.open();
    await expect(failing).rejects.toThrow('holder failed');
    await waiting;
    expect(ran).toBe(1);
  });

  it('rejects with LockTimeoutError when the key stays held too long, without running fn', async () => {
    jest.useFakeTimers();
    const mutex = new KeyedMutex({ waitTimeoutMs: 100 });
    const holder = latch();
    const held = mutex.withLock('k', () => holder.promise);
    let ran = 0;
    const waiting = mutex.withLock('k', async () => {
      ran += 1;
    });
    const outcome = expect(waiting).rejects.toThrow(LockTimeoutError);
    await jest.advanceTimersByTimeAsync(99);
    expect(ran).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    await outcome;
    await expect(waiting).rejects.toMatchObject({ key: 'k', name: 'LockTimeoutError' });
    holder.open();
    await held;
    expect(ran).toBe(0);
    expect(mutex.activeKeys).toBe(0);
  });

  it('keeps FIFO order for the others when a waiter in the middle times out', async () => {
    jest.useFakeTimers();
    const mutex = new KeyedMutex();
    const holder = latch();
    const order: string[] = [];
    const held = mutex.withLock('k', () => holder.promise);
    const first = mutex.withLock('k', async () => {
      order.push('first');
    });
    // Only this waiter has a short limit.
    const impatient = mutex.acquire('k', 50);
    const impatientOutcome = expect(impatient).rejects.toThrow(LockTimeoutError);
    const last = mutex.withLock('k', async () => {
      order.push('last');
    });
    await jest.advanceTimersByTimeAsync(50);
    await impatientOutcome;
    holder.open();
    await Promise.all([held, first, last]);
    expect(order).toEqual(['first', 'last']);
    expect(mutex.activeKeys).toBe(0);
  });

  it('keeps no map entry for a key once nobody holds or waits for it', async () => {
    const mutex = new KeyedMutex();
    const holder = latch();
    const held = mutex.withLock('a', () => holder.promise);
    const waiting = mutex.withLock('a', async () => undefined);
    const other = mutex.withLock('b', async () => undefined);
    await other;
    expect(mutex.activeKeys).toBe(1);
    holder.open();
    await Promise.all([held, waiting]);
    expect(mutex.activeKeys).toBe(0);
    await Promise.all(Array.from({ length: 100 }, (_, i) => mutex.withLock(`key-${i}`, async () => i)));
    expect(mutex.activeKeys).toBe(0);
  });

  it('ignores a second call of the same release function', async () => {
    const mutex = new KeyedMutex();
    const release = await mutex.acquire('k');
    const next = mutex.acquire('k');
    release();
    const releaseNext = await next;
    // A stray second release must not free the lock that the next holder now owns.
    release();
    let thirdGranted = false;
    const third = mutex.acquire('k').then((r) => {
      thirdGranted = true;
      return r;
    });
    await flush();
    expect(thirdGranted).toBe(false);
    releaseNext();
    (await third)();
    expect(mutex.activeKeys).toBe(0);
  });

  it('refuses a negative wait limit', () => {
    expect(() => new KeyedMutex({ waitTimeoutMs: -1 })).toThrow(RangeError);
  });
});
