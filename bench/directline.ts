/**
 * Direct Line throughput over real sockets: N conversations at once, each started with
 * POST /v3/directline/conversations, following its streamUrl WebSocket and sending M messages
 * one after another. A turn's latency runs from just before its POST to the arrival on the
 * socket of the first bot message whose replyToId is the id the POST returned.
 *
 * The same load runs against Hearline's dialogs and against a minimal echo bot on the same
 * stack (the floor), on each store. Every server is a child process (bench/directline-server.ts)
 * so that this load generator does not share its event loop.
 *
 * Run: npm run bench:directline [-- --conversations 200 --messages 30 --stores sqlite,redis]
 * The servers run with the per-conversation message limit lifted (see below).
 * Options: --pace-ms 111 (minimum gap between one conversation's POSTs) or --rate 300 (offer
 * 300 turns/s in total instead of a closed loop),
 * --warmup 200 (unmeasured conversations first, each running the script once: V8 needs a few
 * thousand turns before the hot paths are optimised; with 20 the first seconds of the measured
 * phase ran 10x slower, see docs/performance.md), --cpu-prof DIR (profile each server's measured
 * phase), --reply-timeout-ms 10000, --deadline-s 300 (per measured phase), --redis URL (local only).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createClient } from 'redis';
import WebSocket from 'ws';
import { z } from 'zod';
import type { ParentMessage, ServerMessage } from './directline-server';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '200' },
    messages: { type: 'string', default: '30' },
    stores: { type: 'string', default: 'sqlite,redis' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    'pace-ms': { type: 'string', default: '0' },
    rate: { type: 'string' },
    warmup: { type: 'string', default: '200' },
    'reply-timeout-ms': { type: 'string', default: '10000' },
    'deadline-s': { type: 'string', default: '300' },
    'cpu-prof': { type: 'string' },
  },
});
const options = z
  .object({
    conversations: z.coerce.number().int().min(1).max(2000),
    messages: z.coerce.number().int().min(1).max(1000),
    stores: z.string().transform((list) => list.split(',').map((store) => z.enum(['sqlite', 'redis']).parse(store.trim()))),
    redis: z.string().regex(/^redis:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/\d+)?$/, 'the benchmark only talks to a local Redis'),
    paceMs: z.coerce.number().int().min(0).max(60_000),
    rate: z.coerce.number().positive().max(100_000).optional(),
    warmup: z.coerce.number().int().min(0).max(2000),
    replyTimeoutMs: z.coerce.number().int().min(100).max(60_000),
    deadlineS: z.coerce.number().int().min(1).max(3600),
    cpuProf: z.string().min(1).optional(),
  })
  .parse({
    ...args,
    paceMs: args['pace-ms'],
    replyTimeoutMs: args['reply-timeout-ms'],
    deadlineS: args['deadline-s'],
    cpuProf: args['cpu-prof'],
  });

/**
 * Minimum gap between one conversation's POSTs. `--rate R` offers R turns/s in total, spread
 * evenly over the conversations (a gap of N/R s each, overriding `--pace-ms`); otherwise
 * `--pace-ms`, 0 = back to back.
 */
const paceMs = options.rate === undefined ? options.paceMs : (options.conversations * 1000) / options.rate;

/** A realistic loop: a complaint intake to its confirmation, then cancel, repeated. */
const SCRIPT = ['我要投诉', '耳机用了一周左耳就没声音了', '没有', '维修', '13812345678', '取消'];
const SECRET = 'bench-directline-secret-0123456789abcdef';
const HOST = '127.0.0.1';

// ---- the server child ------------------------------------------------------------------------

type Stats = Extract<ServerMessage, { type: 'stats' }>;

