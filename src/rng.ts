// A seeded pseudo-random generator: same seed ⇒ same weights, same shuffles, same run.
// sfc32 (Chris Doty-Humphrey's small fast counter) with 128 bits of state, seeded through
// splitmix32 so that nearby seeds give unrelated streams.
import { shown } from './shown.js';

/** The generator takes 32 bits: seeds 0 … 2³² − 1, each its own stream. */
export const MAX_SEED = 2 ** 32 - 1;

/** Whether `s` is a seed as the library and the command line take them: an integer from 0 to MAX_SEED. */
export const isSeed = (s: number) => Number.isInteger(s) && s >= 0 && s <= MAX_SEED;

/** Throws, naming `op`, where `seed` is not a seed (isSeed). */
export function checkSeed(op: string, seed: number): void {
  if (!isSeed(seed)) throw new Error(`${op}: seed must be an integer from 0 to ${MAX_SEED}, got ${shown(seed)}`);
}

export class Rng {
  private s: Uint32Array;
  private spare: number | null = null;

  /** seed: any finite number; its low 32 bits are used. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    let x = seed >>> 0;
    const splitmix = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s = new Uint32Array([splitmix(), splitmix(), splitmix(), splitmix()]);
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** The generator's whole state, to continue the same stream later (checkpoints). */
  getState(): number[] {
    return [...this.s, this.spare ?? NaN];
  }

  /** A generator that continues the stream `state` (from getState()) was taken from. */
  static fromState(state: readonly number[]): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** Continues the stream a getState() was taken from. */
  setState(state: readonly number[]): void {
    if (state.length !== 5 || !state.slice(0, 4).every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)) {
      throw new Error(`Rng: a state is four 32-bit unsigned integers and a spare normal, got ${shown(state)}`);
    }
    this.s.set(state.slice(0, 4));
    this.spare = Number.isFinite(state[4]) ? state[4] : null;
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const s = this.s;
    const t = (((s[0] + s[1]) >>> 0) + s[3]) >>> 0;
    s[3] = (s[3] + 1) >>> 0;
    s[0] = s[1] ^ (s[1] >>> 9);
    s[1] = (s[2] + (s[2] << 3)) >>> 0;
    s[2] = ((s[2] << 21) | (s[2] >>> 11)) >>> 0;
    s[2] = (s[2] + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1), 53 bits. */
  uniform(): number {
    return (this.uint32() * 2 ** 21 + (this.uint32() >>> 11)) / 2 ** 53;
  }

  /** A sample of N(0, 1) (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fills `out` with a uniform random permutation of 0 … out.length − 1 (Fisher–Yates). */
  permutation(out: Uint32Array): Uint32Array {
    for (let i = 0; i < out.length; i++) out[i] = i;
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}
