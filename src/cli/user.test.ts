import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { UserStore } from '../auth/user-store';
import { loadConfig } from '../config';
import { openSqliteStore } from '../storage/sqlite-store';
import { systemClock } from '../util/clock';
import type { CliIo } from './cli-io';
import { runUserCommand } from './user';

describe('hearline user', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-cli-user-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** Runs the command with `stdin` piped in (not a terminal); returns exit code and output. */
  async function run(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const io: CliIo = {
      stdin: Readable.from([Buffer.from(stdin)]),
      stdout,
      stderr,
      open: async () => ({ config: loadConfig({ DATA_DIR: dataDir }), store: openSqliteStore({ dataDir }) }),
    };
    const code = await runUserCommand(args, io);
    return { code, out, err };
  }

  async function verify(name: string, password: string) {
    const store = openSqliteStore({ dataDir });
    try {
      return await new UserStore({ documents: store.documents, clock: systemClock }).verify(name, password);
    } finally {
      await store.close();
    }
  }

  it('adds a user with the password from stdin, and lists it', async () => {
    expect(await run(['add', '--name', 'Edith', '--role', 'editor'], 'a long password\n')).toMatchObject({ code: 0, out: 'added edith (editor)\n' });
    await expect(verify('edith', 'a long password')).resolves.toMatchObject({ role: 'editor' });
    const list = await run(['list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^edith\teditor\t\d{4}-/);
  });

  it('refuses usage errors with exit code 2 and says why', async () => {
    expect(await run(['add', '--role', 'editor'], 'a long password\n')).toMatchObject({ code: 2, err: expect.stringContaining('--name is required') });
    expect(await run(['add', '--name', 'edith'], 'a long password\n')).toMatchObject({ code: 2, err: expect.stringContaining('--role is required') });
    expect(await run(['add', '--name', 'edith', '--role', 'boss'], 'a long password\n')).toMatchObject({ code: 2, err: expect.stringContaining('--role must be one of admin, editor, agent') });
    expect(await run(['add', '--name', 'edith', '--role', 'editor'], 'short\n')).toMatchObject({ code: 2, err: expect.stringContaining('at least 10 characters') });
    expect(await run(['add', '--name', 'edith', '--role', 'editor'], '')).toMatchObject({ code: 2, err: expect.stringContaining('no password on stdin') });
    expect(await run(['add', '--name', 'edith', '--role', 'editor', '--colour', 'red'], 'a long password\n')).toMatchObject({ code: 2 });
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown action') });
    expect(await run([])).toMatchObject({ code: 2 });
    expect((await run(['list'])).out).toContain('no users yet');
  });

  it('refuses a second user of the same name with exit code 1', async () => {
    await run(['add', '--name', 'edith', '--role', 'editor'], 'a long password\n');
    expect(await run(['add', '--name', 'EDITH', '--role', 'admin'], 'another password\n')).toMatchObject({ code: 1, err: expect.stringContaining('already exists') });
    await expect(verify('edith', 'a long password')).resolves.toMatchObject({ role: 'editor' });
  });

  it('changes a password and removes users', async () => {
    await run(['add', '--name', 'edith', '--role', 'editor'], 'a long password\n');
    expect(await run(['passwd', '--name', 'edith'], 'a newer long password\r\n')).toMatchObject({ code: 0 });
    await expect(verify('edith', 'a long password')).resolves.toBeUndefined();
    await expect(verify('edith', 'a newer long password')).resolves.toBeDefined();
    expect(await run(['passwd', '--name', 'nobody'], 'a newer long password\n')).toMatchObject({ code: 1, err: expect.stringContaining('no user named nobody') });

    expect(await run(['remove', '--name', 'edith'])).toMatchObject({ code: 0, out: 'removed edith\n' });
    expect(await run(['remove', '--name', 'edith'])).toMatchObject({ code: 1 });
    await expect(verify('edith', 'a newer long password')).resolves.toBeUndefined();
  });
});
