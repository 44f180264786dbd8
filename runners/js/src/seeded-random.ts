/**
 * A reproducible Math.random for `model.fit({shuffle: true})`. tfjs-layers' fit shuffles each epoch's indices with
 * tf.util.shuffle, a Fisher-Yates shuffle that draws from Math.random and takes no seed; the only way to seed it is to
 * give Math.random a seeded generator for the duration of the call. The generator is seedrandom's `alea`, the one
 * tfjs-core itself uses for its seeded random ops (tf.randomUniform(..., seed) and the initialisers), resolved from
 * tfjs-core's own folder so it is the very copy tfjs ships (seedrandom is a dependency of tfjs-core, not of the runner).
 */
import { createRequire } from 'node:module';

export type Prng = () => number;

const require = createRequire(import.meta.url);

/** seedrandom's alea generator seeded with `seed`: numbers in [0, 1), the same sequence for the same seed. */
export function alea(seed: string): Prng {
  const fromCore = createRequire(require.resolve('@tensorflow/tfjs-core'));
  const seedrandom = fromCore('seedrandom') as { alea(seed: string): Prng };
  return seedrandom.alea(seed);
}

/** The alea seed of epoch `epoch` (1-based) of a run with request seed `seed`. */
export function fitShuffleSeed(seed: number, epoch: number): string {
  return `bindbench-fit-shuffle:${seed}:${epoch}`;
}

/**
 * Runs `body` with Math.random replaced by `prng`, restoring the original afterwards even when `body` throws. Anything
 * else that draws from Math.random while `body` runs (in fit: tfjs's unseeded random ops, such as dropout masks)
 * draws from `prng` too.
 */
export async function withMathRandom<T>(prng: Prng, body: () => Promise<T>): Promise<T> {
  const original = Math.random;
  Math.random = prng;
  try {
    return await body();
  } finally {
    Math.random = original;
  }
}
