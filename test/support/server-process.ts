import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { findProjectRoot } from '../../src/util/project-root';

const root = findProjectRoot();
const entry = path.join(root, 'dist', 'src', 'main.js');

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A Hearline server running as a separate process, exactly as `npm start` runs it. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGKILL: no shutdown hooks, no flushing; what is on disk is what survives. */
  kill9: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Starts `node dist/src/main.js` with the given environment and waits for /healthz. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  if (!fs.existsSync(entry)) throw new Error(`startServer: ${entry} is missing; run "npm run build" (npm test does)`);
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`startServer: exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`startServer: no /healthz within 20 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return { url, child, output: () => output, kill9: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

const replySchema = z.object({ type: z.literal('message'), text: z.string(), choices: z.array(z.string()) });
const startSchema = z.object({ conversationId: z.string(), userId: z.string(), token: z.string(), replies: z.array(replySchema) });
const messageSchema = z.object({ replies: z.array(replySchema) });

/** A conversation over the JSON chat channel, as a script or an integration would hold one. */
export interface ChatSession {
  conversationId: string;
  token: string;
  greeting: string[];
}

export async function startChat(url: string, body: Record<string, unknown> = {}): Promise<ChatSession> {
  const res = await fetch(`${url}/api/chat/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`startChat: ${res.status} ${await res.text()}`);
  const parsed = startSchema.parse(await res.json());
  return { conversationId: parsed.conversationId, token: parsed.token, greeting: parsed.replies.map((reply) => reply.text) };
}

/** Sends one message and returns the texts of the bot's replies. */
export async function say(url: string, session: ChatSession, text: string): Promise<string[]> {
  const res = await fetch(`${url}/api/chat/conversations/${session.conversationId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ text }),
  });
  if (res.status !== 200) throw new Error(`say: ${res.status} ${await res.text()}`);
  return messageSchema.parse(await res.json()).replies.map((reply) => reply.text);
}
