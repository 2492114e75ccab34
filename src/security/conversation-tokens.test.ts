import { ManualClock } from '../util/clock';
import { ConversationTokens } from './conversation-tokens';

describe('ConversationTokens', () => {
  const clock = new ManualClock('2026-03-01T10:00:00Z');
  const tokens = new ConversationTokens('k'.repeat(43), clock, 1800);

  it('accepts its own token for its own conversation', () => {
    const { token, expiresIn } = tokens.issue('c1', 'u1');
    expect(expiresIn).toBe(1800);
    expect(tokens.verify(token, 'c1')).toEqual({ ok: true, claims: { cid: 'c1', uid: 'u1', user: 'u1', exp: 1772359200 + 1800 } });
    // Web Chat reads the user id from the second part, as from Azure's tokens.
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).user).toBe('u1');
  });

  it('rejects another conversation, a forged signature, garbage and expiry', () => {
    const { token } = tokens.issue('c1', 'u1');
    expect(tokens.verify(token, 'c2')).toEqual({ ok: false, reason: 'other-conversation' });
    const forged = new ConversationTokens('x'.repeat(43), clock).issue('c1', 'u1').token;
    expect(tokens.verify(forged, 'c1')).toEqual({ ok: false, reason: 'bad-signature' });
    expect(tokens.verify('nonsense', 'c1')).toEqual({ ok: false, reason: 'malformed' });
    expect(tokens.verify(`${token}.x`, 'c1')).toEqual({ ok: false, reason: 'malformed' });
    clock.advance(1800 * 1000);
    expect(tokens.verify(token, 'c1')).toEqual({ ok: false, reason: 'expired' });
  });

  it('keeps checking expiry, conversation and signature once a token was accepted', () => {
    const local = new ManualClock('2026-03-01T10:00:00Z');
    const checker = new ConversationTokens('k'.repeat(43), local, 60);
    const { token } = checker.issue('c1', 'u1');
    expect(checker.verify(token, 'c1').ok).toBe(true);
    expect(checker.verify(token, 'c1').ok).toBe(true);
    expect(checker.verify(token, 'c2')).toEqual({ ok: false, reason: 'other-conversation' });
    // Same claims, another signature: not the remembered token.
    const [header, body] = token.split('.');
    expect(checker.verify(`${header}.${body}.${'A'.repeat(43)}`, 'c1')).toEqual({ ok: false, reason: 'bad-signature' });
    local.advance(60 * 1000);
    expect(checker.verify(token, 'c1')).toEqual({ ok: false, reason: 'expired' });
    expect(checker.verify(token, 'c1')).toEqual({ ok: false, reason: 'expired' });
  });
});
