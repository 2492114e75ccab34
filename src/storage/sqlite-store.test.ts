import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describeStoreContract, listen } from '../../test/support/store-contract';
import { sampleComplaint } from '../../test/support/complaint-fixture';
import { ManualClock } from '../util/clock';
import { openSqliteStore, SQLITE_SCHEMA_VERSION, type SqliteStore } from './sqlite-store';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-sqlite-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const contractDir = tempDir();
describeStoreContract('SqliteStore', async () => openSqliteStore({ dataDir: contractDir }));

const sample = sampleComplaint();

describe('SqliteStore specifics', () => {
  let store: SqliteStore | undefined;

  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('creates a missing data directory and uses hearline.db by default', async () => {
    const dataDir = path.join(tempDir(), 'nested', 'data');
    store = openSqliteStore({ dataDir });
    expect(store.kind).toBe('sqlite');
    expect(store.filePath).toBe(path.join(dataDir, 'hearline.db'));
    expect(fs.existsSync(store.filePath)).toBe(true);
  });

  it('honours fileName', async () => {
    const dataDir = tempDir();
    store = openSqliteStore({ dataDir, fileName: 'other.sqlite' });
    expect(fs.existsSync(path.join(dataDir, 'other.sqlite'))).toBe(true);
  });

  it('opens in WAL mode with full sync, a busy timeout and the current schema version', async () => {
    const dataDir = tempDir();
    store = openSqliteStore({ dataDir });
    await store.close();
    // journal_mode WAL and user_version are stored in the file, so a second connection sees them.
    const raw = new Database(path.join(dataDir, 'hearline.db'));
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
      const tables = raw.prepare("select name from sqlite_master where type in ('table', 'index') order by name").pluck().all();
      expect(tables).toEqual(
        expect.arrayContaining(['complaints', 'complaints_by_user', 'conversation_activities', 'conversations', 'documents']),
      );
    } finally {
      raw.close();
    }
    store = openSqliteStore({ dataDir });
    // Per-connection settings, read through the store's own connection.
    const db = store['db']; // private, read here because these settings are per connection
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // 1 = NORMAL; complaints commit under FULL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('runs each migration once: reopening keeps data and version', async () => {
    const dataDir = tempDir();
    store = openSqliteStore({ dataDir });
    await store.documents.write([{ key: 'k', value: 'v' }]);
    await store.close();
    store = openSqliteStore({ dataDir });
    expect((await store.documents.read(['k'])).get('k')?.value).toBe('v');
  });

  it('refuses a database written by a newer version', async () => {
    const dataDir = tempDir();
    const raw = new Database(path.join(dataDir, 'hearline.db'));
    raw.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openSqliteStore({ dataDir })).toThrow(/newer than this build/);
  });

  it('stamps documents with the injected clock', async () => {
    const dataDir = tempDir();
    store = openSqliteStore({ dataDir, clock: new ManualClock('2025-05-05T05:05:05.000Z') });
    await store.documents.write([{ key: 'k', value: 1 }]);
    await store.close();
    store = undefined;
    const raw = new Database(path.join(dataDir, 'hearline.db'), { readonly: true });
    try {
      expect(raw.prepare('select updated_at from documents where key = ?').pluck().get('k')).toBe('2025-05-05T05:05:05.000Z');
    } finally {
      raw.close();
    }
  });

  it('commits the pending conversation writes before a complaint, which then commits on its own', async () => {
    const dataDir = tempDir();
    store = openSqliteStore({ dataDir });
    await store.conversations.create({ conversationId: 'c-1', userId: 'u-1', createdAt: '2025-03-01T08:00:00.000Z' });
    const raw = new Database(path.join(dataDir, 'hearline.db'), { readonly: true });
    const stored = () => raw.prepare('select (select count(*) from conversation_activities) as activities, (select count(*) from complaints) as complaints').get();

    const append = store.conversations.append('c-1', { type: 'message', text: 'hello' });
    expect(stored()).toEqual({ activities: 0, complaints: 0 });
    await store.complaints.create(sample);
    expect(stored()).toEqual({ activities: 1, complaints: 1 });
    await expect(append).resolves.toBe(1);
    raw.close();
  });

  it('names the code when a stored complaint is corrupt', async () => {
    const dataDir = tempDir();
    store = openSqliteStore({ dataDir });
    await store.complaints.create(sample);
    await store.close();
    const raw = new Database(path.join(dataDir, 'hearline.db'));
    raw.prepare('update complaints set data = ? where code = ?').run(JSON.stringify({ ...sample, status: 'lost' }), sample.code);
    raw.close();

    store = openSqliteStore({ dataDir });
    await expect(store.complaints.findByCode(sample.code)).rejects.toThrow(
      `ComplaintRepository.findByCode: stored complaint ${sample.code} is corrupt`,
    );
    await expect(store.complaints.listByUser(sample.userId, 5)).rejects.toThrow(sample.code);
  });

  it('names the key when a stored document is not JSON', async () => {
    const dataDir = tempDir();
    store = openSqliteStore({ dataDir });
    await store.documents.write([{ key: 'broken', value: 1 }]);
    await store.close();
    const raw = new Database(path.join(dataDir, 'hearline.db'));
    raw.prepare("update documents set value = '{oops' where key = 'broken'").run();
    raw.close();
    store = openSqliteStore({ dataDir });
    await expect(store.documents.read(['broken'])).rejects.toThrow(/broken/);
  });

  it('times out a turn lock held longer than lockWaitMs', async () => {
    store = openSqliteStore({ dataDir: tempDir(), lockWaitMs: 20 });
    let release: () => void = () => undefined;
    const held = store.locks.withLock('conv', () => new Promise<void>((resolve) => (release = resolve)));
    let ran = false;
    await expect(
      store.locks.withLock('conv', async () => {
        ran = true;
      }),
    ).rejects.toMatchObject({ name: 'LockTimeoutError', key: 'conv' });
    release();
    await held;
    expect(ran).toBe(false);
  });

  it('adds the conversation tables to a database of schema version 1, keeping its data', async () => {
    const dataDir = tempDir();
    store = openSqliteStore({ dataDir });
    await store.documents.write([{ key: 'older', value: 'kept' }]);
    await store.close();
    // Back to what a version-1 build left behind: no conversation tables.
    const raw = new Database(path.join(dataDir, 'hearline.db'));
    raw.exec('drop table conversation_activities; drop table conversations;');
    raw.pragma('user_version = 1');
    raw.close();

    store = openSqliteStore({ dataDir });
    expect(store['db'].pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    expect((await store.documents.read(['older'])).get('older')?.value).toBe('kept');
    await store.conversations.create({ conversationId: 'dl-1', userId: 'u', createdAt: '2025-03-01T08:00:00.000Z' });
    expect(await store.conversations.append('dl-1', 'works')).toBe(1);
  });

  it('keeps the watermark counter and the log in step: a failed append changes neither', async () => {
    const dataDir = tempDir();
    store = openSqliteStore({ dataDir });
    await store.conversations.create({ conversationId: 'dl-2', userId: 'u', createdAt: '2025-03-01T08:00:00.000Z' });
    // A row squatting on watermark 2 makes the second insert fail after the counter moved.
    store['db'].prepare("insert into conversation_activities values ('dl-2', 2, ?)").run(JSON.stringify('squatter'));
    const heard = listen(store, ['dl-2']);
    expect(await store.conversations.append('dl-2', 'first')).toBe(1);
    // Matched by code: better-sqlite3's error class may come from another test file's realm,
    // where toThrow would not recognise it as an Error.
    await expect(store.conversations.append('dl-2', 'second')).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(store['db'].prepare("select last_watermark from conversations where id = 'dl-2'").pluck().get()).toBe(1);
    expect(await store.conversations.read('dl-2', 0)).toEqual([
      { watermark: 1, activity: 'first' },
      { watermark: 2, activity: 'squatter' },
    ]);
    // Only the committed append was told.
    expect(heard.events).toEqual([{ kind: 'appended', conversationId: 'dl-2', watermark: 1, activity: 'first' }]);
  });

  it('reports a listener that throws through onError, and the append still succeeds', async () => {
    const errors: Error[] = [];
    store = openSqliteStore({ dataDir: tempDir(), onError: (error) => errors.push(error) });
    await store.conversations.create({ conversationId: 'dl-3', userId: 'u', createdAt: '2025-03-01T08:00:00.000Z' });
    const failure = new Error('socket handler failed');
    store.conversations.subscribe(() => {
      throw failure;
    });
    expect(await store.conversations.append('dl-3', 'x')).toBe(1);
    await store.conversations.signal('dl-3', { type: 'typing' });
    expect(errors.map((error) => [error.message, error.cause])).toEqual([
      ['ConversationLog.subscribe: a listener threw on appended of dl-3', failure],
      ['ConversationLog.subscribe: a listener threw on signal of dl-3', failure],
    ]);
  });

  it('gives signal listeners a JSON copy of the payload, as Redis mode would', async () => {
    store = openSqliteStore({ dataDir: tempDir() });
    const heard = listen(store, ['dl-4']);
    const payload = { type: 'typing', at: new Date('2025-03-01T08:00:00.000Z'), dropped: undefined };
    await store.conversations.signal('dl-4', payload);
    expect(heard.events).toStrictEqual([
      { kind: 'signal', conversationId: 'dl-4', payload: { type: 'typing', at: '2025-03-01T08:00:00.000Z' } },
    ]);
  });

  it('names the conversation when a stored activity is not JSON', async () => {
    store = openSqliteStore({ dataDir: tempDir() });
    await store.conversations.create({ conversationId: 'dl-5', userId: 'u', createdAt: '2025-03-01T08:00:00.000Z' });
    await store.conversations.append('dl-5', 'fine');
    store['db'].prepare("update conversation_activities set activity = '{oops' where conversation_id = 'dl-5'").run();
    await expect(store.conversations.read('dl-5', 0)).rejects.toThrow(
      'ConversationLog.read: stored activity 1 of conversation dl-5 is not valid JSON',
    );
  });

  it('drops its listeners when it closes', async () => {
    store = openSqliteStore({ dataDir: tempDir() });
    store.conversations.subscribe(() => undefined);
    expect(store.conversations['events'].listenerCount('conversation-event')).toBe(1);
    await store.close();
    expect(store.conversations['events'].listenerCount('conversation-event')).toBe(0);
  });

  it('closes once and then refuses work', async () => {
    store = openSqliteStore({ dataDir: tempDir() });
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.ping()).rejects.toThrow();
  });

  it('checkpoints the WAL in a worker thread, not in the committing call', async () => {
    const dataDir = tempDir();
    store = openSqliteStore({ dataDir });
    const db = store['db']; // private: the setting is per connection
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const big = 'x'.repeat(8000);
    for (let i = 0; i < 200; i += 1) await store.documents.write([{ key: `k${i % 20}`, value: { big, i } }]);
    const deadline = Date.now() + 10_000;
    while ((store.checkpointedFrames ?? 0) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.checkpointedFrames).toBeGreaterThan(0);
    await store.close();
    // The last connection to close folded the WAL into the file: the data is all there.
    store = openSqliteStore({ dataDir, checkpoints: 'inline' });
    expect((await store.documents.read(['k19'])).get('k19')?.value).toEqual({ big, i: 199 });
  });

  it('checkpoints in the committing call when told to', async () => {
    store = openSqliteStore({ dataDir: tempDir(), checkpoints: 'inline' });
    expect(store['db'].pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(store.checkpointedFrames).toBeUndefined();
  });

  it('switches automatic checkpoints back on when the checkpoint worker dies', async () => {
    const errors: Error[] = [];
    store = openSqliteStore({ dataDir: tempDir(), onError: (error) => errors.push(error) });
    const checkpointer = store['checkpointer'];
    expect(checkpointer?.active).toBe(true);
    await checkpointer?.['worker'].terminate();
    const deadline = Date.now() + 5000;
    while (checkpointer?.active && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(checkpointer?.active).toBe(false);
    expect(store['db'].pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(errors.map((error) => error.message)).toEqual([
      'SqliteCheckpointer: the checkpoint worker failed; checkpointing on the main connection again',
    ]);
  });

  it('commits complaints with synchronous = FULL and returns to NORMAL', async () => {
    store = openSqliteStore({ dataDir: tempDir() });
    const db = store['db']; // private: the setting is per connection
    const seen: number[] = [];
    // Record the sync level at the moment the complaint row is written (a private statement).
    const insert = (store.complaints as unknown as { insert: { run: (...args: unknown[]) => unknown } }).insert;
    const original = insert.run.bind(insert);
    insert.run = (...args: unknown[]) => {
      seen.push(Number(db.pragma('synchronous', { simple: true })));
      return original(...args);
    };
    await store.complaints.create(sample);
    expect(seen).toEqual([2]);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });
});
