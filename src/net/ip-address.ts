/**
 * Parses IP address text into numbers. Takes the forms people and resolvers write:
 * IPv4 in the inet_aton style (1 to 4 parts, each decimal, 0x-hex or 0-octal, so "2130706433",
 * "0x7f.1" and "0177.0.0.1" all mean 127.0.0.1) and IPv6 with "::", an embedded dotted quad,
 * brackets and a zone id. Returns undefined for anything else; never throws.
 */

/** An IPv4 address as an unsigned 32-bit number, or undefined when the text is not one. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  // inet_aton tolerates one trailing dot ("127.0.0.1."), as does the WHATWG host parser.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0 || parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const value = parseIPv4Part(part);
    if (value === undefined) return undefined;
    numbers.push(value);
  }
  // Every part but the last is one byte; the last fills the remaining bytes.
  const last = numbers.pop() as number;
  if (numbers.some((n) => n > 255)) return undefined;
  const remainingBytes = 4 - numbers.length;
  if (last >= 2 ** (8 * remainingBytes)) return undefined;
  let value = 0;
  for (const n of numbers) value = value * 256 + n;
  return value * 2 ** (8 * remainingBytes) + last;
}

function parseIPv4Part(part: string): number | undefined {
  let digits = part;
  let radix = 10;
  if (/^0x/i.test(part)) {
    digits = part.slice(2);
    radix = 16;
    if (digits === '') return 0;
  } else if (part.length > 1 && part.startsWith('0')) {
    digits = part.slice(1);
    radix = 8;
  }
  const pattern = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!pattern.test(digits)) return undefined;
  const value = parseInt(digits, radix);
  return value <= 0xffffffff ? value : undefined;
}

/** An IPv6 address as eight 16-bit groups, or undefined when the text is not one. */
export function parseIPv6(text: string): number[] | undefined {
  let address = text;
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  const zone = address.indexOf('%');
  if (zone !== -1) address = address.slice(0, zone);
  if (!address.includes(':')) return undefined;

  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '', true) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  if (head.length + tail.length > 7) return undefined;
  const zeros = new Array<number>(8 - head.length - tail.length).fill(0);
  return [...head, ...zeros, ...tail];
}

/** Parses colon-separated groups; a dotted quad may end the list when it is the address's end. */
function parseGroups(text: string, mayEndWithIPv4: boolean): number[] | undefined {
  if (text === '') return [];
  const pieces = text.split(':');
  const groups: number[] = [];
  for (const [index, piece] of pieces.entries()) {
    if (index === pieces.length - 1 && mayEndWithIPv4 && piece.includes('.')) {
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(piece)) return undefined;
      const bytes = piece.split('.').map(Number);
      if (bytes.some((b) => b > 255)) return undefined;
      const [a = 0, b = 0, c = 0, d = 0] = bytes;
      groups.push(a * 256 + b, c * 256 + d);
    } else {
      if (!/^[0-9a-f]{1,4}$/i.test(piece)) return undefined;
      groups.push(parseInt(piece, 16));
    }
  }
  return groups;
}

/** The IPv4 address held in two 16-bit groups. */
export function ipv4FromGroups(high: number, low: number): number {
  return high * 0x10000 + low;
}