/** A Hearline (or echo) server in a child process, reached over IPC. */
class ServerChild {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(label: string, echo: boolean, env: Record<string, string>): Promise<ServerChild> {
    const child = fork(path.join(__dirname, 'directline-server.js'), echo ? ['--echo'] : [], {
      env: { NODE_ENV: 'production', LOG_LEVEL: 'silent', PORT: '0', HOST, DIRECTLINE_SECRET: SECRET, ...env },
      execArgv: [], // not the parent's flags: a profiled or inspected load generator must not profile the server
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await withTimeout<number>(30_000, `${label}: server did not start`, (resolve, reject) => {
      child.on('message', (message: ServerMessage) => {
        if (message.type === 'listening') resolve(message.port);
      });
      child.once('exit', (code) => reject(new Error(`${label}: server exited with ${code} before listening`)));
    });
    return new ServerChild(child, port);
  }

  /** CPU time and event-loop delay since the previous call. */
  stats(): Promise<Stats> {
    return withTimeout<Stats>(10_000, 'server did not report stats', (resolve) => {
      const onMessage = (message: ServerMessage) => {
        if (message.type !== 'stats') return;
        this.child.off('message', onMessage);
        resolve(message);
      };
      this.child.on('message', onMessage);
      const request: ParentMessage = { type: 'stats' };
      this.child.send(request);
    });
  }

  /** Starts the server's CPU profiler (the measured phase only: no start-up, no warm-up). */
  startProfile(): void {
    const message: ParentMessage = { type: 'profile-start' };
    this.child.send(message);
  }

  /** Stops the profiler and waits until the server has written `file`. */
  stopProfile(file: string): Promise<boolean> {
    return withTimeout<boolean>(30_000, 'server did not write its profile', (resolve) => {
      const onMessage = (message: ServerMessage) => {
        if (message.type !== 'profiled') return;
        this.child.off('message', onMessage);
        resolve(message.ok);
      };
      this.child.on('message', onMessage);
      const request: ParentMessage = { type: 'profile-stop', file };
      this.child.send(request);
    });
  }

  /** Asks the server to close (so a CPU profile gets written); kills it if it does not exit in time. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const request: ParentMessage = { type: 'stop' };
    this.child.send(request);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---- the client ------------------------------------------------------------------------------

/**
 * Keep-alive connections, as a browser holds them. Idle ones are dropped after 4 s, before the
 * server's 5-second keep-alive timeout closes them under a request.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: 4_000 });

/** Requests sent again because a kept-alive connection was closed by the server as we reused it. */
let staleSocketRetries = 0;

/** One JSON POST to the server under test, bounded by a timeout. */
async function postJson(port: number, urlPath: string, bearer: string, body: unknown): Promise<{ status: number; body: unknown }> {
  try {
    return await postJsonOnce(port, urlPath, bearer, body);
  } catch (error) {
    // The one case Node's documentation says to retry: the server never saw the request.
    if (!(error instanceof StaleSocketError)) throw error;
    staleSocketRetries += 1;
    return postJsonOnce(port, urlPath, bearer, body);
  }
}

class StaleSocketError extends Error {}

function postJsonOnce(port: number, urlPath: string, bearer: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: HOST,
        port,
        path: urlPath,
        method: 'POST',
        agent,
        signal: AbortSignal.timeout(options.replyTimeoutMs),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${bearer}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON: keep the text for the error report.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      reject(req.reusedSocket && error.code === 'ECONNRESET' ? new StaleSocketError('kept-alive connection closed by the server', { cause: error }) : error);
    });
    req.end(payload);
  });
}

const startedSchema = z.object({ conversationId: z.string(), token: z.string(), streamUrl: z.string().startsWith(`ws://${HOST}:`) });
const postedSchema = z.object({ id: z.string() });
const frameSchema = z.object({
  activities: z.array(z.object({ type: z.string(), replyToId: z.string().optional(), from: z.object({ role: z.string().optional() }).optional() })),
});

/** Why a turn did not count. */
type Failure = `http-${number}` | 'post-failed' | 'bad-response' | 'reply-timeout' | 'socket-closed';

/** One Direct Line conversation driven by the benchmark. */
class BenchConversation {
  /** When the first bot message answering each activity id arrived, in performance.now() ms. */
  private readonly replies = new Map<string, number>();
  private waiting: { id: string; resolve: (at: number | undefined) => void } | undefined;
  private closed = false;
  private lastPostAt = -Infinity;

