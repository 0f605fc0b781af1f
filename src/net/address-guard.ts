/**
 * Keeps untrusted URLs (pasted in chat) away from the operator's own network.
 * Takes a URL or an address and answers whether Herald may fetch it: `checkUrlSyntax` refuses
 * non-http(s) schemes, credentials and literal private IPs; `createGuardedLookup` returns a
 * dns.lookup replacement for http.request's `lookup` option that refuses private addresses after
 * resolution, so a public name pointing at 127.0.0.1 is caught on every connection.
 * Failures are HeraldErrors with code 'invalid-url' or 'blocked-address'.
 */
import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { HeraldError } from '../errors.ts';
import { ipv4FromGroups, parseIPv4, parseIPv6 } from './ip-address.ts';

const BLOCKED_USER_MESSAGE =
  'That address is on a private network (or is this machine itself), so Herald will not fetch it. Use a public http or https URL.';

/** [first address, prefix length] of IPv4 ranges that are not on the public internet. */
const NON_PUBLIC_IPV4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", incl. the unspecified 0.0.0.0
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, incl. the 169.254.169.254 cloud metadata service
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast 255.255.255.255
];

const IPV4_RANGES = NON_PUBLIC_IPV4.map(([base, prefix]) => {
  const size = 2 ** (32 - prefix);
  return { start: parseIPv4(base) as number, size };
});

/**
 * True when `ip` is not a public unicast address: loopback, private, link-local, unspecified,
 * CGNAT, multicast, reserved or documentation ranges, including IPv4 addresses wrapped in IPv6
 * (mapped, compatible, NAT64, 6to4, Teredo). Text that is not an IP address counts as private,
 * so a caller that passes something unexpected fails closed.
 */
export function isPrivateAddress(ip: string): boolean {
  const v4 = parseIPv4(ip.trim());
  if (v4 !== undefined) return isPrivateIPv4(v4);
  const v6 = parseIPv6(ip.trim());
  if (v6 !== undefined) return isPrivateIPv6(v6);
  return true;
}

function isPrivateIPv4(address: number): boolean {
  return IPV4_RANGES.some(({ start, size }) => address >= start && address < start + size);
}

function isPrivateIPv6(g: readonly number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = ipv4FromGroups(g6, g7);
  const firstFourZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0;
  if (firstFourZero && g4 === 0 && g5 === 0xffff) return isPrivateIPv4(embedded); // ::ffff:a.b.c.d mapped
  if (firstFourZero && g4 === 0xffff && g5 === 0) return isPrivateIPv4(embedded); // ::ffff:0:a.b.c.d translated
  if (firstFourZero && g4 === 0 && g5 === 0) {
    // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
    return embedded <= 1 || isPrivateIPv4(embedded);
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isPrivateIPv4(embedded); // NAT64
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return true; // local-use NAT64
  if (g0 === 0x2002) return isPrivateIPv4(ipv4FromGroups(g1, g2)); // 6to4
  if (g0 === 0x2001 && g1 === 0) return isPrivateIPv4(ipv4FromGroups(g6 ^ 0xffff, g7 ^ 0xffff)); // Teredo client
  if (g0 === 0x2001 && g1 === 0x0db8) return true; // documentation
  if (g0 === 0x3fff && g1 <= 0x0fff) return true; // documentation (3fff::/20)
  // Everything outside global unicast 2000::/3: unique-local fc00::/7, link-local fe80::/10,
  // site-local fec0::/10, multicast ff00::/8, discard 100::/64 and the unassigned rest.
  return (g0 & 0xe000) !== 0x2000;
}

/** The host of a parsed URL as an address, when it is a literal IP (WHATWG already normalised it). */
function literalAddressOf(url: URL): string | undefined {
  const host = url.hostname;
  if (host.startsWith('[')) return host.slice(1, -1);
  return parseIPv4(host) !== undefined ? host : undefined;
}

/**
 * Parses a URL given by a user and checks what can be checked without DNS: the scheme is http or
 * https, there are no credentials, and a literal IP host (in any of its encodings) is public.
 * Returns the parsed URL; throws HeraldError 'invalid-url' or 'blocked-address'.
 */
export function checkUrlSyntax(url: string, options: { readonly allowPrivate?: boolean } = {}): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch (cause) {
    throw new HeraldError('invalid-url', `Not a valid URL: ${JSON.stringify(url)}`, {
      userMessage: `That doesn't look like a web address: ${url}. Give a full URL such as https://example.com/feed.xml`,
      cause,
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new HeraldError('invalid-url', `Refused URL with scheme ${parsed.protocol} (${url})`, {
      userMessage: `Only http and https URLs can be watched; ${parsed.protocol.replace(/:$/, '')} URLs cannot.`,
    });
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new HeraldError('invalid-url', `Refused URL with credentials for host ${parsed.host}`, {
      userMessage: 'URLs with a user name or password in them cannot be watched; remove the "user:password@" part.',
    });
  }
  const literal = literalAddressOf(parsed);
  if (options.allowPrivate !== true && literal !== undefined && isPrivateAddress(literal)) {
    throw blockedAddressError(parsed.hostname, literal);
  }
  return parsed;
}

function blockedAddressError(hostname: string, address: string): HeraldError {
  const resolved = hostname === address || hostname === `[${address}]` ? '' : ` (resolves to ${address})`;
  return new HeraldError('blocked-address', `Refused private address ${hostname}${resolved}`, {
    userMessage: BLOCKED_USER_MESSAGE,
  });
}

type LookupCallback = Parameters<LookupFunction>[2];

/**
 * A drop-in for dns.lookup (the `lookup` option of http.request and net.connect) that resolves
 * every address of the host and fails with HeraldError 'blocked-address' when any one of them is
 * private, so that a name with one public and one private record cannot slip through.
 * `resolve` replaces dns.lookup, for tests.
 */
export function createGuardedLookup(
  options: { readonly allowPrivate?: boolean; readonly resolve?: LookupFunction } = {},
): LookupFunction {
  const resolve: LookupFunction = options.resolve ?? (dns.lookup as LookupFunction);
  return (hostname: string, optionsOrCallback: LookupOptions | LookupCallback, maybeCallback?: LookupCallback): void => {
    // dns.lookup's options are optional; some callers pass the callback second.
    const lookupOptions = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback) as LookupCallback;
    const wantsAll = lookupOptions.all === true;
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) {
        callback(error, wantsAll ? [] : '');
        return;
      }
      const list: LookupAddress[] = Array.isArray(addresses)
        ? addresses
        : [{ address: addresses, family: addresses.includes(':') ? 6 : 4 }];
      const blocked = options.allowPrivate === true ? undefined : list.find((entry) => isPrivateAddress(entry.address));
      if (blocked !== undefined) {
        callback(blockedAddressError(hostname, blocked.address) as NodeJS.ErrnoException, wantsAll ? [] : '');
        return;
      }
      const first = list[0];
      if (first === undefined) {
        const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        notFound.code = 'ENOTFOUND';
        callback(notFound, wantsAll ? [] : '');
        return;
      }
      if (wantsAll) callback(null, list);
      else callback(null, first.address, first.family);
    });
  };
}
