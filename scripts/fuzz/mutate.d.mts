import type { Rng } from './rng.mjs';
import type { Seed } from './seeds.mjs';
/** One mutant of `seed` (1-4 operators) and a line per operator saying what it did. */
export function mutate(rng: Rng, seed: Uint8Array, seeds: Seed[]): { bytes: Uint8Array; ops: string[] };
