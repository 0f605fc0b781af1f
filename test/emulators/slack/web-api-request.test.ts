import { describe, expect, it } from 'vitest';
import { parseApiRequest } from './web-api-request.ts';

const FORM = 'application/x-www-form-urlencoded';

describe("the Slack emulator's reading of a Web API request", () => {
  it('reads a form body and a bearer token', () => {
    expect(parseApiRequest(new URLSearchParams(), `${FORM}; charset=utf-8`, 'Bearer xoxb-1', 'channel=C1&text=hi')).toEqual({
      ok: true,
      params: { channel: 'C1', text: 'hi' },
      token: 'xoxb-1',
    });
  });

  it.each([
    ['a charset Slack does not take', `${FORM}; charset=utf-16`, 'channel=C1', 'invalid_charset'],
    ['form data that does not decode', FORM, 'channel=C1&text=%zz', 'invalid_form_data'],
    ['an argument passed as an array', FORM, 'channel=C1&blocks[]=x', 'invalid_array_arg'],
    ['an argument name with other characters', FORM, 'channel=C1&te-xt=hi', 'invalid_arg_name'],
    ['an argument name over 100 characters', 'application/json', JSON.stringify({ [`a${'b'.repeat(100)}`]: 1 }), 'invalid_arg_name'],
    ['JSON that does not parse', 'application/json', '{"channel":', 'invalid_json'],
    ['no content type', undefined, 'channel=C1', 'missing_post_type'],
  ])('refuses %s', (_, contentType, body, error) => {
    expect(parseApiRequest(new URLSearchParams(), contentType, 'Bearer xoxb-1', body)).toEqual({ ok: false, error });
  });
});
