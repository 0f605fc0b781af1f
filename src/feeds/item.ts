/** The normalised shapes every feed format is turned into (DESIGN.md, "The item"). */

export interface Item {
  readonly feedUrl: string;
  /** guid, else link, else a hash of title + date + summary. */
  readonly id: string;
  readonly title: string;
  /** Absolute: xml:base and the feed URL resolved. */
  readonly link?: string;
  readonly published?: Date;
  readonly updated?: Date;
  readonly author?: string;
  readonly categories: readonly string[];
  /** Plain text, entities decoded, whitespace folded. */
  readonly summary: string;
  readonly contentHtml?: string;
  /** First of media:thumbnail, media:content, enclosure image, <img>. */
  readonly image?: string;
}

export interface ParsedFeed {
  readonly format: 'rss' | 'atom' | 'json';
  readonly title: string;
  /** The site's home page, absolute. */
  readonly link?: string;
  /** RSS <ttl> in minutes, when the feed states one. */
  readonly ttlMinutes?: number;
  readonly items: readonly Item[];
}
