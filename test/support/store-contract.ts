import type { Complaint } from '../../src/domain/complaint';
import { generateTrackingCode } from '../../src/services/complaints/tracking-code';
import {
  EtagConflictError,
  TrackingCodeTakenError,
  type ConversationLogEvent,
  type ConversationRecord,
  type Store,
} from '../../src/storage/store';
import { SeededRandom } from '../../src/util/random';

/**
 * The behaviour every Store must share, run against each implementation so embedded
 * (SQLite) and shared (Redis) mode cannot drift apart.
 *
 * `open` is called before each test and must reach the same data every time (same file,
 * same key prefix): one test closes a store and opens another to check durability. Tests use
 * keys and codes of their own, so data left by earlier tests does not disturb them.
 */
/** A document as a store reads it back: the value, its eTag and the JSON text it keeps. */
function stored(value: unknown, eTag: string | undefined) {
  return { value, eTag, json: JSON.stringify(value) };
}

export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  // Seeded, so a failing run draws the same tracking codes when repeated.
  const random = new SeededRandom(20_240_601);
  let counter = 0;
  const unique = (label: string): string => {
    counter += 1;
    return `${label}-${counter}`;
  };
  const newCode = (): string => generateTrackingCode(random);

  describe(`${name}: Store contract`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('documents', () => {
      it('leaves missing keys out of a read', async () => {
        const found = await store.documents.read([unique('missing'), unique('missing')]);
        expect(found.size).toBe(0);
      });

      it('reads back what was written, with the eTag write returned', async () => {
        const key = `webchat/conversations/会话-${unique('c')}/state`;
        const value = { turn: 3, text: '快递还没到 — where is it?', tags: ['a', 'b'], nested: { ok: true, none: null } };
        const eTags = await store.documents.write([{ key, value }]);
        const eTag = eTags.get(key);
        expect(typeof eTag).toBe('string');
        expect(eTag).not.toBe('');
        expect(eTag).not.toBe('*');
        const found = await store.documents.read([key]);
        expect(found.get(key)).toEqual(stored(value, eTag));
      });

      it('gives a new eTag on every write', async () => {
        const key = unique('doc');
        const first = (await store.documents.write([{ key, value: 1 }])).get(key);
        const second = (await store.documents.write([{ key, value: 1 }])).get(key);
        expect(second).toBeDefined();
        expect(second).not.toBe(first);
        expect((await store.documents.read([key])).get(key)?.eTag).toBe(second);
      });

      it("overwrites unconditionally when expectedETag is '*' or absent", async () => {
        const key = unique('doc');
        await store.documents.write([{ key, value: 'one' }]);
        await store.documents.write([{ key, value: 'two', expectedETag: '*' }]);
        expect((await store.documents.read([key])).get(key)?.value).toBe('two');
        await store.documents.write([{ key, value: 'three' }]);
        expect((await store.documents.read([key])).get(key)?.value).toBe('three');
      });

      it("with expectedETag '' creates a missing key and refuses an existing one", async () => {
        const key = unique('doc');
        const eTag = (await store.documents.write([{ key, value: 'first', expectedETag: '' }])).get(key);
        const other = unique('doc');
        await expect(
          store.documents.write([
            { key: other, value: 'must not appear' },
            { key, value: 'second', expectedETag: '' },
          ]),
        ).rejects.toEqual(expect.objectContaining({ name: 'EtagConflictError', key }));
        const found = await store.documents.read([key, other]);
        expect(found.get(key)).toEqual(stored('first', eTag));
        expect(found.has(other)).toBe(false);
      });

      it('writes when the eTag matches and refuses a stale one, writing nothing', async () => {
        const a = unique('doc');
        const b = unique('doc');
        const first = await store.documents.write([
          { key: a, value: 'a1' },
          { key: b, value: 'b1' },
        ]);
        const staleA = first.get(a);
        const second = await store.documents.write([{ key: a, value: 'a2', expectedETag: staleA }]);
        const currentA = second.get(a);

        const attempt = store.documents.write([
          { key: b, value: 'b2', expectedETag: first.get(b) },
          { key: a, value: 'a3', expectedETag: staleA },
        ]);
        await expect(attempt).rejects.toBeInstanceOf(EtagConflictError);
        await expect(attempt).rejects.toMatchObject({ key: a });

        const found = await store.documents.read([a, b]);
        expect(found.get(a)).toEqual(stored('a2', currentA));
        expect(found.get(b)).toEqual(stored('b1', first.get(b)));
      });

      it('refuses an eTag condition on a key that does not exist', async () => {
        const key = unique('doc');
        await expect(store.documents.write([{ key, value: 1, expectedETag: 'some-etag' }])).rejects.toBeInstanceOf(
          EtagConflictError,
        );
        expect((await store.documents.read([key])).size).toBe(0);
      });

      it('writes several keys at once, each with its own eTag', async () => {
        const keys = [unique('doc'), unique('doc'), unique('doc')];
        const eTags = await store.documents.write(keys.map((key, i) => ({ key, value: { i }, expectedETag: '' })));
        expect([...eTags.keys()].sort()).toEqual([...keys].sort());
        expect(new Set(eTags.values()).size).toBe(3);
        const found = await store.documents.read(keys);
        keys.forEach((key, i) => expect(found.get(key)).toEqual(stored({ i }, eTags.get(key))));
      });

      it('lets exactly one of several racing conditional writers win', async () => {
        const key = unique('doc');
        const eTag = (await store.documents.write([{ key, value: 0 }])).get(key);
        const results = await Promise.allSettled(
          [1, 2, 3, 4, 5].map((n) => store.documents.write([{ key, value: n, expectedETag: eTag }])),
        );
        const winners = results.filter((r) => r.status === 'fulfilled');
        const losers = results.filter((r) => r.status === 'rejected');
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(4);
        for (const loser of losers) expect(loser.reason).toBeInstanceOf(EtagConflictError);
        const stored = (await store.documents.read([key])).get(key);
        const winner = winners[0];
        expect(winner?.status === 'fulfilled' ? winner.value.get(key) : undefined).toBe(stored?.eTag);
      });

      it('refuses a batch naming one key twice, writing nothing', async () => {
        const key = unique('doc');
        await expect(
          store.documents.write([
            { key, value: 1 },
            { key, value: 2 },
          ]),
        ).rejects.toThrow(/more than once/);
        expect((await store.documents.read([key])).size).toBe(0);
      });

      it('refuses a value that is not JSON', async () => {
        const key = unique('doc');
        await expect(store.documents.write([{ key, value: undefined }])).rejects.toThrow(/JSON/);
        expect((await store.documents.read([key])).size).toBe(0);
      });

      it('deletes keys, ignoring missing ones', async () => {
        const keep = unique('doc');
        const gone = unique('doc');
        await store.documents.write([
          { key: keep, value: 'keep' },
          { key: gone, value: 'gone' },
        ]);
        await store.documents.delete([gone, unique('never-written')]);
        const found = await store.documents.read([keep, gone]);
        expect(found.has(gone)).toBe(false);
        expect(found.get(keep)?.value).toBe('keep');
        await store.documents.write([{ key: gone, value: 'again', expectedETag: '' }]);
        expect((await store.documents.read([gone])).get(gone)?.value).toBe('again');
      });

      it('accepts empty batches', async () => {
        expect((await store.documents.read([])).size).toBe(0);
        expect((await store.documents.write([])).size).toBe(0);
        await expect(store.documents.delete([])).resolves.toBeUndefined();
      });

      it('keeps documents after the store is closed and opened again', async () => {
        const key = unique('doc');
        const eTag = (await store.documents.write([{ key, value: { kept: '是' } }])).get(key);
        await store.close();
        store = await open();
        expect((await store.documents.read([key])).get(key)).toEqual(stored({ kept: '是' }, eTag));
      });
    });

    describe('complaints', () => {
      const complaint = (overrides: Partial<Complaint> = {}): Complaint => {
        const createdAt = overrides.createdAt ?? '2025-03-01T08:00:00.000Z';
        return {
          code: newCode(),
          idempotencyKey: unique('idem'),
          conversationId: unique('conv'),
          userId: unique('user'),
          channel: 'webchat',
          locale: 'zh-CN',
          description: '收到的电水壶底座有裂纹，一通电就跳闸。',
          orderRef: 'ORD-20250301-7781',
          remedy: 'exchange',
          contact: { kind: 'phone', value: '+86 138 0013 8000' },
          category: 'product_quality',
          severity: 'serious',
          classificationReasons: ['mentions a defect', 'safety: tripping breaker'],
          status: 'received',
          createdAt,
          firstResponseDueAt: '2025-03-01T12:00:00.000Z',
          resolutionDueAt: '2025-03-04T08:00:00.000Z',
          history: [{ status: 'received', at: createdAt }],
          ...overrides,
        };
      };

      it('creates a complaint and finds it by code', async () => {
        const input = complaint();
        const result = await store.complaints.create(input);
        expect(result).toEqual({ complaint: input, created: true });
        expect(await store.complaints.findByCode(input.code)).toEqual(input);
      });

      it('returns the stored complaint when the idempotency key was seen, without storing another', async () => {
        const first = complaint();
        await store.complaints.create(first);
        const retry = complaint({ idempotencyKey: first.idempotencyKey, userId: first.userId, description: 'retried' });
        const result = await store.complaints.create(retry);
        expect(result).toEqual({ complaint: first, created: false });
        expect(await store.complaints.findByCode(retry.code)).toBeUndefined();
        expect(await store.complaints.listByUser(first.userId, 10)).toEqual([first]);
      });

      it('files exactly one complaint when the same confirmation races with itself', async () => {
        const idempotencyKey = unique('idem');
        const userId = unique('user');
        const attempts = [1, 2, 3, 4, 5].map(() => complaint({ idempotencyKey, userId }));
        const results = await Promise.all(attempts.map((c) => store.complaints.create(c)));
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const codes = new Set(results.map((r) => r.complaint.code));
        expect(codes.size).toBe(1);
        expect(await store.complaints.listByUser(userId, 10)).toHaveLength(1);
      });

      it('throws TrackingCodeTakenError when another complaint has the code', async () => {
        const first = complaint();
        await store.complaints.create(first);
        const clash = complaint({ code: first.code });
        const attempt = store.complaints.create(clash);
        await expect(attempt).rejects.toBeInstanceOf(TrackingCodeTakenError);
        await expect(attempt).rejects.toMatchObject({ code: first.code });
        expect(await store.complaints.findByCode(first.code)).toEqual(first);
        expect(await store.complaints.listByUser(clash.userId, 10)).toEqual([]);
        // The clash did not claim the idempotency key: a retry with a fresh code goes through.
        const retry = { ...clash, code: newCode() };
        expect(await store.complaints.create(retry)).toEqual({ complaint: retry, created: true });
      });

      it('refuses a complaint that does not match the schema', async () => {
        const bad = complaint({ code: 'not-a-code' });
        await expect(store.complaints.create(bad)).rejects.toThrow();
        expect(await store.complaints.findByCode('not-a-code')).toBeUndefined();
      });

      it('finds nothing for an unknown code', async () => {
        expect(await store.complaints.findByCode(newCode())).toBeUndefined();
      });

      it("lists a user's complaints newest first, up to the limit", async () => {
        const userId = unique('user');
        // Mixed precision on purpose: '…00Z' and '…00.500Z' must sort by instant, not text.
        const times = ['2025-03-02T10:00:00Z', '2025-03-02T10:00:00.500Z', '2025-02-28T23:59:59.999Z', '2025-03-05T00:00:00Z'];
        const created = times.map((createdAt) => complaint({ userId, createdAt }));
        for (const c of created) await store.complaints.create(c);
        await store.complaints.create(complaint({ userId: unique('someone-else') }));

        const all = await store.complaints.listByUser(userId, 10);
        expect(all.map((c) => c.createdAt)).toEqual([
          '2025-03-05T00:00:00Z',
          '2025-03-02T10:00:00.500Z',
          '2025-03-02T10:00:00Z',
          '2025-02-28T23:59:59.999Z',
        ]);
        expect((await store.complaints.listByUser(userId, 2)).map((c) => c.code)).toEqual(all.slice(0, 2).map((c) => c.code));
        expect(await store.complaints.listByUser(userId, 0)).toEqual([]);
        expect(await store.complaints.listByUser(unique('nobody'), 5)).toEqual([]);
      });

      it('replaces a stored complaint', async () => {
        const original = complaint();
        await store.complaints.create(original);
        const progressed: Complaint = {
          ...original,
          status: 'in_progress',
          history: [...original.history, { status: 'in_progress', at: '2025-03-01T09:30:00.000Z', note: '已联系客户' }],
        };
        await store.complaints.replace(progressed);
        expect(await store.complaints.findByCode(original.code)).toEqual(progressed);
        expect(await store.complaints.listByUser(original.userId, 5)).toEqual([progressed]);
        // Replacing does not free the idempotency key.
        const retry = await store.complaints.create(complaint({ idempotencyKey: original.idempotencyKey }));
        expect(retry).toEqual({ complaint: progressed, created: false });
      });

      it('refuses to replace a complaint that does not exist', async () => {
        const ghost = complaint();
        await expect(store.complaints.replace(ghost)).rejects.toThrow(ghost.code);
        expect(await store.complaints.findByCode(ghost.code)).toBeUndefined();
      });

      it('refuses a replace that changes who filed the complaint', async () => {
        const original = complaint();
        await store.complaints.create(original);
        await expect(store.complaints.replace({ ...original, userId: unique('thief') })).rejects.toThrow(/userId/);
        expect(await store.complaints.findByCode(original.code)).toEqual(original);
      });

      it('keeps complaints after the store is closed and opened again', async () => {
        const input = complaint();
        await store.complaints.create(input);
        await store.close();
        store = await open();
        expect(await store.complaints.findByCode(input.code)).toEqual(input);
        expect(await store.complaints.create({ ...input, code: newCode() })).toEqual({ complaint: input, created: false });
      });
    });

    describe('locks', () => {
      it('runs the critical sections of one key one at a time, in arrival order', async () => {
        const key = unique('lock');
        let active = 0;
        let maxActive = 0;
        const order: number[] = [];
        const runs = Array.from({ length: 20 }, (_, i) =>
          store.locks.withLock(key, async () => {
            active += 1;
            maxActive = Math.max(maxActive, active);
            order.push(i);
            await new Promise<void>((resolve) => setImmediate(resolve));
            active -= 1;
            return i;
          }),
        );
        expect(await Promise.all(runs)).toEqual(Array.from({ length: 20 }, (_, i) => i));
        expect(maxActive).toBe(1);
        expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
      });

      it('lets different keys run at the same time', async () => {
        let startA: () => void = () => undefined;
        let startB: () => void = () => undefined;
        const aStarted = new Promise<void>((resolve) => (startA = resolve));
        const bStarted = new Promise<void>((resolve) => (startB = resolve));
        // Each section waits for the other to start, which only ends if both run at once.
        await Promise.all([
          store.locks.withLock(unique('lock'), async () => {
            startA();
            await bStarted;
          }),
          store.locks.withLock(unique('lock'), async () => {
            startB();
            await aStarted;
          }),
        ]);
      });

      it('releases the lock when the critical section throws', async () => {
        const key = unique('lock');
        const failure = new Error('turn failed');
        await expect(
          store.locks.withLock(key, async () => {
            throw failure;
          }),
        ).rejects.toBe(failure);
        await expect(store.locks.withLock(key, async () => 'after')).resolves.toBe('after');
      });
    });

    describe('conversations', () => {
      const record = (overrides: Partial<ConversationRecord> = {}): ConversationRecord => ({
        conversationId: unique('dl-conv'),
        userId: unique('dl-user'),
        createdAt: '2025-03-01T08:00:00.000Z',
        ...overrides,
      });
      const created = async (): Promise<string> => {
        const input = record();
        expect(await store.conversations.create(input)).toBe(true);
        return input.conversationId;
      };

      it('creates a conversation once and finds it', async () => {
        const first = record();
        expect(await store.conversations.create(first)).toBe(true);
        expect(await store.conversations.create({ ...first, userId: unique('intruder') })).toBe(false);
        expect(await store.conversations.get(first.conversationId)).toEqual(first);
      });

      it('finds nothing for an unknown conversation', async () => {
        const id = unique('dl-nobody');
        expect(await store.conversations.get(id)).toBeUndefined();
        expect(await store.conversations.read(id, 0)).toEqual([]);
      });

      it('refuses a record that is not valid, storing nothing', async () => {
        const bad = record({ createdAt: 'yesterday' });
        await expect(store.conversations.create(bad)).rejects.toThrow();
        expect(await store.conversations.get(bad.conversationId)).toBeUndefined();
      });

      it('appends with watermarks 1..n and reads from any watermark, at most limit', async () => {
        const id = await created();
        const watermarks: number[] = [];
        for (let n = 1; n <= 5; n += 1) watermarks.push(await store.conversations.append(id, { text: `m${n}` }));
        expect(watermarks).toEqual([1, 2, 3, 4, 5]);
        const entry = (n: number): { watermark: number; activity: unknown } => ({ watermark: n, activity: { text: `m${n}` } });
        expect(await store.conversations.read(id, 0)).toEqual([1, 2, 3, 4, 5].map(entry));
        expect(await store.conversations.read(id, 2)).toEqual([3, 4, 5].map(entry));
        expect(await store.conversations.read(id, 1, 2)).toEqual([2, 3].map(entry));
        expect(await store.conversations.read(id, 3, 10)).toEqual([4, 5].map(entry));
        expect(await store.conversations.read(id, 5)).toEqual([]);
        expect(await store.conversations.read(id, 9)).toEqual([]);
        expect(await store.conversations.read(id, 0, 0)).toEqual([]);
      });

      it('counts watermarks per conversation', async () => {
        const a = await created();
        const b = await created();
        expect(await store.conversations.append(a, 'a1')).toBe(1);
        expect(await store.conversations.append(a, 'a2')).toBe(2);
        expect(await store.conversations.append(b, 'b1')).toBe(1);
        expect(await store.conversations.read(b, 0)).toEqual([{ watermark: 1, activity: 'b1' }]);
      });

      it('refuses a read range that is not a watermark', async () => {
        const id = await created();
        await expect(store.conversations.read(id, -1)).rejects.toBeInstanceOf(RangeError);
        await expect(store.conversations.read(id, 1.5)).rejects.toBeInstanceOf(RangeError);
        await expect(store.conversations.read(id, 0, -1)).rejects.toBeInstanceOf(RangeError);
      });

      it('round-trips any JSON activity', async () => {
        const id = await created();
        const activities: unknown[] = [
          {
            type: 'message',
            id: 'act-1',
            from: { id: 'user-1', role: 'user' },
            text: '快递还没到 — where is it? "quoted" \\ back\\slash 😀',
            attachments: [],
            channelData: { nested: { deep: [1, 2.5, -3, 1e21] }, none: null, yes: true },
          },
          'a bare string',
          42,
          false,
          null,
          [1, 'two', { three: 3 }],
          {},
        ];
        for (const activity of activities) await store.conversations.append(id, activity);
        const read = await store.conversations.read(id, 0);
        expect(read.map((entry) => entry.activity)).toEqual(activities);
        expect(read.map((entry) => entry.watermark)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      });

      it('refuses an activity or signal that is not JSON, storing nothing', async () => {
        const id = await created();
        await expect(store.conversations.append(id, undefined)).rejects.toThrow(/JSON/);
        await expect(store.conversations.signal(id, () => 'typing')).rejects.toThrow(/JSON/);
        expect(await store.conversations.read(id, 0)).toEqual([]);
        expect(await store.conversations.append(id, 'first')).toBe(1);
      });

      it('rejects an append to an unknown conversation, storing nothing', async () => {
        const input = record();
        await expect(store.conversations.append(input.conversationId, { text: 'hello?' })).rejects.toThrow(
          `ConversationLog.append: no conversation ${input.conversationId}`,
        );
        expect(await store.conversations.read(input.conversationId, 0)).toEqual([]);
        // The failed append left no trace: once created, the log starts at 1.
        expect(await store.conversations.create(input)).toBe(true);
        expect(await store.conversations.append(input.conversationId, 'now')).toBe(1);
      });

      it('tells subscribers of every conversation about each append, once it can be read', async () => {
        const a = await created();
        const b = await created();
        const reads: Array<Promise<unknown>> = [];
        const heard = listen(store, [a, b], (event) => {
          // Read at once, inside the listener: the activity must already be there.
          if (event.kind === 'appended') reads.push(store.conversations.read(event.conversationId, event.watermark - 1, 1));
        });
        await store.conversations.append(a, { text: 'to a' });
        await store.conversations.append(b, { text: 'to b' });
        expect(await heard.waitFor(2)).toEqual([
          { kind: 'appended', conversationId: a, watermark: 1, activity: { text: 'to a' } },
          { kind: 'appended', conversationId: b, watermark: 1, activity: { text: 'to b' } },
        ]);
        expect(await Promise.all(reads)).toEqual([
          [{ watermark: 1, activity: { text: 'to a' } }],
          [{ watermark: 1, activity: { text: 'to b' } }],
        ]);
        heard.stop();
      });

      it('tells subscribers about a signal without storing it', async () => {
        const id = await created();
        const heard = listen(store, [id]);
        await store.conversations.append(id, { type: 'message', text: 'hi' });
        const typing = { type: 'typing', from: { id: 'bot', role: 'bot' }, locale: 'zh-CN' };
        await store.conversations.signal(id, typing);
        expect(await heard.waitFor(2)).toEqual([
          { kind: 'appended', conversationId: id, watermark: 1, activity: { type: 'message', text: 'hi' } },
          { kind: 'signal', conversationId: id, payload: typing },
        ]);
        expect(await store.conversations.read(id, 0)).toEqual([{ watermark: 1, activity: { type: 'message', text: 'hi' } }]);
        expect(await store.conversations.append(id, { type: 'message', text: 'next' })).toBe(2);
        heard.stop();
      });

      it('stops telling a listener once it unsubscribes', async () => {
        const id = await created();
        const leaver: ConversationLogEvent[] = [];
        const unsubscribe = store.conversations.subscribe((event) => {
          if (event.conversationId === id) leaver.push(event);
        });
        const stayer = listen(store, [id]);
        await store.conversations.append(id, 1);
        await stayer.waitFor(1);
        expect(leaver).toHaveLength(1);
        unsubscribe();
        unsubscribe();
        await store.conversations.append(id, 2);
        await store.conversations.signal(id, { type: 'typing' });
        // Both listeners hear an event in the same dispatch, so once the stayer has heard
        // these two, the leaver would have too.
        await stayer.waitFor(3);
        expect(leaver).toHaveLength(1);
        stayer.stop();
      });

      it('keeps appending and telling other listeners when a listener throws', async () => {
        const id = await created();
        const unsubscribe = store.conversations.subscribe(() => {
          throw new Error('a broken socket handler');
        });
        const heard = listen(store, [id]);
        await expect(store.conversations.append(id, 'still stored')).resolves.toBe(1);
        await expect(store.conversations.signal(id, { type: 'typing' })).resolves.toBeUndefined();
        expect(await heard.waitFor(2)).toEqual([
          { kind: 'appended', conversationId: id, watermark: 1, activity: 'still stored' },
          { kind: 'signal', conversationId: id, payload: { type: 'typing' } },
        ]);
        unsubscribe();
        heard.stop();
      });

      it('gives 50 concurrent appends the watermarks 1..50 exactly once, in order', async () => {
        const id = await created();
        const heard = listen(store, [id]);
        const count = 50;
        const watermarks = await Promise.all(
          Array.from({ length: count }, (_, i) => store.conversations.append(id, { i })),
        );
        const expected = Array.from({ length: count }, (_, i) => i + 1);
        expect([...watermarks].sort((x, y) => x - y)).toEqual(expected);
        const read = await store.conversations.read(id, 0);
        expect(read.map((entry) => entry.watermark)).toEqual(expected);
        // Each activity sits at the watermark its own append returned.
        read.forEach((entry) => expect(entry.activity).toEqual({ i: watermarks.indexOf(entry.watermark) }));
        const events = await heard.waitFor(count);
        expect(events.map((event) => (event.kind === 'appended' ? event.watermark : 'signal'))).toEqual(expected);
        heard.stop();
      });

      it('keeps conversations after the store is closed and opened again', async () => {
        const input = record();
        await store.conversations.create(input);
        await store.conversations.append(input.conversationId, { kept: '是' });
        await store.close();
        store = await open();
        expect(await store.conversations.get(input.conversationId)).toEqual(input);
        expect(await store.conversations.read(input.conversationId, 0)).toEqual([{ watermark: 1, activity: { kept: '是' } }]);
        expect(await store.conversations.append(input.conversationId, 'after reopen')).toBe(2);
      });
    });
  });
}

