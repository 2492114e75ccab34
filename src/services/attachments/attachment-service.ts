import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { DocumentStore } from '../../storage/store';

/** Largest file a customer may send (evidence photos). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Image types accepted as evidence, recognised by their first bytes, not by what the client claims. */
const SIGNATURES: ReadonlyArray<{ contentType: string; matches: (bytes: Buffer) => boolean }> = [
  { contentType: 'image/jpeg', matches: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { contentType: 'image/png', matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { contentType: 'image/gif', matches: (b) => /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')) },
  { contentType: 'image/webp', matches: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];

/** A stored attachment as activities and complaints refer to it. */
export interface AttachmentRef {
  id: string;
  contentType: string;
  name: string;
  size: number;
}

/** Why an upload was refused. */
export class AttachmentRejectedError extends Error {
  constructor(readonly reason: 'too-large' | 'unsupported-type') {
    super(`AttachmentService.save: ${reason}`);
    this.name = 'AttachmentRejectedError';
  }
}

const storedSchema = z.object({ contentType: z.string(), name: z.string(), size: z.number().int(), data: z.string() });

/**
 * Keeps customers' evidence files in the store (SQLite or Redis, so every instance can serve
 * them). Ids are 128-bit random, so an attachment URL can be shown in an <img> without a header.
 */
export class AttachmentService {
  constructor(private readonly documents: DocumentStore) {}

  async save(file: { bytes: Buffer; name: string; declaredType?: string }): Promise<AttachmentRef> {
    if (file.bytes.length > MAX_ATTACHMENT_BYTES) throw new AttachmentRejectedError('too-large');
    const detected = SIGNATURES.find((signature) => signature.matches(file.bytes));
    if (!detected) throw new AttachmentRejectedError('unsupported-type');
    const ref: AttachmentRef = {
      id: randomBytes(16).toString('base64url'),
      contentType: detected.contentType,
      name: file.name.replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 120) || 'image',
      size: file.bytes.length,
    };
    await this.documents.write([
      { key: `attachment/${ref.id}`, value: { contentType: ref.contentType, name: ref.name, size: ref.size, data: file.bytes.toString('base64') }, expectedETag: '' },
    ]);
    return ref;
  }

  async load(id: string): Promise<(AttachmentRef & { bytes: Buffer }) | undefined> {
    if (!/^[A-Za-z0-9_-]{22}$/.test(id)) return undefined;
    const doc = (await this.documents.read([`attachment/${id}`])).get(`attachment/${id}`);
    if (!doc) return undefined;
    const stored = storedSchema.parse(doc.value);
    return { id, contentType: stored.contentType, name: stored.name, size: stored.size, bytes: Buffer.from(stored.data, 'base64') };
  }
}
