/**
 * Image candidates from the metadata XML feeds share (Media RSS, enclosures, iTunes), best first:
 * media:thumbnail, media:content that is an image, enclosure (RSS <enclosure> or Atom rel="enclosure")
 * that is an image, itunes:image. Each URL is resolved against its element's xml:base and the feed URL.
 */
import { baseOf } from './normalise.ts';
import { resolveUrl } from '../net/http-url.ts';
import type { XmlElement } from './xml.ts';
import { childElements } from './xml-read.ts';

const IMAGE_EXTENSION = /\.(?:jpe?g|png|gif|webp|avif|bmp|svg)(?:[?#]|$)/i;

export function imageCandidates(item: XmlElement, feedUrl: string): string[] {
  const thumbnails: string[] = [];
  const contents: string[] = [];
  const enclosures: string[] = [];
  const others: string[] = [];
  const collect = (parent: XmlElement): void => {
    for (const child of childElements(parent)) {
      switch (child.name) {
        case 'media:group':
          collect(child);
          break;
        case 'media:thumbnail':
          push(thumbnails, child.attrs.url, child, feedUrl);
          break;
        case 'media:content':
          if (isImage(child.attrs.medium, child.attrs.type, child.attrs.url)) push(contents, child.attrs.url, child, feedUrl);
          for (const nested of childElements(child, 'media:thumbnail')) push(thumbnails, nested.attrs.url, nested, feedUrl);
          break;
        case 'enclosure':
          if (isImage(undefined, child.attrs.type, child.attrs.url)) push(enclosures, child.attrs.url, child, feedUrl);
          break;
        case 'atom:link':
        case 'link':
          if (child.attrs.rel === 'enclosure' && isImage(undefined, child.attrs.type, child.attrs.href)) {
            push(enclosures, child.attrs.href, child, feedUrl);
          }
          break;
        case 'itunes:image':
          push(others, child.attrs.href ?? child.attrs.url, child, feedUrl);
          break;
        default:
          break;
      }
    }
  };
  collect(item);
  return [...thumbnails, ...contents, ...enclosures, ...others];
}

function isImage(medium: string | undefined, type: string | undefined, url: string | undefined): boolean {
  if (medium !== undefined) return medium.trim().toLowerCase() === 'image';
  if (type !== undefined && type.trim() !== '') return type.trim().toLowerCase().startsWith('image/');
  return url !== undefined && IMAGE_EXTENSION.test(url.trim());
}

function push(list: string[], url: string | undefined, element: XmlElement, feedUrl: string): void {
  const resolved = resolveUrl(url, baseOf(element, feedUrl));
  if (resolved !== undefined) list.push(resolved);
}
