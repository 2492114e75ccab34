import pino, { type DestinationStream, type Logger } from 'pino';
import { maskPii, maskPiiDeep } from './pii';

export type { Logger } from 'pino';

/**
 * Creates the process logger: JSON lines, with personal data masked in every message and
 * field. `destination` lets tests and the terminal chat send logs elsewhere than stdout.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hearline' },
      formatters: { log: (record) => maskPiiDeep(record) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskPii(arg) : arg));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
