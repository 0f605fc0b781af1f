/**
 * Slack's request signing for HTTP deliveries: `X-Slack-Request-Timestamp` and
 * `X-Slack-Signature: v0=` + hex HMAC-SHA256(signing secret, `v0:${timestamp}:${body}`). 'forged'
 * signs with a wrong secret, 'stale' with a timestamp 10 minutes old and 'future' with one 10 minutes ahead,
 * which a bot must all refuse.
 */
import { createHmac } from 'node:crypto';
import type { SignatureMode } from './types.ts';

const STALE_BY_SECONDS = 10 * 60;

export function signatureHeaders(secret: string, body: string, mode: SignatureMode = 'valid', nowMs = Date.now()): Record<string, string> {
  const now = Math.floor(nowMs / 1000);
  const timestamp = String(mode === 'stale' ? now - STALE_BY_SECONDS : mode === 'future' ? now + STALE_BY_SECONDS : now);
  const key = mode === 'forged' ? `${secret}-forged` : secret;
  const signature = createHmac('sha256', key).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'X-Slack-Request-Timestamp': timestamp, 'X-Slack-Signature': `v0=${signature}` };
}
