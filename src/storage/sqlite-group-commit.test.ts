import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteGroupCommit } from './sqlite-group-commit';

describe('SqliteGroupCommit', () => {
  let dir: string;
  let db: Database.Database;
  /** A second connection: it sees only what was committed. */
  let reader: Database.Database;
  let group: SqliteGroupCommit;
  let insert: (name: string) => void;
  const committed = (): string[] => reader.prepare('select name from items order by rowid').pluck().all() as string[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-group-'));
    db = new Database(path.join(dir, 'test.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.exec(`create table parents (id text primary key);
             create table items (name text not null unique,
               parent text references parents (id) deferrable initially deferred)`);
    reader = new Database(path.join(dir, 'test.db'));
    group = new SqliteGroupCommit(db);
    const statement = db.prepare('insert into items (name) values (?)');
    // A transaction function, as the stores use: inside the group it runs as a savepoint.
    insert = db.transaction((name: string) => {
      statement.run(name);
    });
  });

  afterEach(() => {
    group.commit();
    reader.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes of one pass of the event loop together, and resolves each only after the commit', async () => {
    const order: string[] = [];
    const writes = ['a', 'b', 'c'].map((name) =>
      group.write(() => insert(name), () => order.push(`published ${name}: ${committed().join('')}`)).then(() => order.push(`resolved ${name}`)),
    );

    expect(committed()).toEqual([]);
    await Promise.all(writes);
    expect(committed()).toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['published a: abc', 'published b: abc', 'published c: abc', 'resolved a', 'resolved b', 'resolved c']);
  });

  it('rolls back only the write that throws and rejects it at once; the others commit', async () => {
    const first = group.write(() => insert('a'));
    const duplicate = group.write(() => insert('a'));
    const third = group.write(() => insert('c'));

    // better-sqlite3's errors come from outside the test's realm: matched by their code.
    await expect(duplicate).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(committed()).toEqual([]);
    await Promise.all([first, third]);
    expect(committed()).toEqual(['a', 'c']);
  });

  it('rejects every write of a group whose commit fails, and stores none of them', async () => {
    const good = group.write(() => insert('a'));
    // A deferred foreign key is checked at COMMIT, which then fails.
    const orphan = group.write(() => db.prepare("insert into items (name, parent) values ('b', 'missing')").run());
    const published = jest.fn();
    const third = group.write(() => insert('c'), published);

    await expect(good).rejects.toThrow(/commit failed/);
    await expect(orphan).rejects.toThrow(/commit failed/);
    await expect(third).rejects.toThrow(/commit failed/);
    expect(published).not.toHaveBeenCalled();
    expect(committed()).toEqual([]);
    expect(db.inTransaction).toBe(false);

    await group.write(() => insert('d'));
    expect(committed()).toEqual(['d']);
  });

  it('commits at once when asked, so that a write of its own can follow outside the group', async () => {
    const pending = group.write(() => insert('a'));
    group.commit();

    expect(committed()).toEqual(['a']);
    expect(db.inTransaction).toBe(false);
    await pending;
  });

  it('reports a callback that throws after the commit, and still resolves every write', async () => {
    const onError = jest.fn();
    const reporting = new SqliteGroupCommit(db, onError);
    const writes = [
      reporting.write(
        () => insert('a'),
        () => {
          throw new Error('listener failed');
        },
      ),
      reporting.write(() => insert('b')),
    ];

    await Promise.all(writes);
    expect(committed()).toEqual(['a', 'b']);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringMatching(/after the commit threw/) }));
  });
});
