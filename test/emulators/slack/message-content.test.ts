/**
 * How chat.postMessage and response_url read a message's content: JSON-string or parsed blocks and
 * attachments, and the error codes for empty, over-long or malformed messages.
 */
import { describe, expect, it } from 'vitest';
import { checkMessageContent } from './message-content.ts';

const blocks = [{ type: 'divider' }];

describe('checkMessageContent', () => {
  it.each([
    ['text only', { text: 'hi' }, { text: 'hi' }],
    ['blocks as a JSON string (form body)', { blocks: JSON.stringify(blocks) }, { blocks }],
    ['blocks as an array (JSON body)', { text: 'fallback', blocks }, { text: 'fallback', blocks }],
    ['attachments only', { attachments: '[{"text":"a"}]' }, { attachments: [{ text: 'a' }] }],
    ['text of exactly 40,000 characters', { text: 'a'.repeat(40_000) }, { text: 'a'.repeat(40_000) }],
  ])('accepts %s', (_case, params, content) => {
    expect(checkMessageContent(params)).toEqual({ ok: true, content });
  });

  it.each([
    ['nothing', {}, 'no_text'],
    ['empty text and empty blocks', { text: '', blocks: '[]' }, 'no_text'],
    ['text over 40,000 characters', { text: 'a'.repeat(40_001) }, 'msg_too_long'],
    ['blocks that do not parse', { text: 'x', blocks: '[{"type":' }, 'invalid_blocks_format'],
    ['blocks that are an object', { text: 'x', blocks: '{"type":"divider"}' }, 'invalid_blocks_format'],
    ['invalid blocks', { text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: '' } }] }, 'invalid_blocks'],
    ['attachments that are not an array', { text: 'x', attachments: '{}' }, 'invalid_attachments'],
    ['101 attachments', { attachments: Array.from({ length: 101 }, () => ({ text: 'a' })) }, 'too_many_attachments'],
  ])('refuses %s', (_case, params, error) => {
    expect(checkMessageContent(params)).toMatchObject({ ok: false, error });
  });
});
