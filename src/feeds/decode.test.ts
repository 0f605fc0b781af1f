import { Buffer } from 'node:buffer';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from './decode.ts';

const TITLE = 'Café “quotes” – €5';

function rss(declaration: string): string {
  return `${declaration}<rss><channel><title>${TITLE}</title></channel></rss>`;
}

describe('decodeFeedBytes', () => {
  it.each([
    ['UTF-8 without any label', Buffer.from(rss('')), undefined],
    ['a UTF-8 BOM, which it removes', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rss(''))]), undefined],
    ['a UTF-16LE BOM', iconv.encode(rss(''), 'utf-16le', { addBOM: true }), undefined],
    ['a UTF-16BE BOM', iconv.encode(rss(''), 'utf-16be', { addBOM: true }), undefined],
    ['UTF-16LE without a BOM, by its layout', iconv.encode(rss('<?xml version="1.0" encoding="utf-16"?>'), 'utf-16le'), undefined],
    ['UTF-32BE without a BOM, by its layout', iconv.encode(rss(''), 'utf-32be'), undefined],
    ['the XML declaration', iconv.encode(rss('<?xml version="1.0" encoding="windows-1252"?>'), 'windows-1252'), undefined],
    ['the HTTP charset', iconv.encode(rss(''), 'windows-1252'), 'application/rss+xml; charset=windows-1252'],
    ['a quoted HTTP charset with spaces', iconv.encode(rss(''), 'windows-1252'), 'text/xml;charset = "Windows-1252"'],
    ['undeclared windows-1252 (not valid UTF-8)', iconv.encode(rss(''), 'windows-1252'), undefined],
    ['ISO-8859-1 labels, read as windows-1252 like browsers do', iconv.encode(rss('<?xml version="1.0" encoding="ISO-8859-1"?>'), 'windows-1252'), undefined],
  ])('reads %s', (_, bytes, contentType) => {
    const text = decodeFeedBytes(bytes, contentType);
    expect(text).toContain(`<title>${TITLE}</title>`);
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
  });

  it('maps windows-1252 0x80-0x9F to the characters meant (not C1 controls)', () => {
    expect(decodeFeedBytes(Buffer.from([0x93, 0x41, 0x94, 0x20, 0x80, 0x96]), 'text/xml; charset=windows-1252')).toBe('“A” €–');
  });

  it('lets the HTTP charset override the XML declaration', () => {
    const bytes = iconv.encode(rss('<?xml version="1.0" encoding="utf-8"?>'), 'windows-1252');
    expect(decodeFeedBytes(bytes, 'text/xml; charset=iso-8859-1')).toContain(TITLE);
  });

  it('lets a BOM override the HTTP charset', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rss(''))]);
    expect(decodeFeedBytes(bytes, 'text/xml; charset=windows-1252')).toContain(TITLE);
  });

  it('reads legacy multi-byte charsets through iconv-lite', () => {
    const bytes = iconv.encode('<?xml version="1.0" encoding="big5"?><rss><channel><title>中文</title></channel></rss>', 'big5');
    expect(decodeFeedBytes(bytes)).toContain('<title>中文</title>');
    const eucKr = iconv.encode('<rss><channel><title>한국어</title></channel></rss>', 'euc-kr');
    expect(decodeFeedBytes(eucKr, 'text/xml; charset=EUC-KR')).toContain('한국어');
  });

  it('falls back to windows-1252 when a declared UTF-8 document has no UTF-8 in it', () => {
    const bytes = iconv.encode(rss('<?xml version="1.0" encoding="utf-8"?>'), 'windows-1252');
    expect(decodeFeedBytes(bytes)).toContain(TITLE);
  });

  it('ignores unknown charset labels and declarations that claim UTF-16 over ASCII bytes', () => {
    expect(decodeFeedBytes(Buffer.from(rss('')), 'text/xml; charset=bogus-charset')).toContain(TITLE);
    expect(decodeFeedBytes(Buffer.from(rss('<?xml version="1.0" encoding="utf-16"?>')))).toContain(TITLE);
  });

  it('accepts a Uint8Array view into a larger buffer', () => {
    const backing = Buffer.from(`xxxx${rss('')}yyyy`);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, backing.byteLength - 8);
    expect(decodeFeedBytes(view)).toBe(rss(''));
  });

  it('returns empty text for no bytes', () => {
    expect(decodeFeedBytes(new Uint8Array())).toBe('');
  });
});
