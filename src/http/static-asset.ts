import { createHash } from 'node:crypto';
import type { Response } from 'express';

/** For files whose URL carries their content version: cached for a year, never revalidated. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/** A short hash of a file's content, so its URL changes whenever the content does. */
export function contentVersion(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** Sends a script or stylesheet held in memory. */
export function sendAsset(res: Response, type: 'js' | 'css', content: string, cacheControl: string): void {
  res.set({ 'Cache-Control': cacheControl, 'X-Content-Type-Options': 'nosniff' });
  res.type(type).send(content);
}
