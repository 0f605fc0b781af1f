/**
 * One pass over an item's words that tells a rule index which of its rules' words and prefixes the item holds, and
 * in which fields, and keeps each field's words in order as key numbers so phrases can be found too.
 *
 * The words are those wordsOfLowerCase reads (words.ts): a run of ASCII letters and digits of the lower-cased text is
 * looked up where it lies, without making a string of it; only runs holding other characters are folded and split.
 * The keys are registered once (wordKey, prefixKey); scan() then answers for one item at a time, until the next.
 */
import { FIELD_NAMES, fieldMask, type FieldName } from './fields.ts';
import type { ItemText } from './item-text.ts';
import { GenerationStamps } from './generation-stamps.ts';
import { HASH_START, hashOf, hashStep, KeyTable } from './key-table.ts';
import { isRunCode, wordsOfRun } from './words.ts';

/** A token that is no key: a word no rule names. */
const NO_KEY = -1;

export class ItemScan {
  private readonly words = new KeyTable();
  private readonly prefixes = new KeyTable();
  private keyCount = 0;
  /** isPrefixLength[n] is 1 when some prefix key is n code units long. */
  private isPrefixLength = new Uint8Array(1);
  private longestPrefix = 0;
  /** The fields some key is looked for in, as bits: only they are read. */
  private fieldsToScan = 0;

  // What the last scan found: for each key marked in `stamps`, the fields it is in.
  private readonly stamps = new GenerationStamps();
  private masks = new Uint8Array(16);
  private foundKeys = new Int32Array(16);
  private foundCount = 0;
  // Each unit's words as keys (NO_KEY for the others), one after another; a unit is tokens[starts[u]..ends[u]).
  private tokens = new Int32Array(256);
  private tokenCount = 0;
  private unitStarts: number[] = [];
  private unitEnds: number[] = [];
  private unitFields: number[] = [];

  get keys(): number {
    return this.keyCount;
  }

  /** The key of a word (folded, as rules hold it), looked for in `fields`. */
  wordKey(word: string, fields: readonly FieldName[]): number {
    return this.keyIn(this.words, word, fields);
  }

  /** The key of a prefix: an item holds it when one of its words starts with it. */
  prefixKey(prefix: string, fields: readonly FieldName[]): number {
    const key = this.keyIn(this.prefixes, prefix, fields);
    if (prefix.length >= this.isPrefixLength.length) {
      const grown = new Uint8Array(prefix.length + 1);
      grown.set(this.isPrefixLength);
      this.isPrefixLength = grown;
    }
    this.isPrefixLength[prefix.length] = 1;
    this.longestPrefix = Math.max(this.longestPrefix, prefix.length);
    return key;
  }

  private keyIn(table: KeyTable, text: string, fields: readonly FieldName[]): number {
    this.fieldsToScan |= fieldMask(fields);
    let key = table.get(text);
    if (key === -1) {
      key = this.keyCount++;
      table.set(text, key);
    }
    return key;
  }

  /** Reads an item: afterwards fieldsOf, found and hasSequence answer for it. */
  scan(text: ItemText): void {
    this.begin();
    for (let field = 0; field < FIELD_NAMES.length; field++) {
      const bit = 1 << field;
      if ((this.fieldsToScan & bit) === 0) continue;
      for (const unit of text.unitsOf(FIELD_NAMES[field]!)) this.scanUnit(unit.lowerCase, bit);
    }
  }

  /** The fields of the scanned item that hold `key`, as bits (0: none). */
  fieldsOf(key: number): number {
    return this.stamps.has(key) ? this.masks[key]! : 0;
  }

  /** The keys the scanned item holds, each once. */
  found(): Int32Array {
    return this.foundKeys.subarray(0, this.foundCount);
  }

  /** Whether one unit of `fields` holds the words of `keys` one after another. */
  hasSequence(keys: Int32Array, fields: number): boolean {
    let common = fields;
    for (const key of keys) common &= this.fieldsOf(key);
    if (common === 0) return false;
    const tokens = this.tokens;
    const first = keys[0]!;
    for (let unit = 0; unit < this.unitStarts.length; unit++) {
      if ((this.unitFields[unit]! & common) === 0) continue;
      const last = this.unitEnds[unit]! - keys.length;
      for (let start = this.unitStarts[unit]!; start <= last; start++) {
        if (tokens[start] !== first) continue;
        let offset = 1;
        while (offset < keys.length && tokens[start + offset] === keys[offset]) offset++;
        if (offset === keys.length) return true;
      }
    }
    return false;
  }

  private begin(): void {
    this.stamps.clear(this.keyCount);
    if (this.masks.length < this.keyCount) {
      this.masks = new Uint8Array(this.keyCount * 2);
      this.foundKeys = new Int32Array(this.keyCount * 2);
    }
    this.foundCount = 0;
    this.tokenCount = 0;
    this.unitStarts.length = 0;
    this.unitEnds.length = 0;
    this.unitFields.length = 0;
  }

  private scanUnit(lower: string, bit: number): void {
    this.unitStarts.push(this.tokenCount);
    const length = lower.length;
    let at = 0;
    while (at < length) {
      let code = lower.charCodeAt(at);
      if (!isRunCode(code)) {
        at++;
        continue;
      }
      const start = at;
      let hash = HASH_START;
      let ascii = true;
      do {
        if (code > 0x7f) ascii = false;
        hash = hashStep(hash, code);
        at++;
      } while (at < length && isRunCode((code = lower.charCodeAt(at))));
      if (ascii) this.word(lower, start, at, hash, bit);
      else for (const word of wordsOfRun(lower.slice(start, at))) this.word(word, 0, word.length, hashOf(word), bit);
    }
    this.unitEnds.push(this.tokenCount);
    this.unitFields.push(bit);
  }

  /** A word of the item, `text.slice(start, end)`: its key, and those of the prefixes it starts with. */
  private word(text: string, start: number, end: number, hash: number, bit: number): void {
    const key = this.words.find(text, start, end, hash);
    if (this.tokenCount === this.tokens.length) {
      const grown = new Int32Array(this.tokens.length * 2);
      grown.set(this.tokens);
      this.tokens = grown;
    }
    this.tokens[this.tokenCount++] = key === -1 ? NO_KEY : key;
    if (key !== -1) this.mark(key, bit);
    const last = Math.min(end, start + this.longestPrefix);
    let prefixHash = HASH_START;
    for (let at = start; at < last; at++) {
      prefixHash = hashStep(prefixHash, text.charCodeAt(at));
      if (this.isPrefixLength[at - start + 1] !== 1) continue;
      const prefix = this.prefixes.find(text, start, at + 1, prefixHash);
      if (prefix !== -1) this.mark(prefix, bit);
    }
  }

  private mark(key: number, bit: number): void {
    if (!this.stamps.mark(key)) {
      this.masks[key] = this.masks[key]! | bit;
      return;
    }
    this.masks[key] = bit;
    this.foundKeys[this.foundCount++] = key;
  }
}
