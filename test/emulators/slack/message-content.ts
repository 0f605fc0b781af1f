/**
 * Reads and checks a message's content the way chat.postMessage and response_url do: `blocks` and
 * `attachments` as arrays or as JSON strings (form bodies), Block Kit validity, text up to 40,000
 * characters, and at least one of text/blocks/attachments. Returns the parsed content or the Slack
 * error code (`invalid_blocks` also carries the per-field errors Slack lists).
 */
import { blockErrors } from './block-kit.ts';

export const MAX_TEXT = 40_000;
export const MAX_ATTACHMENTS = 100;

type Json = Record<string, unknown>;

export interface MessageContent {
  text?: string;
  blocks?: Json[];
  attachments?: Json[];
}

export type ContentCheck =
  | { ok: true; content: MessageContent }
  | { ok: false; error: string; errors?: string[] };

const invalid = Symbol('invalid');

/** A value sent as JSON or as a JSON string in a form field; `invalid` when the string does not parse. */
function jsonValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return invalid;
  }
}

export function checkMessageContent(params: Readonly<Record<string, unknown>>): ContentCheck {
  const content: MessageContent = {};
  if (params.blocks !== undefined && params.blocks !== '') {
    const blocks = jsonValue(params.blocks);
    if (!Array.isArray(blocks)) return { ok: false, error: 'invalid_blocks_format' };
    const errors = blockErrors(blocks);
    if (errors.length > 0) return { ok: false, error: 'invalid_blocks', errors };
    if (blocks.length > 0) content.blocks = blocks as Json[];
  }
  if (params.attachments !== undefined && params.attachments !== '') {
    const attachments = jsonValue(params.attachments);
    if (!Array.isArray(attachments) || attachments.some((a) => typeof a !== 'object' || a === null)) {
      return { ok: false, error: 'invalid_attachments' };
    }
    if (attachments.length > MAX_ATTACHMENTS) return { ok: false, error: 'too_many_attachments' };
    if (attachments.length > 0) content.attachments = attachments as Json[];
  }
  if (params.text !== undefined && params.text !== null && params.text !== '') content.text = String(params.text);
  if (content.text === undefined && content.blocks === undefined && content.attachments === undefined) {
    return { ok: false, error: 'no_text' };
  }
  if (content.text !== undefined && content.text.length > MAX_TEXT) return { ok: false, error: 'msg_too_long' };
  return { ok: true, content };
}
