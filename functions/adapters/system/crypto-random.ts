import { randomInt } from 'node:crypto';
import type { RandomSource } from '../../core/ports';

/** The operating system's CSPRNG (node:crypto), unbiased over any bound: allocation's random source. */
export const cryptoRandom: RandomSource = {
  int: (bound) => randomInt(bound),
};
