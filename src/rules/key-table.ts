/**
 * A table of strings to small numbers that can be asked about a piece of a longer text (text, start, end) without
 * cutting that piece out: a rule index looks up every word of every item it routes, and making a string of each
 * word was most of its cost. Open addressing over an Int32Array, keyed by a 32-bit FNV-1a hash of the UTF-16 code
 * units, which the caller computes as it scans (hashStep), checked against the stored string so a collision
 * never finds the wrong key. Pieces are compared with ASCII capitals lowered, so a text need not be lower-cased
 * whole to be looked up in.
 */
export const HASH_START = 0x811c9dc5;

export function hashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

export function hashOf(text: string): number {
  let hash = HASH_START;
  for (let at = 0; at < text.length; at++) hash = hashStep(hash, text.charCodeAt(at));
  return hash;
}

/** The ASCII small letter for a capital, any other code unit as it is. */
export function lowered(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
}

function equalsLowered(key: string, text: string, start: number): boolean {
  for (let at = 0; at < key.length; at++) if (key.charCodeAt(at) !== lowered(text.charCodeAt(start + at))) return false;
  return true;
}

/** Slots per key at least: a table at most half full ends most lookups of words that are no key at their first slots. */
const SLOTS_PER_KEY = 2;

export class KeyTable {
  private readonly keys: string[] = [];
  private readonly values: number[] = [];
  /**
   * Two numbers per slot, side by side so a probe reads one place: 1 + the index into keys (0 for an empty slot),
   * and that key's hash (most pieces looked up are no key, and a different hash says so without a comparison).
   */
  private slots = new Int32Array(2 * 64);
  private mask = 63;

  get size(): number {
    return this.keys.length;
  }

  /** The value of `key`, or -1. */
  get(key: string): number {
    return this.find(key, 0, key.length, hashOf(key));
  }

  /** Sets `key`'s value (adding the key if it is new). */
  set(key: string, value: number): void {
    const found = this.get(key);
    if (found !== -1) {
      this.values[this.keys.indexOf(key)] = value;
      return;
    }
    this.keys.push(key);
    this.values.push(value);
    if (this.keys.length * SLOTS_PER_KEY > this.mask + 1) this.rehash((this.mask + 1) * 2);
    else this.place(this.keys.length, hashOf(key));
  }

  /**
   * The value of the key equal to `text.slice(start, end)` with ASCII capitals read as small letters (keys are
   * lower-case words, and an item's words are looked up where they stand in its text as written), or -1. `hash` is
   * that of the piece so lower-cased.
   */
  find(text: string, start: number, end: number, hash: number): number {
    const length = end - start;
    const slots = this.slots;
    const mask = this.mask;
    const wanted = hash | 0;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot]!;
      if (entry === 0) return -1;
      if (slots[2 * slot + 1] !== wanted) continue;
      const key = this.keys[entry - 1]!;
      if (key.length === length && equalsLowered(key, text, start)) return this.values[entry - 1]!;
    }
  }

  private place(entry: number, hash: number): void {
    let slot = hash & this.mask;
    while (this.slots[2 * slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[2 * slot] = entry;
    this.slots[2 * slot + 1] = hash;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(2 * size);
    this.mask = size - 1;
    for (const [index, key] of this.keys.entries()) this.place(index + 1, hashOf(key));
  }
}
