import type { Readable, Writable } from 'node:stream';
import { openStore } from '../app';
import { loadProcessConfig, type Config } from '../config';
import { createLogger } from '../logging/logger';
import type { Store } from '../storage/store';

/** Where a store-backed command reads and writes, and how it opens the store; tests replace these. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
  /** The configuration and store the server would use (SQLite in DATA_DIR, or Redis with REDIS_URL). */
  open(): Promise<{ config: Config; store: Store }>;
}

/** The real terminal and the configured store; store errors are logged to stderr as JSON lines. */
export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    open: async () => {
      const config = loadProcessConfig();
      return { config, store: await openStore(config, createLogger('warn', process.stderr)) };
    },
  };
}
