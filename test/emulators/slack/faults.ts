/**
 * Slack faults on a schedule a test controls, as the Discord emulator's: "the 3rd to 5th chat.postMessage to
 * channel C answer ratelimited", "the next one answers 503", "hold the next one past the client's timeout", "drop
 * the connection", "channel C is deleted from the 4th post on". Each rule counts the calls it matches (method, and
 * channel when it names one) from when it was scheduled, and fires on the ordinals it names; what fired is recorded.
 * A fault "after accept" lets the call do its work (the message is posted) and then loses the answer: Slack has no
 * idempotency key, so that is the case a sender must survive on its own.
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from './http-body.ts';
import type { EmulatorState } from './state.ts';

export type SlackFault =
  /** HTTP 429, Retry-After in whole seconds, `ratelimited`. */
  | { readonly kind: 'rate-limit'; readonly retryAfter: number }
  | { readonly kind: 'server-error'; readonly status: 500 | 502 | 503 | 504 }
  /** No answer; the connection closes after `ms` (by then the client has given up). */
  | { readonly kind: 'hang'; readonly ms: number; readonly afterAccept?: boolean }
  | { readonly kind: 'drop'; readonly afterAccept?: boolean }
  /** The call's channel is deleted, then the call is served (and answered channel_not_found). */
  | { readonly kind: 'lose-channel' };

export interface SlackFaultRule {
  readonly method: string;
  /** Only calls to this channel count; absent: every call to the method. */
  readonly channel?: string;
  /** First and last matching call (1-based, counted from scheduling); default: the next one. */
  readonly from?: number;
  readonly to?: number;
  readonly fault: SlackFault;
}

export interface InjectedSlackFault {
  readonly method: string;
  readonly channel: string | undefined;
  readonly kind: SlackFault['kind'];
  readonly detail: string;
}

interface ScheduledRule {
  readonly rule: SlackFaultRule;
  readonly from: number;
  readonly to: number;
  seen: number;
}

export type SlackFaultEffect =
  | { readonly when: 'instead' | 'after'; readonly status: number; apply(response: ServerResponse): void }
  | { readonly when: 'before-serving' };

export class SlackFaultSchedule {
  readonly #rules: ScheduledRule[] = [];
  readonly #injected: InjectedSlackFault[] = [];

  constructor(private readonly state: EmulatorState) {}

  schedule(...rules: SlackFaultRule[]): void {
    for (const rule of rules) {
      const from = rule.from ?? 1;
      this.#rules.push({ rule, from, to: rule.to ?? from, seen: 0 });
    }
  }

  get injected(): readonly InjectedSlackFault[] {
    return [...this.#injected];
  }

  /** How many faults of each kind fired. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const fault of this.#injected) counts[fault.detail] = (counts[fault.detail] ?? 0) + 1;
    return counts;
  }

  /** The fault this call meets, if any: every rule matching it counts it; the first one due fires. */
  take(method: string, params: Readonly<Record<string, unknown>>): SlackFaultEffect | undefined {
    const channel = typeof params.channel === 'string' ? params.channel : undefined;
    let due: ScheduledRule | undefined;
    for (const scheduled of this.#rules) {
      const { rule } = scheduled;
      if (rule.method !== method || (rule.channel !== undefined && rule.channel !== channel)) continue;
      scheduled.seen += 1;
      if (due === undefined && scheduled.seen >= scheduled.from && scheduled.seen <= scheduled.to) due = scheduled;
    }
    if (due === undefined) return undefined;
    const { fault } = due.rule;
    this.#injected.push({ method, channel, kind: fault.kind, detail: describe(fault) });
    return this.#effect(fault, channel);
  }

  #effect(fault: SlackFault, channel: string | undefined): SlackFaultEffect {
    switch (fault.kind) {
      case 'rate-limit':
        return {
          when: 'instead',
          status: 429,
          apply: (response) => sendJson(response, 429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(Math.max(1, Math.round(fault.retryAfter))) }),
        };
      case 'server-error':
        return {
          when: 'instead',
          status: fault.status,
          apply: (response) => {
            response.writeHead(fault.status, { 'Content-Type': 'text/html' });
            response.end(`<html><body>${fault.status}</body></html>`);
          },
        };
      case 'hang':
        return { when: fault.afterAccept ? 'after' : 'instead', status: 0, apply: (response) => hang(response, fault.ms) };
      case 'drop':
        return { when: fault.afterAccept ? 'after' : 'instead', status: 0, apply: (response) => void response.socket?.destroy() };
      case 'lose-channel': {
        const lost = channel === undefined ? undefined : this.state.channels.get(channel);
        if (lost !== undefined) lost.deleted = true;
        return { when: 'before-serving' };
      }
    }
  }
}

function describe(fault: SlackFault): string {
  switch (fault.kind) {
    case 'rate-limit':
      return '429 ratelimited';
    case 'server-error':
      return String(fault.status);
    case 'hang':
    case 'drop':
      return fault.afterAccept ? `${fault.kind} after accept` : fault.kind;
    case 'lose-channel':
      return 'lose channel';
  }
}

function hang(response: ServerResponse, ms: number): void {
  const timer = setTimeout(() => response.socket?.destroy(), ms);
  response.once('close', () => clearTimeout(timer));
}
