/**
 * "Did you mean" for configuration names: takes a name that is not known and the known ones, and
 * returns the closest known name when it is plausibly a typo (small edit distance, case ignored).
 */
import { countEdits } from '../text/edit-distance.ts';

export function suggestName(unknown: string, known: readonly string[]): string | undefined {
  const target = unknown.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(target.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = countEdits(target, name.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
