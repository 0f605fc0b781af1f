/**
 * Regular expression terms, `/pattern/flags`, written as JavaScript writes them and run by re2js, a port of
 * RE2: matching takes time linear in the text whatever the pattern, so no rule can stall Herald
 * (bench/rules.ts measures it against the alternatives). RE2 cannot run backreferences or lookaround in
 * linear time, so patterns using them are refused at entry, with why and what to write instead.
 * Flags: i (ignore case), m (^ and $ at line ends), s (. matches newlines), u (accepted; RE2 always reads
 * Unicode). The pattern sees a field's text as written, HTML removed and full-width forms made plain
 * (ＫＡＦＫＡ is KAFKA), with case and accents kept: add i to ignore case.
 */
import { RE2JS } from 're2js';
import type { TermMatcher, TermNode } from './ast.ts';
import type { TextUnit } from './item-text.ts';
import type { FieldName } from './fields.ts';
import { RuleSyntaxError } from './rule-syntax-error.ts';

/** What a compiled pattern offers a matcher: is it found anywhere in the text. */
export interface RegexTest {
  test(input: string): boolean;
}

export interface RegexToken {
  readonly pattern: string;
  readonly flags: string;
  /** Where the opening `/` is in the rule source. */
  readonly position: number;
}

const FLAG_BITS: Readonly<Record<string, number>> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 };
const FLAGS_HINT = 'flags are i (ignore case), m (^ and $ match at line ends), s (. matches newlines) and u, like /k8s/i';
const WHY_LINEAR = 'Herald runs regular expressions in linear time so that no rule can stall it, and';

export function buildRegexTerm(token: RegexToken, field: FieldName | null, source: string): TermNode {
  const { pattern, flags, position } = token;
  const at = (offset: number): number => position + 1 + offset;
  if (pattern === '') throw new RuleSyntaxError('Empty regular expression', position, 'put a pattern between the slashes, like /k8s/i', source);
  let bits = 0;
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    const flagAt = at(pattern.length + 1 + i);
    const bit = FLAG_BITS[flag];
    if (bit === undefined) {
      const why = flag === 'g' || flag === 'y' ? 'a filter only asks whether the pattern is found, so g and y mean nothing here; ' : '';
      throw new RuleSyntaxError(`Unknown regular expression flag ${flag}`, flagAt, `${why}${FLAGS_HINT}`, source);
    }
    if (flags.indexOf(flag) !== i) throw new RuleSyntaxError(`Flag ${flag} given twice`, flagAt, `give each flag once, like /k8s/${flag}`, source);
    bits |= bit;
  }
  refuseNonLinear(pattern, at, source);
  let test: RegexTest;
  try {
    test = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (error) {
    throw refusal(error, pattern, at, source);
  }
  const ignoreCase = flags.includes('i');
  const literals = requiredLiterals(pattern, ignoreCase);
  return {
    kind: 'term', field, text: `/${pattern}/${flags}`, quoted: false, wildcard: false, position,
    matcher: { kind: 'regex', pattern, flags, test, literals, ignoreCase },
  };
}

/**
 * Whether the pattern is found in a text unit. A text that lacks what the pattern requires (requiredLiterals)
 * cannot match, and substring searches say so far faster than the engine, case-insensitive or not.
 */
export function regexFound(matcher: Extract<TermMatcher, { kind: 'regex' }>, unit: TextUnit): boolean {
  const { literals } = matcher;
  if (literals !== null) {
    const text = matcher.ignoreCase ? unit.plainLowerCase : unit.plain;
    if (!literals.every((list) => list.some((literal) => text.includes(literal)))) return false;
  }
  return matcher.test.test(unit.plain);
}

/** Below this length a required literal is found in most texts and not worth looking for first. */
const MIN_LITERAL_LENGTH = 3;
const SPECIAL = new Set([...'\\^$.|?*+()[]{}']);

class GiveUp extends Error {}

