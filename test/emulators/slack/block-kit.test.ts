/**
 * Block Kit limits the emulator enforces, case by case: each invalid message names the field at
 * fault with its JSON pointer, and the shapes Herald sends pass.
 */
import { describe, expect, it } from 'vitest';
import { blockErrors } from './block-kit.ts';

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const image = { type: 'image', image_url: 'https://e.x/a.png', alt_text: 'a' };

describe('blockErrors', () => {
  it('accepts the blocks of a feed item and the other basic block types', () => {
    const blocks = [
      { type: 'header', text: plain('x'.repeat(150)), block_id: 'title' },
      { ...section('x'.repeat(3000)), accessory: image },
      { type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn('x'.repeat(2000))) },
      { type: 'context', elements: [...Array.from({ length: 9 }, () => mrkdwn('feed')), image] },
      { type: 'divider' },
      { type: 'image', image_url: `https://e.x/${'a'.repeat(2980)}`, alt_text: 'x'.repeat(2000), title: plain('Chart') },
      { type: 'actions', elements: [{ type: 'button', text: plain('Open'), url: 'https://e.x', action_id: 'open', style: 'primary' }] },
      { type: 'markdown', text: '**bold**' },
    ];
    expect(blockErrors(blocks)).toEqual([]);
    expect(blockErrors(Array.from({ length: 50 }, () => ({ type: 'divider' })))).toEqual([]);
  });

  it.each([
    ['51 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), 'no more than 50 items allowed [json-pointer:/blocks]'],
    ['a block that is not an object', ['divider'], 'must provide an object [json-pointer:/blocks/0]'],
    ['a block without a type', [{ text: mrkdwn('x') }], 'missing required field: type [json-pointer:/blocks/0]'],
    ['an unknown block type', [{ type: 'input' }], 'unsupported type: input [json-pointer:/blocks/0/type]'],
    ['a misspelt property', [{ type: 'divider', blockid: 'x' }], 'invalid additional property: blockid [json-pointer:/blocks/0]'],
    ['a block_id over 255 characters', [{ type: 'divider', block_id: 'x'.repeat(256) }], 'must be less than 256 characters [json-pointer:/blocks/0/block_id]'],
    ['a repeated block_id', [{ type: 'divider', block_id: 'a' }, { type: 'divider', block_id: 'a' }], 'duplicate block_id: a [json-pointer:/blocks/1/block_id]'],
    ['section text over 3000', [section('x'.repeat(3001))], 'must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    ['empty section text', [section('')], 'must be more than 0 characters [json-pointer:/blocks/0/text/text]'],
    ['a section text object of an unknown type', [{ type: 'section', text: { type: 'markdown', text: 'x' } }], 'must be one of "plain_text", "mrkdwn" [json-pointer:/blocks/0/text/type]'],
    ['a section text given as a string', [{ type: 'section', text: 'x' }], 'must provide an object [json-pointer:/blocks/0/text]'],
    ['a section without text or fields', [{ type: 'section' }], 'must provide either text or fields [json-pointer:/blocks/0]'],
    ['11 section fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('x')) }], 'no more than 10 items allowed [json-pointer:/blocks/0/fields]'],
    ['a field over 2000', [{ type: 'section', fields: [mrkdwn('x'.repeat(2001))] }], 'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]'],
    ['an image accessory without alt_text', [{ ...section('x'), accessory: { type: 'image', image_url: 'https://e.x/a.png' } }], 'missing required field: alt_text [json-pointer:/blocks/0/accessory]'],
    ['an image accessory without image_url', [{ ...section('x'), accessory: { type: 'image', alt_text: 'a' } }], 'missing required field: image_url [json-pointer:/blocks/0/accessory]'],
    ['an image URL over 3000', [{ ...section('x'), accessory: { ...image, image_url: 'h'.repeat(3001) } }], 'must be less than 3001 characters [json-pointer:/blocks/0/accessory/image_url]'],
    ['alt text over 2000', [{ ...section('x'), accessory: { ...image, alt_text: 'a'.repeat(2001) } }], 'must be less than 2001 characters [json-pointer:/blocks/0/accessory/alt_text]'],
    ['an unknown accessory type', [{ ...section('x'), accessory: { type: 'video' } }], 'unsupported type: video [json-pointer:/blocks/0/accessory/type]'],
    ['a context without elements', [{ type: 'context', elements: [] }], 'must provide at least 1 items [json-pointer:/blocks/0/elements]'],
    ['11 context elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('x')) }], 'no more than 10 items allowed [json-pointer:/blocks/0/elements]'],
    ['a context image without alt_text', [{ type: 'context', elements: [{ type: 'image', image_url: 'https://e.x/a.png' }] }], 'missing required field: alt_text [json-pointer:/blocks/0/elements/0]'],
    ['a header over 150', [{ type: 'header', text: plain('x'.repeat(151)) }], 'must be less than 151 characters [json-pointer:/blocks/0/text/text]'],
    ['a mrkdwn header', [{ type: 'header', text: mrkdwn('x') }], 'must be one of "plain_text" [json-pointer:/blocks/0/text/type]'],
    ['an image block without alt_text', [{ type: 'image', image_url: 'https://e.x/a.png' }], 'missing required field: alt_text [json-pointer:/blocks/0]'],
    ['26 actions', [{ type: 'actions', elements: Array.from({ length: 26 }, () => ({ type: 'button', text: plain('x') })) }], 'no more than 25 items allowed [json-pointer:/blocks/0/elements]'],
    ['a button text over 75', [{ type: 'actions', elements: [{ type: 'button', text: plain('x'.repeat(76)) }] }], 'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]'],
  ])('refuses %s', (_case, blocks, error) => {
    expect(blockErrors(blocks)).toContain(error);
  });

  it('refuses blocks that are not an array', () => {
    expect(blockErrors({ type: 'divider' })).toEqual(['must provide an array [json-pointer:/blocks]']);
  });
});
