/**
 * The server half of the Direct Line benchmark (bench/directline.ts): one Hearline started from
 * the environment it is forked with, in its own process so that the load generator does not
 * share its event loop. `--echo` swaps the dialogs for a minimal echo bot (the floor).
 *
 * Talks to its parent over the IPC channel only:
 * - sends `{ type: 'listening', port }` once it serves;
 * - answers `{ type: 'stats' }` with its CPU time and event-loop delay since the last `stats`;
 * - on `{ type: 'stop' }` (or when the parent goes away) closes the app and exits, so that
 *   `--cpu-prof` can write its profile.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import type { BotGateway, MessageReply } from '../src/core/activity';
import { createLogger } from '../src/logging/logger';

/** Messages the parent sends. */
type ParentMessage = { type: 'stats' } | { type: 'stop' };

/** Messages this process sends to the parent. */
export type ServerMessage =
  | { type: 'listening'; port: number }
  | { type: 'stats'; cpuUserMs: number; cpuSystemMs: number; loopDelayP50Ms: number; loopDelayP99Ms: number; loopDelayMaxMs: number }
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
  return typeof value === 'object' && value !== null && 'type' in value && (value.type === 'stats' || value.type === 'stop');
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