/**
 * What every text the pattern matches contains: for each list, one of its texts (`kafka.{0,20}streams`: kafka, and
 * streams; `k8s|kubernetes`: one of the two). Lower-cased when the pattern ignores case (then only ASCII, whose case
 * RE2 and toLowerCase agree on, given ſ and K); null when nothing can be told. Conservative: anything not understood
 * gives null, which only costs speed.
 */
export function requiredLiterals(pattern: string, ignoreCase: boolean): string[][] | null {
  let at = 0;
  const peek = (): string | undefined => pattern[at];
  const shortest = (texts: readonly string[]): number => Math.min(...texts.map((text) => text.length));

  /** A branch's required lists all hold; of an alternation's, only one branch does: each gives its most telling list. */
  const alternation = (): string[][] => {
    const branches = [sequence()];
    while (peek() === '|') {
      at++;
      branches.push(sequence());
    }
    if (branches.length === 1) return branches[0]!;
    const best = branches.map((lists) => lists.reduce<string[] | undefined>((found, list) => (found === undefined || shortest(list) > shortest(found) ? list : found), undefined));
    if (best.some((list) => list === undefined)) return [];
    return [[...new Set(best.flat() as string[])]];
  };

  const sequence = (): string[][] => {
    const required: string[][] = [];
    let run = '';
    const endRun = (): void => {
      if (run.length >= MIN_LITERAL_LENGTH) required.push([run]);
      run = '';
    };
    while (at < pattern.length && peek() !== '|' && peek() !== ')') {
      const atom = readAtom();
      const quantifier = readQuantifier();
      if (quantifier === 'optional') {
        endRun();
        continue;
      }
      if (atom.kind === 'char') {
        run += atom.char;
        if (quantifier === 'repeated') endRun();
      } else {
        endRun();
        if (atom.kind === 'group') required.push(...atom.required.filter((list) => shortest(list) >= MIN_LITERAL_LENGTH));
      }
    }
    endRun();
    return required;
  };

  type Atom = { kind: 'char'; char: string } | { kind: 'group'; required: string[][] } | { kind: 'other' };

  const readAtom = (): Atom => {
    const ch = pattern[at]!;
    if (ch === '\\') {
      const next = pattern[at + 1];
      if (next === undefined) throw new GiveUp();
      at += 2;
      if (/[A-Za-z0-9]/.test(next)) {
        // \d \w \b \n \x41 \u00e9 ...: a class, an assertion or a character written in code: no literal.
        if (next === 'x') at += 2;
        else if (next === 'u') at += pattern[at] === '{' ? pattern.indexOf('}', at) - at + 1 : 4;
        else if ((next === 'p' || next === 'P') && pattern[at] === '{') at = pattern.indexOf('}', at) + 1;
        if (at <= 0) throw new GiveUp();
        return { kind: 'other' };
      }
      return charAtom(next);
    }
    if (ch === '[') {
      at++;
      if (pattern[at] === '^') at++;
      if (pattern[at] === ']') throw new GiveUp();
      while (at < pattern.length && pattern[at] !== ']') at += pattern[at] === '\\' ? 2 : 1;
      if (at >= pattern.length) throw new GiveUp();
      at++;
      return { kind: 'other' };
    }
    if (ch === '(') {
      at++;
      if (pattern[at] === '?') {
        if (pattern[at + 1] === ':') at += 2;
        else if (pattern[at + 1] === '<' && /[A-Za-z_]/.test(pattern[at + 2] ?? '')) at = pattern.indexOf('>', at) + 1;
        else throw new GiveUp();
        if (at <= 0) throw new GiveUp();
      }
      const required = alternation();
      if (peek() !== ')') throw new GiveUp();
      at++;
      return { kind: 'group', required };
    }
    // A whole code point, as RE2 reads it: a quantifier after an emoji applies to all of it.
    const point = String.fromCodePoint(pattern.codePointAt(at)!);
    at += point.length;
    if (point === '.' || point === '^' || point === '$') return { kind: 'other' };
    if (SPECIAL.has(point)) throw new GiveUp();
    return charAtom(point);
  };

  const charAtom = (ch: string): Atom => {
    if (!ignoreCase) return { kind: 'char', char: ch };
    return /^[\x20-\x7e]$/.test(ch) ? { kind: 'char', char: ch.toLowerCase() } : { kind: 'other' };
  };

  /** `?`, `*`, `{0,…}`: the atom may be absent; `+`, `{n…}`: it is there, maybe repeated. */
  const readQuantifier = (): 'once' | 'optional' | 'repeated' => {
    const ch = peek();
    let kind: 'once' | 'optional' | 'repeated' = 'once';
    if (ch === '?' || ch === '*') {
      at++;
      kind = 'optional';
    } else if (ch === '+') {
      at++;
      kind = 'repeated';
    } else if (ch === '{') {
      const quantifier = /^\{(\d+)(,\d*)?\}/.exec(pattern.slice(at));
      if (quantifier === null) throw new GiveUp();
      at += quantifier[0].length;
      kind = Number(quantifier[1]) === 0 ? 'optional' : 'repeated';
    }
    if (kind !== 'once' && peek() === '?') at++;
    return kind;
  };

  try {
    const required = alternation();
    return at === pattern.length && required.length > 0 ? required : null;
  } catch (error) {
    if (error instanceof GiveUp) return null;
    throw error;
  }
}

