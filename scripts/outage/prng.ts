/**
 * A small seeded PRNG (mulberry32) for the outage run: the same seed gives the same events, gaps and order, so a
 * run that found something can be repeated with `--seed`.
 */

/** Returns a function giving floats in [0, 1) from the 32-bit `seed`. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh seed when none was given (printed by the caller, so the run can be repeated). */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
