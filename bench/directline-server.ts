/**
 * The server half of the Direct Line benchmark (bench/directline.ts): one Hearline started from
 * the environment it is forked with, in its own process so that the load generator does not
 * share its event loop. `--echo` swaps the dialogs for a minimal echo bot (the floor).
 *
 * Talks to its parent over the IPC channel only:
 * - sends `{ type: 'listening', port }` once it serves;
 * - answers `{ type: 'stats' }` with its CPU time and event-loop delay since the last `stats`;
 * - on `{ type: 'profile-start' }` starts the V8 CPU profiler, on `{ type: 'profile-stop', file }`
 *   writes the profile (a .cpuprofile that Chrome DevTools opens) and answers `profiled`, so a
 *   profile covers the measured phase only, not start-up and warm-up;
 * - on `{ type: 'stop' }` (or when the parent goes away) closes the app and exits.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import type { BotGateway, MessageReply } from '../src/core/activity';
import { createLogger } from '../src/logging/logger';

/** Messages the parent sends. */
export type ParentMessage = { type: 'stats' } | { type: 'profile-start' } | { type: 'profile-stop'; file: string } | { type: 'stop' };

/** Messages this process sends to the parent. */
export type ServerMessage =
  | { type: 'listening'; port: number }
  | { type: 'stats'; cpuUserMs: number; cpuSystemMs: number; loopDelayP50Ms: number; loopDelayP99Ms: number; loopDelayMaxMs: number }
  | { type: 'profiled'; ok: boolean }
  | { type: 'stopped' };

/** The floor: same HTTP, Direct Line, log, store and sockets, but no dialogs and no turn state. */
const echoGateway: BotGateway = {
  process: async (activity, sink) => {
    const reply: MessageReply = { type: 'message', text: activity.text ?? '', speak: activity.text ?? '', choices: [], locale: 'en-US', expectsInput: false };
    await sink?.(reply);
    return [reply];
  },
};

function isParentMessage(value: unknown): value is ParentMessage {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false;
  if (value.type === 'profile-stop') return 'file' in value && typeof value.file === 'string';
  return value.type === 'stats' || value.type === 'profile-start' || value.type === 'stop';
}

/** The V8 profiler of this process, driven through the inspector protocol. */
class Profiler {
  private readonly session = new Session();

  async start(): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.start');
  }

  async stop(file: string): Promise<void> {
    const result = await this.post('Profiler.stop');
    const profile = typeof result === 'object' && result !== null && 'profile' in result ? result.profile : undefined;
    if (profile === undefined) throw new Error('Profiler.stop returned no profile');
    writeFileSync(file, JSON.stringify(profile));
    this.session.disconnect();
  }

  private post(method: string): Promise<unknown> {
    return new Promise((resolve, reject) => this.session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { echo: { type: 'boolean', default: false } } });
  const send = (message: ServerMessage) => process.send?.(message);
  if (!process.send) throw new Error('directline-server: start me with child_process.fork (I report over IPC)');

  const app = await createApp(loadConfig(process.env), { logger: createLogger('silent'), ...(values.echo ? { gateway: echoGateway } : {}) });
  const server = await app.listen();
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('directline-server: no TCP address to report');

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let cpuSince = process.cpuUsage();

  let profiler: Profiler | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    loopDelay.disable();
    // Bounded: a close that hangs must not keep the benchmark waiting.
    setTimeout(() => process.exit(3), 10_000).unref();
    app.close().then(
      () => {
        send({ type: 'stopped' });
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`directline-server: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };

  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    if (message.type === 'stop') {
      stop();
      return;
    }
    if (message.type === 'profile-start') {
      profiler = new Profiler();
      profiler.start().catch((error: unknown) => process.stderr.write(`directline-server: profiler did not start: ${String(error)}\n`));
      return;
    }
    if (message.type === 'profile-stop') {
      const running = profiler;
      profiler = undefined;
      (running ? running.stop(message.file) : Promise.reject(new Error('no profile running'))).then(
        () => send({ type: 'profiled', ok: true }),
        (error: unknown) => {
          process.stderr.write(`directline-server: profile failed: ${String(error)}\n`);
          send({ type: 'profiled', ok: false });
        },
      );
      return;
    }
    const cpu = process.cpuUsage(cpuSince);
    cpuSince = process.cpuUsage();
    send({
      type: 'stats',
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      loopDelayP50Ms: loopDelay.percentile(50) / 1e6,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
    });
    loopDelay.reset();
  });
  // The parent died or let go: nobody will send stop.
  process.on('disconnect', stop);
  send({ type: 'listening', port: address.port });
}

main().catch((error: unknown) => {
  process.stderr.write(`directline-server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
