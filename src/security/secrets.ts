import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const secretsFileSchema = z.object({ tokenSigningKey: z.string().min(43) });

/**
 * Secrets Hearline makes for itself when none are configured (the embedded default): created
 * once with a strong random value, kept in DATA_DIR with owner-only permissions, and reused
 * on every start so issued tokens stay valid across restarts.
 */
export function loadOrCreateLocalSecrets(dataDir: string): z.infer<typeof secretsFileSchema> {
  const file = path.join(dataDir, 'secrets.json');
  if (fs.existsSync(file)) {
    const parsed = secretsFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`loadOrCreateLocalSecrets: ${file} is invalid; remove it to create new secrets`);
    return parsed.data;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secrets = { tokenSigningKey: randomBytes(32).toString('base64url') };
  // 'wx' fails if another process created the file meanwhile: then read theirs.
  try {
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
    return secrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateLocalSecrets(dataDir);
    throw error;
  }
}