/** Events one subscriber heard for some conversations, and a way to wait for them. */
export interface HeardEvents {
  readonly events: ConversationLogEvent[];
  /** Resolves with the events once at least `count` arrived; rejects after timeoutMs so a lost event fails the test. */
  waitFor(count: number, timeoutMs?: number): Promise<ConversationLogEvent[]>;
  stop(): void;
}

/**
 * Subscribes to `store` and keeps the events of the given conversations (tests share a
 * store, so events of other tests are left out). `also` sees each kept event first.
 */
export function listen(store: Store, conversationIds: readonly string[], also?: (event: ConversationLogEvent) => void): HeardEvents {
  const events: ConversationLogEvent[] = [];
  const waiters = new Set<{ count: number; resolve: () => void }>();
  const stop = store.conversations.subscribe((event) => {
    if (!conversationIds.includes(event.conversationId)) return;
    also?.(event);
    events.push(event);
    for (const waiter of waiters) if (events.length >= waiter.count) waiter.resolve();
  });
  return {
    events,
    stop,
    waitFor: (count, timeoutMs = 5_000) =>
      new Promise<ConversationLogEvent[]>((resolve, reject) => {
        if (events.length >= count) {
          resolve(events);
          return;
        }
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`heard ${events.length} of ${count} events within ${timeoutMs} ms: ${JSON.stringify(events)}`));
        }, timeoutMs);
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(events);
          },
        };
        waiters.add(waiter);
      }),
  };
}