/** Backreferences and lookaround, found before RE2 sees them so the refusal can say why and where. */
function refuseNonLinear(pattern: string, at: (offset: number) => number, source: string): void {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || pattern.startsWith('k<', i + 1))) {
        const written = next === 'k' ? pattern.slice(i, pattern.indexOf('>', i) + 1 || pattern.length) : pattern.slice(i).match(/^\\\d+/)![0];
        throw new RuleSyntaxError(
          `Backreference ${written} in a regular expression`,
          at(i),
          `${WHY_LINEAR} backreferences cannot run that way; write the repeated text out, like /(na)na/ for /(na)\\1/`,
          source,
        );
      }
      i++;
    } else if (ch === '[') {
      inClass = true;
    } else if (ch === ']') {
      inClass = false;
    } else if (ch === '(' && !inClass) {
      const look = /^\(\?<?[=!]/.exec(pattern.slice(i))?.[0];
      if (look !== undefined) {
        const kind = look.includes('<') ? 'Lookbehind' : 'Lookahead';
        throw new RuleSyntaxError(
          `${kind} ${look} in a regular expression`,
          at(i),
          `${WHY_LINEAR} lookaround cannot run that way; use the rule's NOT instead, like title:/rust/ -title:"rust belt" for title:/rust(?! belt)/`,
          source,
        );
      }
    }
  }
}

interface Re2SyntaxError {
  readonly error?: unknown;
  readonly input?: unknown;
}

function refusal(error: unknown, pattern: string, at: (offset: number) => number, source: string): RuleSyntaxError {
  const { error: what, input } = (error ?? {}) as Re2SyntaxError;
  if (typeof what !== 'string') return new RuleSyntaxError('Invalid regular expression', at(0), `fix the pattern, like /\\bk8s\\b/i`, source);
  // RE2 names the part at fault; when that is the whole pattern (an unclosed group) the caret says enough.
  const named = typeof input === 'string' ? input.replace(/^\(\?[a-z]+\)/, '') : '';
  const fragment = named === pattern ? '' : named;
  const found = named === '' ? -1 : pattern.indexOf(named);
  const hint = what.includes('repeat count')
    ? 'RE2 allows repeat counts up to 1000 in all, like /a{2,5}/'
    : what.includes('escape')
      ? 'escape only what the pattern needs, like \\. \\/ \\d \\w \\s \\b; to search for text, put it in quotes'
      : 'fix the pattern, like /\\bk8s\\b/i; to search for the text itself, put it in quotes';
  return new RuleSyntaxError(`Invalid regular expression: ${what}${fragment === '' ? '' : ` ${fragment}`}`, at(Math.max(0, found)), hint, source);
}
