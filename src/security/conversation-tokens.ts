import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { BoundedMap } from '../util/bounded-map';
import type { Clock } from '../util/clock';

const claimsSchema = z.object({
  /** conversation id the token grants access to */
  cid: z.string().min(1),
  /** user id the conversation belongs to */
  uid: z.string().min(1),
  /** expiry, seconds since the epoch */
  exp: z.number().int(),
  /** the user id again, where Web Chat looks for it (as in Azure's Direct Line tokens) */
  user: z.string().min(1).optional(),
});
export type ConversationClaims = z.infer<typeof claimsSchema>;

/** Signature checks remembered (see ConversationTokens.checked). */
const CHECKED_TOKENS = 10_000;

const JWT_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export type TokenCheck =
  | { ok: true; claims: ConversationClaims }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'other-conversation' };

/**
 * Signed, expiring tokens that grant access to one conversation: HS256 JWTs
 * (`header.claims.signature`), the shape Web Chat expects of Direct Line tokens: it reads the
 * user id from the `user` claim. Stateless, so any instance sharing the key can check them.
 */
export class ConversationTokens {
  /**
   * Claims of tokens whose signature was checked, by the exact token text, oldest first: a chat
   * presents the same token on every post, and the HMAC is most of a check. Expiry and
   * conversation are still checked on every use.
   */
  private readonly checked = new BoundedMap<string, ConversationClaims>(CHECKED_TOKENS);

  constructor(
    private readonly key: string,
    private readonly clock: Clock,
    private readonly ttlSeconds = 30 * 60,
  ) {}

  issue(conversationId: string, userId: string): { token: string; expiresIn: number } {
    const claims: ConversationClaims = {
      cid: conversationId,
      uid: userId,
      user: userId,
      exp: Math.floor(this.clock.now().getTime() / 1000) + this.ttlSeconds,
    };
    const signed = `${JWT_HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return { token: `${signed}.${this.sign(signed)}`, expiresIn: this.ttlSeconds };
  }

  /** Checks signature, expiry and, when given, that the token is for this conversation. */
  verify(token: string, conversationId?: string): TokenCheck {
    const known = this.checked.get(token);
    const signed = known ? { ok: true as const, claims: known } : this.checkSignature(token);
    if (!signed.ok) return signed;
    const { claims } = signed;
    if (claims.exp * 1000 <= this.clock.now().getTime()) {
      this.checked.delete(token);
      return { ok: false, reason: 'expired' };
    }
    if (!known) this.checked.set(token, claims);
    if (conversationId !== undefined && claims.cid !== conversationId) return { ok: false, reason: 'other-conversation' };
    return { ok: true, claims };
  }

  private checkSignature(token: string): TokenCheck {
    const [header, body, signature, extra] = token.split('.');
    if (header !== JWT_HEADER || !body || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.sign(`${header}.${body}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-signature' };
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const claims = claimsSchema.safeParse(decoded);
    if (!claims.success) return { ok: false, reason: 'malformed' };
    return { ok: true, claims: claims.data };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
