/**
 * One pass over an item's words that tells a rule index which of its rules' words and prefixes the item holds, and
 * in which fields, and keeps each field's words in order as key numbers so phrases can be found too.
 *
 * The words are those wordsOfLowerCase reads (words.ts) in each unit's lowerCase, read from the text as written: a
 * run of ASCII letters and digits is looked up where it lies, its capitals lowered as it is read, without making a
 * string of it or lower-casing the whole text; only runs holding other characters are lower-cased, folded and split.
 * The keys are registered once (wordKey, prefixKey); scan() then answers for one item at a time, until the next.
 *
 * It also notes, in the fields asked for (watchTrigrams), every three letters or digits that stand together in a
 * word, so that a regular expression whose required literals (regex-term.ts) an item surely lacks is never run.
 */
import { FIELD_NAMES, fieldMask, type FieldName } from './fields.ts';
import { plainLowerCaseOf, type ItemText } from './item-text.ts';
import { GenerationStamps } from './generation-stamps.ts';
import { HASH_START, hashOf, hashStep, KeyTable, lowered } from './key-table.ts';
import { isRunCode, wordsOfRun } from './words.ts';

/** A token that is no key: a word no rule names. */
const NO_KEY = -1;

/** Letters (either case) and digits as 1..36 (0: any other code unit), so three of them are one number below 37³. */
const TRIGRAM_SYMBOL = new Uint8Array(128);
for (let code = 0x30; code <= 0x39; code++) TRIGRAM_SYMBOL[code] = code - 0x30 + 1;
for (let code = 0x61; code <= 0x7a; code++) TRIGRAM_SYMBOL[code] = TRIGRAM_SYMBOL[code - 0x20] = code - 0x61 + 11;
const TRIGRAMS = 37 ** 3;
const NO_TRIGRAMS = new Uint32Array(0);

/**
 * The trigrams of `literal` (any case) made of three letters or digits standing together: an ASCII text holding the
 * literal, in any case, holds every one of them. The rest of the literal is not looked at, so a literal may have none.
 */
export function trigramsOf(literal: string): Int32Array {
  const lower = literal.toLowerCase();
  const trigrams: number[] = [];
  for (let at = 2; at < lower.length; at++) {
    const [a, b, c] = [symbolOf(lower.charCodeAt(at - 2)), symbolOf(lower.charCodeAt(at - 1)), symbolOf(lower.charCodeAt(at))];
    if (a !== 0 && b !== 0 && c !== 0) trigrams.push((a * 37 + b) * 37 + c);
  }
  return Int32Array.from(new Set(trigrams));
}

/** For each ASCII code unit: itself lowered if it is a letter or digit, else 0. */
const ASCII_RUN_CODE = Uint16Array.from({ length: 128 }, (_, code) => (isRunCode(lowered(code)) ? lowered(code) : 0));

/** A code unit as written, lowered if it is an ASCII capital, when it belongs to a run (isRunCode); else 0. */
function runCodeOf(code: number): number {
  if (code < 0x80) return ASCII_RUN_CODE[code]!;
  return isRunCode(code) ? code : 0;
}

/** The trigram of `text`'s three code units from `at` (any case), or -1 when one is no ASCII letter or digit. */
function trigramAt(text: string, at: number): number {
  const a = symbolOf(text.charCodeAt(at));
  const b = symbolOf(text.charCodeAt(at + 1));
  const c = symbolOf(text.charCodeAt(at + 2));
  return a === 0 || b === 0 || c === 0 ? -1 : (a * 37 + b) * 37 + c;
}

/** Whether `text` from `start` begins with `prefix` (lower-case), its ASCII capitals read as small letters. */
function startsWithLowered(text: string, start: number, prefix: string): boolean {
  for (let at = 3; at < prefix.length; at++) if (lowered(text.charCodeAt(start + at)) !== prefix.charCodeAt(at)) return false;
  return true;
}

/** Whether `bits` holds every one of `trigrams` from `start` to `end`. */
function holdsAll(bits: Uint32Array, trigrams: Int32Array, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const trigram = trigrams[index]!;
    if ((bits[trigram >>> 5]! & (1 << (trigram & 31))) === 0) return false;
  }
  return true;
}

