import { describe, expect, it } from 'vitest';
import { describeNetworkError } from './describe-network-error.ts';

function errno(code: string, message = `${code} happened`): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(message);
  error.code = code;
  return error;
}

const URL_ = new URL('https://feeds.example.com:8443/rss');

describe('describeNetworkError', () => {
  it.each([
    [errno('ENOTFOUND'), 'network', 'Herald could not find the server feeds.example.com'],
    [errno('EAI_AGAIN'), 'network', 'Herald could not find the server feeds.example.com'],
    [errno('ECONNREFUSED'), 'network', 'The server feeds.example.com:8443 refused the connection'],
    [errno('ETIMEDOUT'), 'timeout', 'Herald could not connect to feeds.example.com:8443 in time'],
    [errno('EHOSTUNREACH'), 'network', 'cannot be reached'],
    [errno('ECONNRESET'), 'network', 'closed the connection before sending the whole feed'],
    [new Error('socket hang up'), 'network', 'closed the connection before sending the whole feed'],
    [errno('CERT_HAS_EXPIRED'), 'network', 'failed: its certificate has expired'],
    [errno('DEPTH_ZERO_SELF_SIGNED_CERT'), 'network', 'its certificate is self-signed'],
    [errno('ERR_TLS_CERT_ALTNAME_INVALID'), 'network', 'its certificate is for a different name'],
    [errno('ERR_SSL_WRONG_VERSION_NUMBER'), 'network', 'the handshake failed (ERR_SSL_WRONG_VERSION_NUMBER)'],
    [errno('HPE_INVALID_CONSTANT'), 'network', 'not valid HTTP'],
    [errno('EWHATEVER'), 'network', 'because of a network error'],
    ['not even an error', 'network', 'because of a network error'],
  ])('%s', (error, code, userText) => {
    const failure = describeNetworkError(error, URL_);
    expect(failure.code).toBe(code);
    expect(failure.userMessage).toContain(userText);
    expect(failure.message).toContain('GET https://feeds.example.com:8443/rss');
  });

  it('keeps the raw error code in the operator message', () => {
    expect(describeNetworkError(errno('ECONNREFUSED', 'connect ECONNREFUSED 1.2.3.4:8443'), URL_).message).toBe(
      'GET https://feeds.example.com:8443/rss: feeds.example.com:8443 refused the connection (ECONNREFUSED: connect ECONNREFUSED 1.2.3.4:8443)',
    );
  });
});
