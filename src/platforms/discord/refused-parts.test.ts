import { describe, expect, it } from 'vitest';
import type { Message } from '../../format/message.ts';
import { partsRefused, withoutParts } from './refused-parts.ts';

const MESSAGE: Message = {
  title: 'T', url: 'https://x.test/a', summary: 'S', author: 'Ada', imageUrl: 'https://x.test/i.png', feedTitle: 'F', feedUrl: 'https://x.test/feed', categories: [],
};
const refusal = (errors: unknown) => ({ code: 50035, message: 'Invalid Form Body', errors });
const tooLong = { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2048 or fewer in length.' }] };

describe('the parts of a message Discord refused', () => {
  it('reads every field error of a 50035 answer with its path', () => {
    expect(partsRefused(refusal({ embeds: { 0: { url: tooLong, image: { url: tooLong } } } }))).toEqual([
      { path: 'embeds.0.url', message: 'Must be 2048 or fewer in length.' },
      { path: 'embeds.0.image.url', message: 'Must be 2048 or fewer in length.' },
    ]);
    expect(partsRefused({ code: 50035, message: 'Invalid Form Body' })).toEqual([]);
  });

  it('leaves out the link and the image it refused, and keeps the rest', () => {
    const result = withoutParts(MESSAGE, partsRefused(refusal({ embeds: { 0: { url: tooLong, image: { url: tooLong } } } })));
    expect(result?.message).toEqual({ title: 'T', summary: 'S', author: 'Ada', feedTitle: 'F', feedUrl: 'https://x.test/feed', categories: [] });
    expect(result?.dropped).toEqual(['the link (embeds.0.url: Must be 2048 or fewer in length.)', 'the image (embeds.0.image.url: Must be 2048 or fewer in length.)']);
  });

  it('gives up on a part a post cannot do without, or an answer that names none', () => {
    expect(withoutParts(MESSAGE, partsRefused(refusal({ embeds: { 0: { title: tooLong } } })))).toBeUndefined();
    expect(withoutParts(MESSAGE, [])).toBeUndefined();
  });
});
