import { csrfTokensMatch, isStateChanging, newCsrfToken } from './csrf';

describe('CSRF tokens', () => {
  it('are long, random and URL-safe', () => {
    const a = newCsrfToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newCsrfToken()).not.toBe(a);
  });

  it('match only the same token; missing, empty or other tokens never match', () => {
    const token = newCsrfToken();
    expect(csrfTokensMatch(token, token)).toBe(true);
    expect(csrfTokensMatch(`${token}x`, token)).toBe(false);
    expect(csrfTokensMatch(newCsrfToken(), token)).toBe(false);
    expect(csrfTokensMatch(undefined, token)).toBe(false);
    expect(csrfTokensMatch('', token)).toBe(false);
    expect(csrfTokensMatch(['a'], token)).toBe(false);
    expect(csrfTokensMatch('', '')).toBe(false);
    expect(csrfTokensMatch(token, undefined)).toBe(false);
  });

  it('are needed for every method but GET, HEAD and OPTIONS', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'get'].map(isStateChanging)).toEqual([false, false, false, false]);
    expect(['POST', 'PUT', 'PATCH', 'DELETE', 'post'].map(isStateChanging)).toEqual([true, true, true, true, true]);
  });
});
