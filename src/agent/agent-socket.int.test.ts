import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { WebSocket } from 'ws';
import { startInProcess, type InProcessServer } from '../../test/support/in-process-server';
import { signIn as signInAt, staffHeaders, type StaffSession } from '../../test/support/staff-session';

/**
 * An agent's console sockets and their presence at the desk, against whole Hearlines: closing the
 * last console tab takes the agent offline at once (not after the 90-second presence timeout),
 * while another tab, on this instance or on another one sharing Redis, keeps them online.
 */
const PASSWORD = 'agent password 12';
const REDIS_URL = 'redis://127.0.0.1:6379';

type Signed = StaffSession;

const signIn = (server: InProcessServer, name: string) => signInAt(server.base, name, PASSWORD);

async function agentApi(server: InProcessServer, who: Signed, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const res = await fetch(`${server.base}/agent/api${path}`, {
    method,
    headers: { ...staffHeaders(who), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: res.status === 204 ? {} : ((await res.json()) as Record<string, any>) };
}

/** A console tab's live socket, open once the hub greets it. */
async function openConsole(server: InProcessServer, who: Signed): Promise<WebSocket> {
  return (await openNamedConsole(server, who)).ws;
}

/** The same, with the id the hello gives the socket (the page's heartbeats name it). */
async function openNamedConsole(server: InProcessServer, who: Signed): Promise<{ ws: WebSocket; id: string }> {
  const ws = new WebSocket(`${server.base.replace('http', 'ws')}/agent/ws`, { headers: { origin: server.base, cookie: who.cookie } });
  const id = await new Promise<string>((resolve, reject) => {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; console?: string };
      if (message.type === 'hello') resolve(message.console ?? '');
    });
    ws.on('error', reject);
  });
  return { ws, id };
}

async function closeConsole(ws: WebSocket): Promise<void> {
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.close(1001, 'tab closed');
  await closed;
}

