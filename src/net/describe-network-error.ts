/**
 * Turns a socket-level failure (DNS, refused, reset, unreachable, TLS, malformed HTTP) into words
 * for two readers. Takes the raw error Node raised and the URL being fetched; returns the code
 * ('network', or 'timeout' for the operating system's own connect timeout), an operator message
 * with the URL and the raw error code, and a short message a chat user can act on.
 */

export interface NetworkFailure {
  readonly code: 'network' | 'timeout';
  readonly message: string;
  readonly userMessage: string;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ENODATA']);
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'HOSTNAME_MISMATCH',
]);

function isTlsFailure(code: string, message: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || /\bSSL\b|\bTLS\b|certificate/i.test(message);
}

/** Describes `error` raised while fetching `url`. */
export function describeNetworkError(error: unknown, url: URL): NetworkFailure {
  const raw = error as NodeJS.ErrnoException;
  const code = typeof raw?.code === 'string' ? raw.code : '';
  const detail = raw instanceof Error ? raw.message : String(error);
  const host = url.hostname;
  const message = (what: string): string => `GET ${url.href}: ${what} (${code === '' ? detail : `${code}: ${detail}`})`;

  if (DNS_CODES.has(code)) {
    return {
      code: 'network',
      message: message(`DNS lookup of ${host} failed`),
      userMessage: `Herald could not find the server ${host}. Check the address for typos; if it is right, the site's DNS may be down.`,
    };
  }
  if (code === 'ECONNREFUSED') {
    return {
      code: 'network',
      message: message(`${url.host} refused the connection`),
      userMessage: `The server ${url.host} refused the connection. The site may be down, or the port may be wrong.`,
    };
  }
  if (code === 'ETIMEDOUT') {
    return {
      code: 'timeout',
      message: message(`connecting to ${url.host} timed out`),
      userMessage: `Herald could not connect to ${url.host} in time. The site may be down or overloaded.`,
    };
  }
  if (UNREACHABLE_CODES.has(code)) {
    return {
      code: 'network',
      message: message(`${url.host} is unreachable`),
      userMessage: `The server ${url.host} cannot be reached from Herald's network right now.`,
    };
  }
  if (isTlsFailure(code, detail)) {
    return {
      code: 'network',
      message: message(`TLS with ${url.host} failed`),
      userMessage: `The secure (https) connection to ${host} failed: ${tlsReason(code)}. Ask the site to fix its certificate, or try the http address.`,
    };
  }
  if (code.startsWith('HPE_')) {
    return {
      code: 'network',
      message: message(`${url.host} sent a malformed HTTP response`),
      userMessage: `The server ${url.host} sent a response that is not valid HTTP.`,
    };
  }
  if (RESET_CODES.has(code) || /socket hang up|aborted/i.test(detail)) {
    return {
      code: 'network',
      message: message(`the connection to ${url.host} was closed unexpectedly`),
      userMessage: `The server ${url.host} closed the connection before sending the whole feed. Herald will try again later.`,
    };
  }
  return {
    code: 'network',
    message: message('network failure'),
    userMessage: `Herald could not fetch ${url.href} because of a network error. It will try again later.`,
  };
}

function tlsReason(code: string): string {
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return 'its certificate has expired';
    case 'CERT_NOT_YET_VALID':
      return 'its certificate is not valid yet';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'its certificate is self-signed';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH':
      return 'its certificate is for a different name';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'its certificate chain is incomplete or untrusted';
    default:
      return code === '' ? 'the handshake failed' : `the handshake failed (${code})`;
  }
}
