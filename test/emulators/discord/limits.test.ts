import { describe, expect, it } from 'vitest';
import { validateMessage } from './limits.ts';

const text = (n: number) => 'x'.repeat(n);

describe('validateMessage', () => {
  const accepted: Array<[string, Record<string, unknown>]> = [
    ['content of exactly 2000 characters', { content: text(2000) }],
    ['2000 emoji count as 2000 characters', { content: '🙂'.repeat(2000) }],
    ['surrounding whitespace is not counted', { embeds: [{ title: ` ${text(256)}  ` }] }],
    ['ten embeds', { embeds: Array.from({ length: 10 }, () => ({ title: 't' })) }],
    ['embeds totalling exactly 6000', { embeds: [{ description: text(4096) }, { description: text(1904) }] }],
    ['25 fields at their limits', { embeds: [{ fields: Array.from({ length: 5 }, () => ({ name: text(256), value: text(900) })) }] }],
    ['an integer nonce', { content: 'a', nonce: 123456789012345 }],
    ['allowed_mentions with users but no parse:users', { content: 'a', allowed_mentions: { parse: ['roles'], users: ['1'] } }],
  ];
  it.each(accepted)('accepts %s', (_name, body) => {
    expect(validateMessage(body)).toBeNull();
  });

  const refused: Array<[string, Record<string, unknown>, unknown]> = [
    ['content over 2000', { content: text(2001) }, { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } }],
    ['eleven embeds', { embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }, { embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } }],
    ['a title over 256', { embeds: [{ title: text(257) }] }, { embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } }],
    ['a description over 4096', { embeds: [{ description: text(4097) }] }, { embeds: { 0: { description: {} } } }],
    ['26 fields', { embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) }] }, { embeds: { 0: { fields: { _errors: [{}] } } } }],
    ['a field value over 1024', { embeds: [{ fields: [{ name: 'n', value: text(1025) }] }] }, { embeds: { 0: { fields: { 0: { value: {} } } } } }],
    ['a field name over 256', { embeds: [{ fields: [{ name: text(257), value: 'v' }] }] }, { embeds: { 0: { fields: { 0: { name: {} } } } } }],
    ['an empty field value', { embeds: [{ fields: [{ name: 'n', value: ' ' }] }] }, { embeds: { 0: { fields: { 0: { value: { _errors: [{ code: 'BASE_TYPE_REQUIRED' }] } } } } } }],
    ['a footer over 2048', { embeds: [{ footer: { text: text(2049) } }] }, { embeds: { 0: { footer: { text: {} } } } }],
    ['an author name over 256', { embeds: [{ author: { name: text(257) } }] }, { embeds: { 0: { author: { name: {} } } } }],
    ['embeds totalling 6001', { embeds: [{ description: text(4096) }, { description: text(1905) }] }, { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } }],
    ['a non-http embed url', { embeds: [{ title: 't', url: 'javascript:alert(1)' }] }, { embeds: { 0: { url: { _errors: [{ code: 'URL_TYPE_INVALID_SCHEME' }] } } } }],
    ['a relative embed url', { embeds: [{ title: 't', url: '/post/1' }] }, { embeds: { 0: { url: { _errors: [{ code: 'URL_TYPE_INVALID_URL' }] } } } }],
    ['a nonce over 25', { content: 'a', nonce: text(26) }, { nonce: {} }],
    ['parse:users together with users', { content: 'a', allowed_mentions: { parse: ['users'], users: ['1'] } }, { allowed_mentions: { _errors: [{}] } }],
    ['an unknown mention type', { content: 'a', allowed_mentions: { parse: ['here'] } }, { allowed_mentions: { parse: { 0: {} } } }],
  ];
  it.each(refused)('refuses %s with 50035 and the failing path', (_name, body, errors) => {
    expect(validateMessage(body)).toMatchObject({ code: 50035, message: 'Invalid Form Body', errors });
  });

  it.each([[{}], [{ content: '   ' }], [{ content: '', embeds: [] }]])('refuses an empty message %j with 50006', (body) => {
    expect(validateMessage(body)).toEqual({ code: 50006, message: 'Cannot send an empty message' });
  });

  it('allows an edit to omit every field', () => {
    expect(validateMessage({}, { partial: true })).toBeNull();
    expect(validateMessage({ content: text(2001) }, { partial: true })).toMatchObject({ code: 50035 });
  });
});
