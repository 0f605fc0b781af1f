/**
 * Turns a feed's bytes into text. The charset is taken from, in order: a byte order mark, the HTTP Content-Type
 * charset, the XML declaration's encoding, UTF-8 when the bytes are valid UTF-8, and windows-1252 otherwise.
 * Legacy charsets go through iconv-lite: Node 20's TextDecoder maps windows-1252 0x80-0x9F wrongly.
 * Never throws; the result never starts with a BOM.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

// Labels the web treats as windows-1252 (the WHATWG Encoding Standard): servers say latin-1 and mean 1252.
const WINDOWS_1252_ALIASES = new Set([
  'us-ascii', 'ascii', 'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'latin-1', 'l1', 'cp819', 'ibm819',
  'iso-ir-100', 'csisolatin1', 'x-cp1252', 'cp1252', 'windows-1252', 'ansi_x3.4-1968',
]);

export function decodeFeedBytes(bytes: Uint8Array, contentType?: string): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const charset =
    charsetFromBom(buffer) ??
    charsetFromContentType(contentType) ??
    charsetFromLayout(buffer) ??
    charsetFromXmlDeclaration(buffer);
  return stripBom(decodeAs(buffer, charset));
}

function charsetFromBom(bytes: Buffer): string | undefined {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return 'utf-8';
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return 'utf-32le';
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return 'utf-32be';
  if (b0 === 0xff && b1 === 0xfe) return 'utf-16le';
  if (b0 === 0xfe && b1 === 0xff) return 'utf-16be';
  return undefined;
}

/** The `charset` parameter of a Content-Type header, when iconv-lite knows it. */
function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const match = /;\s*charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType);
  return usableCharset(match?.[1]);
}

/** UTF-16/32 without a BOM, recognised by how '<' (or '<?') is laid out in the first bytes. */
function charsetFromLayout(bytes: Buffer): string | undefined {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (b0 === 0x3c && b1 === 0 && b2 === 0 && b3 === 0) return 'utf-32le';
  if (b0 === 0 && b1 === 0 && b2 === 0 && b3 === 0x3c) return 'utf-32be';
  if (b0 === 0x3c && b1 === 0 && b2 !== 0) return 'utf-16le';
  if (b0 === 0 && b1 === 0x3c) return 'utf-16be';
  return undefined;
}

function charsetFromXmlDeclaration(bytes: Buffer): string | undefined {
  const head = bytes.toString('latin1', 0, Math.min(bytes.length, 512));
  const match = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  const charset = usableCharset(match?.[1]);
  // The bytes read as ASCII, so a declared UTF-16/32 is a lie left by a re-encoding tool.
  return charset !== undefined && /^utf-?(16|32)/.test(charset) ? undefined : charset;
}

function usableCharset(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  const name = label.trim().toLowerCase();
  if (WINDOWS_1252_ALIASES.has(name)) return 'windows-1252';
  if (name === 'utf8' || name === 'utf-8') return 'utf-8';
  return iconv.encodingExists(name) ? name : undefined;
}

function decodeAs(bytes: Buffer, charset: string | undefined): string {
  if (charset === undefined) return isUtf8(bytes) ? bytes.toString('utf8') : iconv.decode(bytes, 'windows-1252');
  if (charset === 'utf-8') {
    // Declared UTF-8 that is not: such feeds are nearly always windows-1252 served under the wrong label.
    return isUtf8(bytes) || hasUtf8Sequences(bytes) ? bytes.toString('utf8') : iconv.decode(bytes, 'windows-1252');
  }
  return iconv.decode(bytes, charset);
}

/** Whether any multi-byte UTF-8 sequence appears (a mostly-UTF-8 text with a stray bad byte stays UTF-8). */
function hasUtf8Sequences(bytes: Buffer): boolean {
  for (let index = 0; index + 1 < bytes.length; index += 1) {
    const lead = bytes[index] ?? 0;
    const next = bytes[index + 1] ?? 0;
    if (lead >= 0xc2 && lead <= 0xf4 && next >= 0x80 && next <= 0xbf) return true;
  }
  return false;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