/** Notes in `bits` the trigrams of a whole text. */
function markTrigramsOf(bits: Uint32Array, text: string): void {
  let start = 0;
  for (let at = 0; at <= text.length; at++) {
    const code = at < text.length ? text.charCodeAt(at) : 0;
    if (code < 128 && TRIGRAM_SYMBOL[code] !== 0) continue;
    if (at - start >= 3) markTrigrams(bits, text, start, at);
    start = at + 1;
  }
}

/** Notes in `bits` the trigrams of a run of ASCII letters and digits, `text.slice(start, end)`. */
function markTrigrams(bits: Uint32Array, text: string, start: number, end: number): void {
  let first = TRIGRAM_SYMBOL[text.charCodeAt(start)]!;
  let second = TRIGRAM_SYMBOL[text.charCodeAt(start + 1)]!;
  for (let at = start + 2; at < end; at++) {
    const third = TRIGRAM_SYMBOL[text.charCodeAt(at)]!;
    const trigram = (first * 37 + second) * 37 + third;
    bits[trigram >>> 5] = bits[trigram >>> 5]! | (1 << (trigram & 31));
    first = second;
    second = third;
  }
}

function symbolOf(code: number): number {
  return code < 128 ? TRIGRAM_SYMBOL[code]! : 0;
}

export class ItemScan {
  private readonly words = new KeyTable();
  private readonly prefixes = new KeyTable();
  private keyCount = 0;
  /** isPrefixLength[n] is 1 when some prefix key is n code units long. */
  private isPrefixLength = new Uint8Array(1);
  private longestPrefix = 0;
  /**
   * Prefixes of three letters or digits or more, by their first three as a trigram: for each, the first entry of a
   * list (-1: none) of prefixes, their keys, and the next entry. A word is compared only with the prefixes starting as
   * it does (usually none) instead of each of its beginnings being hashed and looked up; shorter prefixes, and those
   * beginning beyond ASCII, are looked up that way (`prefixes`, isPrefixLength).
   */
  private readonly prefixesByStart = new Int32Array(TRIGRAMS).fill(-1);
  /** One bit per trigram that starts a prefix: a small table read first, as most words start none. */
  private readonly prefixStarts = new Uint32Array(Math.ceil(TRIGRAMS / 32));
  private readonly startedPrefixes: string[] = [];
  private readonly startedPrefixKeys: number[] = [];
  private readonly nextStartedPrefix: number[] = [];
  private readonly prefixIds = new KeyTable();
  /** The fields some key is looked for in, as bits: only they are read. */
  private fieldsToScan = 0;
  /** The fields whose trigrams are noted. */
  private trigramFields = 0;

  // What the last scan found: for each key marked in `stamps`, the fields it is in.
  private readonly stamps = new GenerationStamps();
  private masks = new Uint8Array(16);
  private foundKeys = new Int32Array(16);
  private foundCount = 0;
  // Each unit's words as keys (NO_KEY for the others), one after another, a NO_KEY after each unit so no phrase
  // runs from one into the next; with each token its field, and the next token of the same key (-1: none), which
  // firstToken starts for each word key found.
  private tokens = new Int32Array(256);
  private tokenFields = new Uint8Array(256);
  private nextToken = new Int32Array(256);
  private tokenCount = 0;
  private firstToken = new Int32Array(16);
  private lastToken = new Int32Array(16);
  /**
   * The trigrams of the last scan's watched fields, one bit each, by field (empty for a field not watched): a field's
   * own, so that `title:/kafka/` is not run on an item whose content alone holds its trigrams.
   */
  private readonly trigramBits: Uint32Array[] = FIELD_NAMES.map(() => NO_TRIGRAMS);

  get keys(): number {
    return this.keyCount;
  }

  /** The key of a word (folded, as rules hold it), looked for in `fields`. */
  wordKey(word: string, fields: readonly FieldName[]): number {
    return this.keyIn(this.words, word, fields);
  }

