import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type AppDependencies, type HearlineApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging/logger';

/** A whole Hearline listening on a free loopback port, on a fresh embedded store. */
export interface InProcessServer {
  app: HearlineApp;
  /** e.g. http://127.0.0.1:41234 */
  base: string;
  /** Closes the server and the store and removes the data folder. */
  stop: () => Promise<void>;
}

export async function startInProcess(env: Record<string, string> = {}, deps: AppDependencies = {}): Promise<InProcessServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-test-'));
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...env }), { logger: createLogger('silent'), ...deps });
  const address = (await app.listen()).address();
  return {
    app,
    base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    stop: async () => {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