  private constructor(
    private readonly port: number,
    private readonly conversationId: string,
    private readonly token: string,
    private readonly socket: WebSocket,
  ) {
    socket.on('message', (data: WebSocket.RawData) => this.onFrame(data));
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.resolve(undefined);
    });
  }

  static async open(port: number, userId: string): Promise<BenchConversation> {
    const started = await postJson(port, '/v3/directline/conversations', SECRET, { user: { id: userId }, locale: 'zh-CN' });
    if (started.status !== 201) throw new Error(`start: HTTP ${started.status} ${JSON.stringify(started.body)}`);
    const info = startedSchema.parse(started.body);
    const socket = new WebSocket(info.streamUrl, { perMessageDeflate: false });
    const conversation = new BenchConversation(port, info.conversationId, info.token, socket);
    await withTimeout<void>(10_000, 'stream socket did not open', (resolve, reject) => {
      socket.once('open', () => resolve(undefined));
      socket.once('error', reject);
    });
    return conversation;
  }

  /** One turn: POST the message, wait for the bot's answer on the socket. Returns ms or why not. */
  async turn(text: string): Promise<number | Failure> {
    if (this.closed) return 'socket-closed';
    const wait = this.lastPostAt + paceMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const before = performance.now();
    this.lastPostAt = before;
    let posted;
    try {
      posted = await postJson(this.port, `/v3/directline/conversations/${this.conversationId}/activities`, this.token, { type: 'message', text, from: { id: 'u' }, locale: 'zh-CN' });
    } catch {
      return 'post-failed';
    }
    if (posted.status !== 200) return `http-${posted.status}`;
    const reply = postedSchema.safeParse(posted.body);
    if (!reply.success) return 'bad-response';
    const { id } = reply.data;
    // The bot answers before the POST returns, so the reply is usually here already.
    const arrived = this.replies.get(id) ?? (await this.replyTo(id));
    if (arrived === undefined) return this.closed ? 'socket-closed' : 'reply-timeout';
    return arrived - before;
  }

  close(): void {
    this.socket.terminate();
  }

  private replyTo(id: string): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), options.replyTimeoutMs);
      const finish = (at: number | undefined) => {
        clearTimeout(timer);
        this.waiting = undefined;
        resolve(at);
      };
      this.waiting = { id, resolve: finish };
    });
  }

  private onFrame(data: WebSocket.RawData): void {
    const at = performance.now();
    const text = data.toString();
    if (text === '') return; // keep-alive
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return; // not a frame this benchmark understands; a missing reply shows up as a timeout
    }
    const frame = frameSchema.safeParse(json);
    if (!frame.success) return;
    for (const activity of frame.data.activities) {
      if (activity.type !== 'message' || activity.from?.role !== 'bot' || !activity.replyToId) continue;
      if (this.replies.has(activity.replyToId)) continue;
      this.replies.set(activity.replyToId, at);
      if (this.waiting?.id === activity.replyToId) this.waiting.resolve(at);
    }
  }
}

// ---- one measured run ------------------------------------------------------------------------

interface Row {
  bot: 'hearline' | 'echo';
  store: 'sqlite' | 'redis';
  turns: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  failures: Map<string, number>;
  serverCpuPercent: number;
  clientCpuPercent: number;
  loopDelayP99: number;
  loopDelayMax: number;
  /** The load generator's own event-loop delay: its stalls count in every latency it measures. */
  clientLoopDelayP99: number;
  clientLoopDelayMax: number;
  /** The machine's 1-minute load average as the measured phase began (other work on the cores). */
  loadAverage: number;
  /** p99 latency of each WINDOW_S-second window of the measured phase, in order. */
  windows: number[];
}

/** Width of the windows of the latency-over-time table. */
const WINDOW_S = 2;

/** The p99 latency of each WINDOW_S-second window (by reply arrival), in order. */
function windowP99s(timeline: Array<[number, number]>): number[] {
  const windows: number[][] = [];
  for (const [at, latency] of timeline) (windows[Math.floor(at / (WINDOW_S * 1000))] ??= []).push(latency);
  return windows.filter((window) => window.length > 0).map((window) => percentile(window.sort((a, b) => a - b), 99));
}

