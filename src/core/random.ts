/**
 * @file A small seeded PRNG (mulberry32) and helpers, so sampling and initialisation are reproducible.
 */

/** A source of uniform floats in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: a 32-bit-state generator, fast and good enough for sampling and weight init (not for crypto).
 * @example const r = mulberry32(42); r() // 0.6011037519201636 (always the same for seed 42)
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Fisher–Yates shuffle of `a` in place; returns `a`. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(rng: Rng, a: T): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** A standard normal draw (Box–Muller; 1 - u keeps log away from 0). */
export function randNormal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
