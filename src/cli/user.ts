import { parseArgs } from 'node:util';
import { z } from 'zod';
import { passwordSchema, roleSchema, ROLES, userNameSchema } from '../auth/roles';
import { SessionStore } from '../auth/session-store';
import { UnknownUserError, UserExistsError, UserStore } from '../auth/user-store';
import { systemClock } from '../util/clock';
import { processIo, type CliIo } from './cli-io';

/** Usage of `hearline user`, also shown by `hearline help`. */
export const USER_USAGE = `  user      who may sign in to the editor (/editor) and the agent console
            user add --name N --role ${ROLES.join('|')}   the password is read from stdin,
                                      or asked for twice when stdin is a terminal
            user passwd --name N      set a new password (ends the user's sessions)
            user remove --name N      remove a user (ends their sessions)
            user list                 names and roles
`;

class UsageError extends Error {}

/** `hearline user <add|passwd|remove|list>`. Returns the exit code: 0 ok, 1 failed, 2 usage or bad input. */
export async function runUserCommand(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [action, ...rest] = args;
  const say = (text: string) => io.stderr.write(`hearline user: ${text}\n`);
  try {
    switch (action) {
      case 'add': {
        const { name, role } = options(rest, { role: true });
        const password = await readNewPassword(io);
        return await withUsers(io, async (users) => {
          const user = await users.add({ name, role: roleSchema.parse(role), password });
          io.stdout.write(`added ${user.name} (${user.role})\n`);
        });
      }
      case 'passwd': {
        const { name } = options(rest, { role: false });
        const password = await readNewPassword(io);
        return await withUsers(io, async (users, sessions) => {
          await users.setPassword(name, password);
          await sessions.destroyAllOf(name);
          io.stdout.write(`new password set for ${name}; their sessions have ended\n`);
        });
      }
      case 'remove': {
        const { name } = options(rest, { role: false });
        return await withUsers(io, async (users, sessions) => {
          if (!(await users.remove(name))) throw new UnknownUserError('remove', name);
          await sessions.destroyAllOf(name);
          io.stdout.write(`removed ${name}\n`);
        });
      }
      case 'list': {
        options(rest, { role: false, name: false });
        return await withUsers(io, async (users) => {
          const all = await users.list();
          if (all.length === 0) io.stdout.write('no users yet: add one with hearline user add --name N --role editor\n');
          for (const user of all) io.stdout.write(`${user.name}\t${user.role}\t${user.createdAt}\n`);
        });
      }
      default:
        throw new UsageError(action === undefined ? 'say what to do: add, passwd, remove or list' : `unknown action "${action}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      say(`${error.message}\n\nUsage:\n${USER_USAGE}`);
      return 2;
    }
    if (error instanceof z.ZodError) {
      say(error.issues.map((issue) => issue.message).join('; '));
      return 2;
    }
    if (error instanceof UserExistsError) {
      say(`a user named ${error.userName} already exists (use "hearline user passwd" to change the password)`);
      return 1;
    }
    if (error instanceof UnknownUserError) {
      say(`there is no user named ${error.userName}`);
      return 1;
    }
    throw error;
  }
}

/** --name (always) and --role (for add), checked; anything else is a usage error. */
function options(args: readonly string[], wanted: { role: boolean; name?: boolean }): { name: string; role: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: { name: { type: 'string' }, role: { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (wanted.name === false) {
    if (values.name !== undefined || values.role !== undefined) throw new UsageError('list takes no options');
    return { name: '', role: '' };
  }
  if (values.name === undefined) throw new UsageError('--name is required');
  if (wanted.role && values.role === undefined) throw new UsageError(`--role is required (${ROLES.join(', ')})`);
  if (!wanted.role && values.role !== undefined) throw new UsageError('--role only goes with add');
  const name = userNameSchema.safeParse(values.name);
  if (!name.success) throw new UsageError(`--name ${name.error.issues[0]?.message ?? 'is invalid'}`);
  if (wanted.role && !roleSchema.safeParse(values.role).success) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not "${values.role}"`);
  return { name: name.data, role: values.role ?? '' };
}

async function withUsers(io: CliIo, work: (users: UserStore, sessions: SessionStore) => Promise<void>): Promise<number> {
  const { config, store } = await io.open();
  try {
    const lifetime = { idleMs: config.sessions.idleMinutes * 60_000, maxMs: config.sessions.maxHours * 3_600_000 };
    await work(new UserStore({ documents: store.documents, clock: systemClock }), new SessionStore({ documents: store.documents, clock: systemClock, lifetime }));
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * The new password: the first line of stdin when it is not a terminal (scripts, `echo ... |`),
 * otherwise typed twice without echo. Checked before the store is opened.
 */
async function readNewPassword(io: CliIo): Promise<string> {
  let password: string;
  if (io.stdin.isTTY) {
    password = await readHidden(io, 'Password: ');
    const again = await readHidden(io, 'Password again: ');
    if (again !== password) throw new UsageError('the two passwords differ');
  } else {
    password = firstLine(await readAll(io.stdin));
    if (password.length === 0) throw new UsageError('no password on stdin (pipe it in, or run in a terminal to be asked)');
  }
  const valid = passwordSchema.safeParse(password);
  if (!valid.success) throw new UsageError(`the password ${valid.error.issues[0]?.message ?? 'is invalid'}`);
  return valid.data;
}

async function readAll(input: CliIo['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? '').replace(/^\uFEFF/, '');
}

/** Reads one line from a terminal in raw mode, echoing nothing; Ctrl-C cancels. */
function readHidden(io: CliIo, prompt: string): Promise<string> {
  const input = io.stdin;
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      io.stderr.write('\n');
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003' || char === '\u0004') {
          finish();
          reject(new UsageError('cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else value += char;
      }
    };
    input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
  });
}