  /** The key of a prefix: an item holds it when one of its words starts with it. */
  prefixKey(prefix: string, fields: readonly FieldName[]): number {
    const known = this.prefixIds.get(prefix);
    const key = this.keyIn(this.prefixIds, prefix, fields);
    if (known !== -1) return key;
    const start = prefix.length >= 3 ? trigramAt(prefix, 0) : -1;
    if (start !== -1) {
      this.startedPrefixes.push(prefix);
      this.startedPrefixKeys.push(key);
      this.nextStartedPrefix.push(this.prefixesByStart[start]!);
      this.prefixesByStart[start] = this.startedPrefixes.length - 1;
      this.prefixStarts[start >>> 5] = this.prefixStarts[start >>> 5]! | (1 << (start & 31));
      return key;
    }
    this.prefixes.set(prefix, key);
    if (prefix.length >= this.isPrefixLength.length) {
      const grown = new Uint8Array(prefix.length + 1);
      grown.set(this.isPrefixLength);
      this.isPrefixLength = grown;
    }
    this.isPrefixLength[prefix.length] = 1;
    this.longestPrefix = Math.max(this.longestPrefix, prefix.length);
    return key;
  }

  /** From now on, notes the trigrams of `fields` too (see mayHoldAll). */
  watchTrigrams(fields: readonly FieldName[]): void {
    const mask = fieldMask(fields);
    this.fieldsToScan |= mask;
    this.trigramFields |= mask;
    for (let field = 0; field < FIELD_NAMES.length; field++) {
      if ((mask & (1 << field)) !== 0 && this.trigramBits[field]!.length === 0) this.trigramBits[field] = new Uint32Array(Math.ceil(TRIGRAMS / 32));
    }
  }