/** Opens `count` conversations at once and runs `messages` turns in each; returns latencies and failures. */
async function drive(port: number, count: number, messages: number, tag: string, deadline: { passed: boolean }) {
  const opened = await Promise.all(Array.from({ length: count }, (_, c) => BenchConversation.open(port, `${tag}${c}`)));
  return {
    opened,
    run: async () => {
      const latencies: number[] = [];
      /** [ms since the phase started when the reply arrived, latency ms], for the windows table. */
      const timeline: Array<[number, number]> = [];
      const failures = new Map<string, number>();
      const started = performance.now();
      await Promise.all(
        opened.map(async (conversation, index) => {
          // Paced conversations start spread over one gap, so the offered load is smooth, not bursts of N.
          if (paceMs > 0) await new Promise((resolve) => setTimeout(resolve, (index / opened.length) * paceMs));
          for (let m = 0; m < messages && !deadline.passed; m += 1) {
            const result = await conversation.turn(SCRIPT[m % SCRIPT.length] ?? '');
            if (typeof result === 'number') {
              latencies.push(result);
              timeline.push([performance.now() - started, result]);
            } else failures.set(result, (failures.get(result) ?? 0) + 1);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      for (const conversation of opened) conversation.close();
      return { latencies, timeline, failures, seconds };
    },
  };
}

async function measure(bot: Row['bot'], store: Row['store'], env: Record<string, string>): Promise<Row> {
  const label = `${bot}-${store}`;
  const server = await ServerChild.start(label, bot === 'echo', env);
  try {
    const deadline = { passed: false };
    if (options.warmup > 0) {
      // Warm-up: JIT, prepared statements and connection pools, not measured.
      const warm = await drive(server.port, Math.min(options.warmup, options.conversations), SCRIPT.length, 'warm', deadline);
      await warm.run();
    }
    const load = await drive(server.port, options.conversations, options.messages, 'bench', deadline);
    await server.stats(); // resets the server's counters: what follows is the measured phase only
    if (options.cpuProf) server.startProfile();
    const loadAverage = os.loadavg()[0] ?? 0;
    const clientCpuBefore = process.cpuUsage();
    const clientLoop = monitorEventLoopDelay({ resolution: 10 });
    clientLoop.enable();
    const timer = setTimeout(() => (deadline.passed = true), options.deadlineS * 1000);
    const { latencies, timeline, failures, seconds } = await load.run();
    clearTimeout(timer);
    const clientCpu = process.cpuUsage(clientCpuBefore);
    clientLoop.disable();
    const serverStats = await server.stats();
    if (options.cpuProf) {
      fs.mkdirSync(options.cpuProf, { recursive: true });
      const file = path.resolve(options.cpuProf, `${label}.cpuprofile`);
      if (await server.stopProfile(file)) process.stderr.write(`profile: ${file}\n`);
    }
    latencies.sort((a, b) => a - b);
    const errors = [...failures.values()].reduce((sum, n) => sum + n, 0);
    if (deadline.passed) failures.set('deadline-passed', 1);
    return {
      bot,
      store,
      turns: latencies.length,
      perSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      errors,
      failures,
      serverCpuPercent: ((serverStats.cpuUserMs + serverStats.cpuSystemMs) / (seconds * 1000)) * 100,
      clientCpuPercent: ((clientCpu.user + clientCpu.system) / 1000 / (seconds * 1000)) * 100,
      loopDelayP99: serverStats.loopDelayP99Ms,
      loopDelayMax: serverStats.loopDelayMaxMs,
      clientLoopDelayP99: clientLoop.percentile(99) / 1e6,
      clientLoopDelayMax: clientLoop.max / 1e6,
      loadAverage,
      windows: windowP99s(timeline),
    };
  } finally {
    await server.stop();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Resolves or rejects through the callbacks, or rejects with `message` after `ms`. */
function withTimeout<T>(ms: number, message: string, body: (resolve: (value: T) => void, reject: (error: unknown) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
    body(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const client = createClient({ url: options.redis, socket: { connectTimeout: 5_000, reconnectStrategy: false } });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length > 0) await client.del(keys);
  } finally {
    await client.quit();
  }
}

// ---- main ------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const store of options.stores) {
    for (const bot of ['hearline', 'echo'] as const) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-dlbench-'));
      const prefix = `hl-dlbench-${process.pid}-${bot}:`;
      // The per-conversation limit (10 messages a second by default) would cap 200 conversations
      // at 2,000 turns/s and answer the echo bot's faster loop with 429s: both servers measure
      // the stack, not the limiter.
      const unlimited = { DIRECTLINE_MESSAGES_PER_SECOND: '100000' };
      const env: Record<string, string> =
        store === 'redis'
          ? { ...unlimited, DATA_DIR: dataDir, REDIS_URL: options.redis, REDIS_KEY_PREFIX: prefix }
          : { ...unlimited, DATA_DIR: dataDir };
      try {
        process.stderr.write(`running ${bot} on ${store} ...\n`);
        rows.push(await measure(bot, store, env));
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
        if (store === 'redis') await deleteRedisKeys(prefix);
      }
    }
  }
  agent.destroy();
  report(rows);
}

function report(rows: Row[]): void {
  const cpus = os.cpus();
  console.log(
    `\nDirect Line over WebSockets: ${options.conversations} conversations x ${options.messages} messages, ` +
      `${paceMs > 0 ? `paced: >= ${paceMs.toFixed(0)} ms between a conversation's POSTs (offered ${((options.conversations * 1000) / paceMs).toFixed(0)} turns/s)` : 'closed loop, no pacing'}, warm-up ${options.warmup} conversations; node ${process.version}, ` +
      `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}\n`,
  );
  console.log('| bot      | store  | conversations | turns | turns/s | p50 ms | p99 ms | errors |');
  console.log('|----------|--------|--------------:|------:|--------:|-------:|-------:|-------:|');
  for (const row of rows) {
    console.log(
      `| ${row.bot.padEnd(8)} | ${row.store.padEnd(6)} | ${String(options.conversations).padStart(13)} | ${String(row.turns).padStart(5)} | ` +
        `${row.perSecond.toFixed(0).padStart(7)} | ${row.p50.toFixed(1).padStart(6)} | ${row.p99.toFixed(1).padStart(6)} | ${String(row.errors).padStart(6)} |`,
    );
  }
  if (staleSocketRetries > 0) console.log(`\n${staleSocketRetries} POSTs were sent again on a new connection: the server closed a kept-alive one as it was reused.`);
  if (paceMs > 0) console.log('\nPaced: both bots were offered the same load, so the ratio below only shows whether one fell behind.');
  console.log('\n| store  | hearline/echo turns/s |');
  console.log('|--------|----------------------:|');
  for (const store of options.stores) {
    const bot = rows.find((row) => row.store === store && row.bot === 'hearline');
    const echo = rows.find((row) => row.store === store && row.bot === 'echo');
    if (bot && echo && echo.perSecond > 0) console.log(`| ${store.padEnd(6)} | ${(bot.perSecond / echo.perSecond).toFixed(2).padStart(21)} |`);
  }
  console.log(`\nLatency over time: p99 of each ${WINDOW_S}-second window of the measured phase (one slow moment shows as one bad window).\n`);
  console.log('| bot      | store  | windows | median window p99 ms | worst window p99 ms | worst window starts at s |');
  console.log('|----------|--------|--------:|---------------------:|--------------------:|-------------------------:|');
  for (const row of rows) {
    const sorted = [...row.windows].sort((a, b) => a - b);
    const worst = sorted[sorted.length - 1] ?? 0;
    console.log(
      `| ${row.bot.padEnd(8)} | ${row.store.padEnd(6)} | ${String(row.windows.length).padStart(7)} | ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(1).padStart(20)} | ` +
        `${worst.toFixed(1).padStart(19)} | ${String(row.windows.indexOf(worst) * WINDOW_S).padStart(24)} |`,
    );
  }
  console.log('\n| bot      | store  | server CPU % | client CPU % | server loop delay p99 / max ms | client loop delay p99 / max ms | load avg | failures |');
  console.log('|----------|--------|-------------:|-------------:|-------------------------------:|-------------------------------:|---------:|----------|');
  for (const row of rows) {
    const failures = [...row.failures].map(([kind, n]) => `${kind}: ${n}`).join(', ') || '-';
    console.log(
      `| ${row.bot.padEnd(8)} | ${row.store.padEnd(6)} | ${row.serverCpuPercent.toFixed(0).padStart(12)} | ${row.clientCpuPercent.toFixed(0).padStart(12)} | ` +
        `${`${row.loopDelayP99.toFixed(1)} / ${row.loopDelayMax.toFixed(1)}`.padStart(30)} | ` +
        `${`${row.clientLoopDelayP99.toFixed(1)} / ${row.clientLoopDelayMax.toFixed(1)}`.padStart(30)} | ${row.loadAverage.toFixed(2).padStart(8)} | ${failures} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
