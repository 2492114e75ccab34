import { SeededRandom, type RandomSource } from '../../util/random';
import { findTrackingCode, generateTrackingCode, TRACKING_ALPHABET, TRACKING_CODE_PATTERN } from './tracking-code';

/** Returns the given integers in turn, so a test can pick every symbol of the alphabet. */
class ScriptedRandom implements RandomSource {
  private index = 0;
  constructor(private readonly values: readonly number[]) {}
  int(maxExclusive: number): number {
    const value = this.values[this.index % this.values.length] ?? 0;
    this.index += 1;
    if (value >= maxExclusive) throw new Error(`ScriptedRandom: ${value} is not below ${maxExclusive}`);
    return value;
  }
}

describe('TRACKING_ALPHABET', () => {
  it('has 32 distinct symbols, digits and capitals only', () => {
    expect(TRACKING_ALPHABET).toHaveLength(32);
    expect(new Set(TRACKING_ALPHABET).size).toBe(32);
    expect(TRACKING_ALPHABET).toMatch(/^[2-9A-Z]+$/);
  });

  it.each(['0', 'O', '1', 'I'])('leaves out the confusable symbol %s', (symbol) => {
    expect(TRACKING_ALPHABET).not.toContain(symbol);
  });
});

describe('generateTrackingCode', () => {
  it('formats eight drawn symbols as HL-XXXX-XXXX in draw order', () => {
    expect(generateTrackingCode(new ScriptedRandom([0, 1, 2, 3, 28, 29, 30, 31]))).toBe('HL-2345-WXYZ');
  });

  it('can draw every symbol of the alphabet and never 0, O, 1 or I', () => {
    const draws = Array.from({ length: 32 }, (_, i) => i);
    const seen = new Set<string>();
    const random = new ScriptedRandom(draws);
    for (let i = 0; i < 4; i += 1) {
      for (const symbol of generateTrackingCode(random).replace(/^HL-|-/g, '')) seen.add(symbol);
    }
    expect([...seen].sort().join('')).toBe([...TRACKING_ALPHABET].sort().join(''));
  });

  it('always matches the normalised pattern and never contains 0, O, 1 or I (1000 seeded draws)', () => {
    const random = new SeededRandom(20260301);
    const codes = Array.from({ length: 1000 }, () => generateTrackingCode(random));
    for (const code of codes) {
      expect(code).toMatch(TRACKING_CODE_PATTERN);
      expect(code.slice(3)).not.toMatch(/[01OI]/);
    }
    // Seeded draws should not repeat in so few codes out of 2^40.
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('is reproducible with the same seed', () => {
    expect(generateTrackingCode(new SeededRandom(7))).toBe(generateTrackingCode(new SeededRandom(7)));
  });
});

describe('findTrackingCode', () => {
  it.each([
    ['HL-7K3Q-9DXM', 'canonical form'],
    ['hl 7k3q 9dxm', 'lower case with spaces'],
    ['HL7K3Q9DXM', 'no dashes'],
    ['hl-7k3q-9dxm', 'lower case with dashes'],
    ['HL_7K3Q_9DXM', 'underscores'],
    ['ＨＬ－７Ｋ３Ｑ－９ＤＸＭ', 'full-width characters'],
    ['ｈｌ　７ｋ３ｑ　９ｄｘｍ', 'full-width lower case with ideographic spaces'],
    ['my code is HL-7K3Q-9DXM, thanks', 'inside an English sentence'],
    ['查询码HL7K3Q9DXM谢谢', 'glued to Chinese characters'],
    ['(HL-7K3Q-9DXM)', 'in brackets'],
    ['HL  -  7K3Q  -  9DXM', 'extra spaces around dashes'],
  ])('finds HL-7K3Q-9DXM in %j (%s)', (input) => {
    expect(findTrackingCode(input)).toBe('HL-7K3Q-9DXM');
  });

  it.each([
    ['HL-0000-1111', 'symbols outside the alphabet'],
    ['HL-7K3Q-9DX0', 'one zero'],
    ['HL-7K3O-9DXM', 'a letter O'],
    ['HL-7K3Q-9DX', 'too short'],
    ['XHL7K3Q9DXM', 'glued after a letter'],
    ['9HL-7K3Q-9DXM', 'glued after a digit'],
    ['HL7K3Q9DXMA', 'glued before a letter'],
    ['HL-7K3Q-9DXM2', 'glued before a digit'],
    ['ORDERHL7K3Q9DXM', 'inside an order number'],
    ['', 'empty text'],
    ['where is my parcel?', 'no code at all'],
  ])('returns undefined for %j (%s)', (input) => {
    expect(findTrackingCode(input)).toBeUndefined();
  });
});