  /**
   * False when no unit of `fields` can hold the literal whose trigramsOf are `trigrams` from `start` to `end`: each of
   * the fields lacks one of them (a field's units noted together). True when one may, or when one of `fields` is not
   * watched. The trigrams are those of each unit's `plainLowerCase`, what regular expressions' literals are looked for
   * in (`plain` lower-cased has the same ASCII trigrams); scanUnit says how it reads them without making that string.
   */
  mayHoldAll(trigrams: Int32Array, start: number, end: number, fields: number): boolean {
    if ((fields & this.trigramFields) !== fields) return true;
    for (let field = 0; field < FIELD_NAMES.length; field++) {
      if ((fields & (1 << field)) !== 0 && holdsAll(this.trigramBits[field]!, trigrams, start, end)) return true;
    }
    return false;
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
      const trigrams = (this.trigramFields & bit) !== 0 ? this.trigramBits[field]! : null;
      for (const unit of text.unitsOf(FIELD_NAMES[field]!)) this.scanUnit(unit.raw, bit, trigrams);
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

  /** Whether one unit of `fields` holds the words of the keys from `keys[first]` to before `keys[end]`, one after another. */
  hasSequence(keys: Int32Array, first: number, end: number, fields: number): boolean {
    let common = fields;
    for (let index = first; index < end; index++) common &= this.fieldsOf(keys[index]!);
    if (common === 0) return false;
    const tokens = this.tokens;
    const length = end - first;
    const last = this.tokenCount - length;
    for (let start = this.firstToken[keys[first]!]!; start !== -1 && start <= last; start = this.nextToken[start]!) {
      if ((this.tokenFields[start]! & common) === 0) continue;
      let offset = 1;
      while (offset < length && tokens[start + offset] === keys[first + offset]) offset++;
      if (offset === length) return true;
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
    for (const bits of this.trigramBits) bits.fill(0);
    this.tokenCount = 0;
    if (this.firstToken.length < this.keyCount) {
      this.firstToken = new Int32Array(this.keyCount * 2);
      this.lastToken = new Int32Array(this.keyCount * 2);
    }
  }

  /**
   * Reads one unit's words as written (ASCII capitals are lowered as they are read), and its trigrams if asked.
   *
   * A run of letters and digits holding others than ASCII ones is lower-cased, folded and split (wordsOfRun): the
   * same words wordsOfLowerCase reads in the unit's lowerCase, since no ASCII character lower-cases to anything else
   * and only the Kelvin sign and İ lower-case to ASCII letters (which stay in their run); lower-casing a run alone
   * differs from lower-casing it in place only in a final sigma, and folding makes every sigma σ.
   *
   * The trigrams are those of the unit's plainLowerCase, read run by run: an ASCII run is its own NFKC form, and a
   * run holding others is made plainLowerCase alone (NFKC, lower case, ſ as s). That finds every trigram of the
   * whole: runs are split by ASCII characters other than letters and digits, which NFKC leaves apart from both
   * neighbours but for composing one with a combining mark after it, which makes no ASCII letter or digit.
   */
  private scanUnit(text: string, bit: number, trigrams: Uint32Array | null): void {
    const length = text.length;
    let at = 0;
    while (at < length) {
      let code = runCodeOf(text.charCodeAt(at));
      if (code === 0) {
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
      } while (at < length && (code = runCodeOf(text.charCodeAt(at))) !== 0);
      if (ascii) {
        this.word(text, start, at, hash, bit);
        if (trigrams !== null && at - start >= 3) markTrigrams(trigrams, text, start, at);
      } else {
        const run = text.slice(start, at);
        for (const word of wordsOfRun(run.toLowerCase())) this.word(word, 0, word.length, hashOf(word), bit);
        if (trigrams !== null) markTrigramsOf(trigrams, plainLowerCaseOf(run));
      }
    }
    this.pushGap();
  }

  /** A word of the item, `text.slice(start, end)`: its key, and those of the prefixes it starts with. */
  private word(text: string, start: number, end: number, hash: number, bit: number): void {
    const key = this.words.find(text, start, end, hash);
    if (key === -1) this.pushGap();
    else {
      const token = this.pushToken(key, bit);
      if (this.mark(key, bit)) this.firstToken[key] = token;
      else this.nextToken[this.lastToken[key]!] = token;
      this.lastToken[key] = token;
    }
    if (end - start >= 3) this.startedPrefixesOf(text, start, end, bit);
    if (this.longestPrefix === 0) return;
    const last = Math.min(end, start + this.longestPrefix);
    let prefixHash = HASH_START;
    for (let at = start; at < last; at++) {
      prefixHash = hashStep(prefixHash, lowered(text.charCodeAt(at)));
      if (this.isPrefixLength[at - start + 1] !== 1) continue;
      const prefix = this.prefixes.find(text, start, at + 1, prefixHash);
      if (prefix !== -1) this.mark(prefix, bit);
    }
  }

  /** Marks the prefixes of three letters or digits or more that start the word `text.slice(start, end)`. */
  private startedPrefixesOf(text: string, start: number, end: number, bit: number): void {
    const trigram = trigramAt(text, start);
    if (trigram === -1 || (this.prefixStarts[trigram >>> 5]! & (1 << (trigram & 31))) === 0) return;
    const prefixes = this.startedPrefixes;
    for (let entry = this.prefixesByStart[trigram]!; entry !== -1; entry = this.nextStartedPrefix[entry]!) {
      const prefix = prefixes[entry]!;
      if (prefix.length <= end - start && startsWithLowered(text, start, prefix)) this.mark(this.startedPrefixKeys[entry]!, bit);
    }
  }

  /** Marks a key found in the field `bit`; true if it is the first time in this item. */
  private mark(key: number, bit: number): boolean {
    if (!this.stamps.mark(key)) {
      this.masks[key] = this.masks[key]! | bit;
      return false;
    }
    this.masks[key] = bit;
    this.foundKeys[this.foundCount++] = key;
    return true;
  }

  /** Ends a phrase: a word that is no key, or the end of a unit. Words that are no key in a row need one gap only. */
  private pushGap(): void {
    if (this.tokenCount === 0 || this.tokens[this.tokenCount - 1] !== NO_KEY) this.pushToken(NO_KEY, 0);
  }

  /** Appends a token (a key or NO_KEY) of the field `bit`; returns its index. */
  private pushToken(key: number, bit: number): number {
    if (this.tokenCount === this.tokens.length) {
      const size = this.tokens.length * 2;
      this.tokens = grownTo(this.tokens, new Int32Array(size));
      this.tokenFields = grownTo(this.tokenFields, new Uint8Array(size));
      this.nextToken = grownTo(this.nextToken, new Int32Array(size));
    }
    const token = this.tokenCount++;
    this.tokens[token] = key;
    this.tokenFields[token] = bit;
    this.nextToken[token] = -1;
    return token;
  }
}

function grownTo<A extends Int32Array | Uint8Array>(from: A, to: A): A {
  to.set(from);
  return to;
}
