import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { z } from 'zod';

/**
 * The checkpoint loop, run in a worker thread with a connection of its own. A PASSIVE
 * checkpoint copies committed WAL frames into the database file and syncs both without
 * blocking the writer, so the main thread's commits only ever append to the WAL.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let stopped = false;
function checkpoint() {
  if (stopped) return;
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'checkpointed', frames: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: String(error && error.message || error) });
  }
  timer = setTimeout(checkpoint, workerData.intervalMs);
}
let timer = setTimeout(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  clearTimeout(timer);
  db.close();
  parentPort.postMessage({ type: 'stopped' });
});
parentPort.postMessage({ type: 'ready' });
`;

const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('checkpointed'), frames: z.number() }),
  z.object({ type: z.literal('failed'), message: z.string() }),
  z.object({ type: z.literal('stopped') }),
]);

/** SQLite's own default: a checkpoint once the WAL holds 1000 pages. */
const INLINE_AUTOCHECKPOINT_PAGES = 1000;

/** Options of SqliteCheckpointer. */
export interface SqliteCheckpointerOptions {
  /** Pause between two checkpoints. Default 250 ms. */
  intervalMs?: number;
  /** Told when the worker fails; the main connection then checkpoints by itself again. */
  onError?: (error: Error) => void;
}

/**
 * Moves WAL checkpoints off the event loop. With SQLite's automatic checkpoint, the commit
 * that crosses 1000 WAL pages copies them into the database file and syncs it, on the
 * main thread: a pause of about 10 ms every few hundred turns, and a third of the time spent
 * in writes (docs/performance.md). Here the main connection's automatic checkpoint is off and
 * a worker thread checkpoints every `intervalMs`. When the worker fails, the main connection's
 * automatic checkpoint is switched back on, so the WAL never grows without bound.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;
  private readonly onError: (error: Error) => void;
  private stopping: Promise<void> | undefined;
  private framesCheckpointed = 0;
  private running = true;

  constructor(
    private readonly db: Database.Database,
    options: SqliteCheckpointerOptions = {},
  ) {
    this.onError = options.onError ?? (() => undefined);
    db.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file: db.name, intervalMs: options.intervalMs ?? 250 },
    });
    // A checkpoint thread alone must not keep the process alive.
    this.worker.unref();
    this.worker.on('message', (raw: unknown) => this.onMessage(raw));
    this.worker.on('error', (error) => this.fallBack(error));
    this.worker.on('exit', (code) => {
      if (this.stopping === undefined) this.fallBack(new Error(`SqliteCheckpointer: the worker exited with code ${code}`));
    });
  }

  /**
   * WAL frames that are in the database file, as the latest checkpoint reported (SQLite counts
   * them for the WAL as it is, from its last restart; for tests and metrics).
   */
  get checkpointedFrames(): number {
    return this.framesCheckpointed;
  }

  /** Whether the worker is checkpointing (false once it failed or stopped). */
  get active(): boolean {
    return this.running;
  }

  /** Stops the worker and waits for its connection to close. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      if (!this.running) {
        resolve();
        return;
      }
      this.running = false;
      const done = (): void => {
        clearTimeout(deadline);
        resolve();
      };
      // A worker stuck in a checkpoint is terminated rather than waited for.
      const deadline = setTimeout(() => void this.worker.terminate().then(done, done), 5000);
      this.worker.once('exit', done);
      this.worker.postMessage('stop');
    });
    return this.stopping;
  }

  private onMessage(raw: unknown): void {
    const message = workerMessageSchema.safeParse(raw);
    if (!message.success) return;
    if (message.data.type === 'checkpointed') this.framesCheckpointed = Math.max(0, message.data.frames);
    else if (message.data.type === 'failed') this.onError(new Error(`SqliteCheckpointer: checkpoint failed: ${message.data.message}`));
    else if (message.data.type === 'stopped') void this.worker.terminate();
  }

  private fallBack(cause: Error): void {
    if (!this.running) return;
    this.running = false;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${INLINE_AUTOCHECKPOINT_PAGES}`);
    this.onError(new Error('SqliteCheckpointer: the checkpoint worker failed; checkpointing on the main connection again', { cause }));
  }
}
