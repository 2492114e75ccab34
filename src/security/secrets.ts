import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { EtagConflictError, type DocumentStore } from '../storage/store';

const SECRETS_KEY = 'hearline/secrets';

const secretsSchema = z.object({
  /** Signs conversation and stream tokens. */
  tokenSigningKey: z.string().min(43),
  /** The Direct Line secret used when DIRECTLINE_SECRET is not configured. */
  directLineSecret: z.string().min(43),
});
export type Secrets = z.infer<typeof secretsSchema>;

const storedSchema = secretsSchema.partial();

const fresh = () => randomBytes(32).toString('base64url');

/**
 * Secrets Hearline makes for itself when none are configured: created once with strong random
 * values and kept in the store (the SQLite file in DATA_DIR, or Redis), so issued tokens stay
 * valid across restarts and every instance sharing the store uses the same ones. A secret
 * added in a later version is filled in without touching the existing ones. Concurrent first
 * starts are settled by the store's eTag check: the first write wins, the others read it.
 */
export async function loadOrCreateSecrets(documents: DocumentStore): Promise<Secrets> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const stored = (await documents.read([SECRETS_KEY])).get(SECRETS_KEY);
    const current = stored ? storedSchema.parse(stored.value) : {};
    const complete = secretsSchema.safeParse(current);
    if (complete.success) return complete.data;
    const filled: Secrets = {
      tokenSigningKey: current.tokenSigningKey ?? fresh(),
      directLineSecret: current.directLineSecret ?? fresh(),
    };
    try {
      await documents.write([{ key: SECRETS_KEY, value: filled, expectedETag: stored?.eTag ?? '' }]);
      return filled;
    } catch (error) {
      if (!(error instanceof EtagConflictError)) throw error;
    }
  }
  throw new Error('loadOrCreateSecrets: the secrets document keeps changing under us');
}
