import { describe, expect, it } from 'vitest';
import { hostOf, isHttpUrl, resolveUrl } from './http-url.ts';

describe('resolveUrl', () => {
  it.each([
    ['a relative path', 'b/c', 'https://e.com/a/feed', 'https://e.com/a/b/c'],
    ['a root-relative path', '/x', 'https://e.com/a/feed', 'https://e.com/x'],
    ['a protocol-relative URL', '//cdn.e.com/i.png', 'https://e.com/', 'https://cdn.e.com/i.png'],
    ['surrounding whitespace', '\n  https://e.com/p  \n', undefined, 'https://e.com/p'],
    ['an absolute URL without a base', 'http://e.com/p', undefined, 'http://e.com/p'],
    ['a relative URL without a usable base', 'p', 'not a url', undefined],
    ['javascript:', 'javascript:alert(1)', 'https://e.com/', undefined],
    ['data:', 'data:text/html,hi', 'https://e.com/', undefined],
    ['an empty reference', '   ', 'https://e.com/', undefined],
  ])('handles %s', (_, reference, base, expected) => {
    expect(resolveUrl(reference, base)).toBe(expected);
  });
});

describe('isHttpUrl and hostOf', () => {
  it.each([
    ['https://e.com/feed', true],
    ['http://127.0.0.1:8080/x', true],
    ['ftp://e.com/feed', false],
    ['javascript:alert(1)', false],
    ['e.com/feed', false],
  ])('%s is an http(s) URL: %s', (value, expected) => {
    expect(isHttpUrl(value)).toBe(expected);
  });

  it('gives the host with its port, or the text when it is not a URL', () => {
    expect(hostOf('http://127.0.0.1:8080/feed')).toBe('127.0.0.1:8080');
    expect(hostOf('not a url')).toBe('not a url');
  });
});
