import { createApp } from './app';
import { ConfigError, loadProcessConfig } from './config';

/** `npm start`: parse the configuration, build Hearline and serve until told to stop. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadProcessConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const app = await createApp(config);
  const server = await app.listen();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  app.logger.info({ port, store: app.store.kind, dataDir: app.store.kind === 'sqlite' ? config.dataDir : undefined }, `Hearline listening on http://localhost:${port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Hearline failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
