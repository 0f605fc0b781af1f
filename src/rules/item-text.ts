/**
 * An item's text as rules see it: for each field, its text units (one per category, one for any
 * other field), each folded and split into words at most once, and only when a term asks for it.
 * Prepare an item once with prepareRuleItem and pass the result to evaluateRule for every rule,
 * so many rules share the folding.
 */
import { foldSpaces, htmlToText } from '../text/html-to-text.ts';
import type { FieldName } from './fields.ts';
import { foldForMatching, wordsOfLowerCase } from './words.ts';

/**
 * What a rule is evaluated against: an Item (src/feeds/item.ts) plus the feed's title fits.
 * `content` is the plain text of the item's content; when it is absent, the text of `contentHtml`
 * is used, converted only if a term looks in the content.
 */
export interface RuleItem {
  title: string;
  summary: string;
  content?: string;
  contentHtml?: string;
  author?: string;
  categories: readonly string[];
  link?: string;
  feedTitle?: string;
}

/** One piece of an item's text: a field's value, or one category. */
export class TextUnit {
  private foldedText: string | undefined;
  private plainText: string | undefined;
  private plainLower: string | undefined;
  private lower: string | undefined;
  private wordList: readonly string[] | undefined;
  private wordLookup: ReadonlySet<string> | undefined;

  /**
   * `raw` is the text as written, or (`spacesUnfolded`) HTML's text with its whitespace not yet folded: words are read
   * from it alike, and it is folded only for regular expressions, which see the text foldSpaces makes of it.
   */
  constructor(
    readonly field: FieldName,
    readonly raw: string,
    private readonly spacesUnfolded = false,
  ) {}

  /** Case and accents folded, whitespace collapsed. */
  get folded(): string {
    return (this.foldedText ??= foldForMatching(this.raw));
  }

  /** The text as written with full-width and other compatibility forms made plain (NFKC), for regular expressions. */
  get plain(): string {
    return (this.plainText ??= this.spaced.normalize('NFKC'));
  }

  /**
   * `plain` lower-cased, for the required literals of case-insensitive patterns: ſ is s there, as RE2 folds it
   * (toLowerCase already makes the Kelvin sign k).
   */
  get plainLowerCase(): string {
    return (this.plainLower ??= plainLowerCaseOf(this.spaced));
  }

  /** The text regular expressions read (before NFKC): its whitespace folded if HTML's text left it as written. */
  private get spaced(): string {
    return this.spacesUnfolded ? foldSpaces(this.raw) : this.raw;
  }

  /** The text as written, lower-cased: what its words are read from. */
  get lowerCase(): string {
    return (this.lower ??= this.raw.toLowerCase());
  }

  get words(): readonly string[] {
    return (this.wordList ??= wordsOfLowerCase(this.lowerCase));
  }

  get wordSet(): ReadonlySet<string> {
    return (this.wordLookup ??= new Set(this.words));
  }
}

export class ItemText {
  private readonly units = new Map<FieldName, readonly TextUnit[]>();

  constructor(private readonly item: RuleItem) {}

  unitsOf(field: FieldName): readonly TextUnit[] {
    let units = this.units.get(field);
    if (units === undefined) {
      units = this.readField(field);
      this.units.set(field, units);
    }
    return units;
  }

  private readField(field: FieldName): readonly TextUnit[] {
    const item = this.item;
    const units = (texts: readonly string[]) => texts.map((raw) => new TextUnit(field, raw));
    switch (field) {
      case 'title':
        return units([item.title]);
      case 'summary':
        return units([item.summary]);
      case 'content':
        if (item.content !== undefined || item.contentHtml === undefined) return units(present(item.content));
        return contentOfHtml(item.contentHtml);
      case 'author':
        return units(present(item.author));
      case 'category':
        return units(item.categories);
      case 'link':
        return units(present(item.link));
      case 'feed':
        return units(present(item.feedTitle));
    }
  }
}

/** What TextUnit's plainLowerCase is for a text. */
export function plainLowerCaseOf(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\u017f/g, 's');
}

export function prepareRuleItem(item: RuleItem): ItemText {
  return new ItemText(item);
}

/** HTML content as its text with the whitespace not yet folded (see TextUnit): no unit if folding would leave it empty. */
function contentOfHtml(html: string): readonly TextUnit[] {
  const unfolded = htmlToText(html, { foldSpaces: false });
  return NOT_SPACE.test(unfolded) ? [new TextUnit('content', unfolded, true)] : [];
}

const NOT_SPACE = /\S/;

function present(value: string | undefined): readonly string[] {
  return value === undefined || value === '' ? [] : [value];
}