/** Waits for something that happens right after a socket event, on a server (well under a second). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within 5 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const onlineNames = async (server: InProcessServer) => (await server.app.handoffDesk.onlineAgents()).map((agent) => agent.name);

describe('agent console sockets and presence', () => {
  const sockets: WebSocket[] = [];

  afterAll(() => {
    for (const socket of sockets) socket.terminate();
  });

  describe('on one instance', () => {
    let server: InProcessServer;
    let arthur: Signed;

    beforeAll(async () => {
      server = await startInProcess();
      await server.app.auth.users.add({ name: 'arthur', role: 'agent', password: PASSWORD });
      arthur = await signIn(server, 'arthur');
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('keeps an agent online while another tab is open, and takes them offline as soon as the last one closes', async () => {
      expect((await agentApi(server, arthur, 'POST', '/presence', { locales: ['zh-CN'], skills: ['general'] })).status).toBe(200);
      const first = await openConsole(server, arthur);
      const second = await openConsole(server, arthur);
      sockets.push(first, second);
      await eventually(async () => (await server.app.handoffDesk.consolesOpen('arthur')) === 2, 'both tabs counted');

      await closeConsole(first);
      await eventually(async () => (await server.app.handoffDesk.consolesOpen('arthur')) === 1, 'the first tab uncounted');
      expect(await onlineNames(server)).toEqual(['arthur']);
      expect((await agentApi(server, arthur, 'GET', '/overview')).json.online).toBe(true);

      await closeConsole(second);
      await eventually(async () => (await onlineNames(server)).length === 0, 'arthur offline');
      expect((await agentApi(server, arthur, 'GET', '/overview')).json.online).toBe(false);

      // The page reconnects and says it is online again (as after a dropped connection).
      sockets.push(await openConsole(server, arthur));
      expect((await agentApi(server, arthur, 'POST', '/presence', { locales: ['zh-CN'], skills: ['general'] })).status).toBe(200);
      expect(await onlineNames(server)).toEqual(['arthur']);
    });

    it('does not let a heartbeat still in flight when the last tab closed bring the agent back online', async () => {
      // Cleo, so that arthur's tab still open from the test above does not count.
      await server.app.auth.users.add({ name: 'cleo', role: 'agent', password: PASSWORD });
      const cleo = await signIn(server, 'cleo');
      const { ws, id } = await openNamedConsole(server, cleo);
      sockets.push(ws);
      expect(id).toMatch(/^[\w-]{16}$/);
      const profile = { locales: ['zh-CN'], skills: ['general'] };
      expect((await agentApi(server, cleo, 'POST', '/presence', { ...profile, console: id })).status).toBe(200);
      expect(await onlineNames(server)).toContain('cleo');

      await closeConsole(ws);
      await eventually(async () => !(await onlineNames(server)).includes('cleo'), 'cleo offline');
      const late = await agentApi(server, cleo, 'POST', '/presence', { ...profile, console: id });
      expect(late.status).toBe(409);
      expect(late.json.error).toMatchObject({ code: 'CONSOLE_CLOSED' });
      expect(await onlineNames(server)).not.toContain('cleo');
      expect((await agentApi(server, cleo, 'GET', '/overview')).json.online).toBe(false);

      const bad = await agentApi(server, cleo, 'POST', '/presence', { ...profile, console: 'not an id!' });
      expect(bad.status).toBe(400);
      expect(bad.json.error.fields).toHaveProperty('console');
    });
  });

  describe('on two instances sharing Redis', () => {
    const prefix = `hl-agent-sockets-${randomBytes(4).toString('hex')}:`;
    let a: InProcessServer;
    let b: InProcessServer;
    let aStopped = false;

    beforeAll(async () => {
      const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, DIRECTLINE_SECRET: 'agent-sockets-directline-secret-0123456789' };
      a = await startInProcess(env);
      b = await startInProcess(env);
      await a.app.auth.users.add({ name: 'arthur', role: 'agent', password: PASSWORD });
      await a.app.auth.users.add({ name: 'beth', role: 'agent', password: PASSWORD });
    });

    afterAll(async () => {
      if (!aStopped) await a?.stop();
      await b?.stop();
      const redis = createClient({ url: REDIS_URL });
      await redis.connect();
      for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length > 0) await redis.del(keys);
      await redis.quit();
    });

    it('keeps an agent online while their tab on the other instance is open, and takes them offline when it closes', async () => {
      const arthur = await signIn(a, 'arthur');
      expect((await agentApi(b, arthur, 'POST', '/presence', { locales: ['zh-CN', 'en-US'], skills: ['general'] })).status).toBe(200);
      const onA = await openConsole(a, arthur);
      const onB = await openConsole(b, arthur);
      sockets.push(onA, onB);
      await eventually(async () => (await b.app.handoffDesk.consolesOpen('arthur')) === 2, 'both tabs counted');

      await closeConsole(onA);
      await eventually(async () => (await b.app.handoffDesk.consolesOpen('arthur')) === 1, 'the tab on A uncounted');
      expect(await onlineNames(a)).toEqual(['arthur']);
      expect(await onlineNames(b)).toEqual(['arthur']);

      await closeConsole(onB);
      await eventually(async () => (await onlineNames(a)).length === 0, 'arthur offline, as A sees it');
      expect((await a.app.handoffDesk.awayAgents(['arthur'])).has('arthur')).toBe(true);
    });

    it('does not take the agents of an instance that shuts down offline: their pages reconnect to another one', async () => {
      const beth = await signIn(a, 'beth');
      expect((await agentApi(a, beth, 'POST', '/presence', { locales: ['zh-CN'], skills: ['general'] })).status).toBe(200);
      sockets.push(await openConsole(a, beth));
      await eventually(async () => (await a.app.handoffDesk.consolesOpen('beth')) === 1, 'the tab counted');
      await a.stop();
      aStopped = true;
      expect(await b.app.handoffDesk.consolesOpen('beth')).toBe(0);
      expect(await onlineNames(b)).toContain('beth');
    });
  });
});
