import { randomInt } from 'node:crypto';

/** Where randomness comes from. Injected so that tracking codes in transcripts are reproducible. */
export interface RandomSource {
  /** A uniformly distributed integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

/** Cryptographically strong randomness: the production source, so codes cannot be guessed. */
export const cryptoRandom: RandomSource = { int: (maxExclusive) => randomInt(maxExclusive) };

/** A deterministic generator (mulberry32) for tests only: never use it for real codes. */
export class SeededRandom implements RandomSource {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  int(maxExclusive: number): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(unit * maxExclusive);
  }
}
