import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HeraldError } from '../errors.ts';
import { checkUrlSyntax, createGuardedLookup, isPrivateAddress } from './address-guard.ts';
import { catchError } from '../../test/support/catch-error.ts';

describe('isPrivateAddress', () => {
  const privateAddresses: ReadonlyArray<readonly [string, string]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback /8'],
    ['10.0.0.1', 'private 10/8'],
    ['10.255.255.255', 'private 10/8 end'],
    ['172.16.0.1', 'private 172.16/12 start'],
    ['172.31.255.255', 'private 172.16/12 end'],
    ['192.168.1.1', 'private 192.168/16'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.0.1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network'],
    ['100.64.0.1', 'CGNAT start'],
    ['100.127.255.255', 'CGNAT end'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast SSDP'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['0:0:0:0:0:0:0:1', 'IPv6 loopback, long form'],
    ['fc00::1', 'unique local'],
    ['fd12:3456:789a::1', 'unique local fd'],
    ['fd00::1', 'unique local fd00::/8 start'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local with zone'],
    ['FEBF::1', 'link-local upper end, upper case'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback in hex'],
    ['::FFFF:10.1.2.3', 'IPv4-mapped private'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:0:127.0.0.1', 'IPv4-translated loopback'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['64:ff9b::10.0.0.1', 'NAT64 of private'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['2002:c0a8:101::', '6to4 of 192.168.1.1'],
    ['2001:db8::1', 'documentation'],
    ['100::1', 'discard'],
    ['[::1]', 'bracketed'],
    ['2130706433', 'decimal IPv4 loopback'],
    ['0x7f000001', 'hex IPv4 loopback'],
    ['0x7f.1', 'short hex IPv4 loopback'],
    ['0177.0.0.1', 'octal IPv4 loopback'],
    ['127.1', 'short IPv4 loopback'],
    ['017700000001', 'octal whole loopback'],
    ['not-an-ip', 'not an address at all (fails closed)'],
    ['', 'empty'],
    ['1.2.3.4.5', 'five parts'],
    ['256.1.1.1', 'out of range byte'],
  ];
  const publicAddresses: ReadonlyArray<readonly [string, string]> = [
    ['8.8.8.8', 'public IPv4'],
    ['93.184.216.34', 'public IPv4'],
    ['172.15.255.255', 'just below 172.16/12'],
    ['172.32.0.0', 'just above 172.16/12'],
    ['100.63.255.255', 'just below CGNAT'],
    ['100.128.0.0', 'just above CGNAT'],
    ['169.253.255.255', 'just below link-local'],
    ['11.0.0.1', 'just above 10/8'],
    ['223.255.255.255', 'just below multicast'],
    ['2606:4700:4700::1111', 'public IPv6'],
    ['2a00:1450:4001:82b::200e', 'public IPv6'],
    ['::ffff:8.8.8.8', 'IPv4-mapped public'],
    ['64:ff9b::808:808', 'NAT64 of public'],
    ['2002:808:808::1', '6to4 of public'],
    ['134744072', 'decimal IPv4 of 8.8.8.8'],
  ];

  it.each(privateAddresses)('%s is private (%s)', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });
  it.each(publicAddresses)('%s is public (%s)', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('checkUrlSyntax', () => {
  it.each([
    ['https://example.com/feed.xml', 'https://example.com/feed.xml'],
    ['  http://Example.COM/a b  ', 'http://example.com/a%20b'],
    ['http://8.8.8.8/rss', 'http://8.8.8.8/rss'],
    ['https://[2606:4700:4700::1111]/feed', 'https://[2606:4700:4700::1111]/feed'],
  ])('accepts %s', (input, href) => {
    expect(checkUrlSyntax(input).href).toBe(href);
  });

  it.each([
    ['ftp://example.com/feed.xml', 'Only http and https URLs can be watched'],
    ['file:///etc/passwd', 'Only http and https URLs can be watched'],
    ['javascript:alert(1)', 'Only http and https URLs can be watched'],
    ['gopher://example.com/', 'Only http and https URLs can be watched'],
    ['example.com/feed', "doesn't look like a web address"],
    ['http://', "doesn't look like a web address"],
    ['https://user:secret@example.com/feed', 'user name or password'],
    ['https://token@example.com/feed', 'user name or password'],
  ])('refuses %s as invalid-url', (input, userText) => {
    const error = catchHeraldError(() => checkUrlSyntax(input));
    expect(error.code).toBe('invalid-url');
    expect(error.userMessage).toContain(userText);
  });

  it.each([
    'http://127.0.0.1/',
    'http://127.0.0.1:8080/feed',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://0.0.0.0:3000/',
    'http://10.0.0.5/',
    'http://192.168.0.1./',
    'https://[fe80::1]/',
    'http://0x7f000001/',
    'http://100.64.0.1/',
    'http://[fd00::1]/',
    'http://224.0.0.1/',
    'http://[ff02::1]/',
    'http://[::ffff:169.254.169.254]/',
  ])('refuses the private literal %s as blocked-address', (input) => {
    const error = catchHeraldError(() => checkUrlSyntax(input));
    expect(error.code).toBe('blocked-address');
    expect(error.userMessage).toContain('That address is on a private network');
  });

  it('lets private literals through when the operator allows them', () => {
    expect(checkUrlSyntax('http://127.0.0.1:8080/feed', { allowPrivate: true }).port).toBe('8080');
  });

  it('leaves host names to the lookup', () => {
    expect(checkUrlSyntax('http://localhost/feed').hostname).toBe('localhost');
  });
});

describe('createGuardedLookup', () => {
  /** A resolver that answers from a table instead of DNS. */
  function fakeResolver(table: Record<string, readonly string[]>): LookupFunction {
    return (hostname, _options, callback) => {
      const addresses = table[hostname];
      if (addresses === undefined) {
        const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        error.code = 'ENOTFOUND';
        setImmediate(() => callback(error, []));
        return;
      }
      const list: LookupAddress[] = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      setImmediate(() => callback(null, list));
    };
  }
  const resolve = fakeResolver({
    'feeds.example': ['93.184.216.34', '2606:2800:220:1::1'],
    'rebind.example': ['93.184.216.34', '10.0.0.7'],
    'metadata.example': ['169.254.169.254'],
    'mapped.example': ['::ffff:127.0.0.1'],
  });

  function lookup(
    hostname: string,
    options: { all?: boolean; allowPrivate?: boolean } = {},
  ): Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }> {
    const guarded = createGuardedLookup({ allowPrivate: options.allowPrivate ?? false, resolve });
    return new Promise((done) => {
      guarded(hostname, { all: options.all ?? false }, (error, address, family) => done({ error, address, family }));
    });
  }

  it('answers with the first address when one is asked for', async () => {
    expect(await lookup('feeds.example')).toEqual({ error: null, address: '93.184.216.34', family: 4 });
  });

  it('answers with every address when all are asked for', async () => {
    const { error, address } = await lookup('feeds.example', { all: true });
    expect(error).toBeNull();
    expect(address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
  });

  it.each(['rebind.example', 'metadata.example', 'mapped.example'])('refuses %s, which resolves to a private address', async (host) => {
    for (const all of [false, true]) {
      const { error } = await lookup(host, { all });
      expect(error).toBeInstanceOf(HeraldError);
      expect((error as unknown as HeraldError).code).toBe('blocked-address');
      expect(error?.message).toContain(host);
    }
  });

  it('lets private addresses through when allowed', async () => {
    expect((await lookup('rebind.example', { allowPrivate: true })).address).toBe('93.184.216.34');
  });

  it('passes DNS failures on unchanged', async () => {
    expect((await lookup('missing.example')).error?.code).toBe('ENOTFOUND');
  });

  it('refuses localhost through the real resolver', async () => {
    const guarded = createGuardedLookup({ allowPrivate: false });
    const error = await new Promise<NodeJS.ErrnoException | null>((done) => guarded('localhost', { all: true }, (e) => done(e)));
    expect((error as unknown as HeraldError).code).toBe('blocked-address');
  });
});

function catchHeraldError(run: () => unknown): HeraldError {
  return catchError(run, HeraldError);
}
