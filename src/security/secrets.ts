import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { EtagConflictError, type DocumentStore } from '../storage/store';

const SECRETS_KEY = 'hearline/secrets';

const secretsSchema = z.object({ tokenSigningKey: z.string().min(43) });
export type Secrets = z.infer<typeof secretsSchema>;

/**
 * Secrets Hearline makes for itself when none are configured: created once with a strong
 * random value and kept in the store (the SQLite file in DATA_DIR, or Redis), so issued tokens
 * stay valid across restarts and every instance sharing the store checks the same tokens.
 * The first instance to write wins; the others read its value.
 */
export async function loadOrCreateSecrets(documents: DocumentStore): Promise<Secrets> {
  const stored = (await documents.read([SECRETS_KEY])).get(SECRETS_KEY);
  if (stored) return secretsSchema.parse(stored.value);
  const secrets: Secrets = { tokenSigningKey: randomBytes(32).toString('base64url') };
  try {
    await documents.write([{ key: SECRETS_KEY, value: secrets, expectedETag: '' }]);
    return secrets;
  } catch (error) {
    if (error instanceof EtagConflictError) return loadOrCreateSecrets(documents);
    throw error;
  }
}
