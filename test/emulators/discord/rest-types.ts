/**
 * The shapes shared by the REST route modules: a parsed request, a response, a route, the context a
 * route may use (state, gateway dispatch, interactions), and the error bodies Discord sends.
 */
import type { EmulatorState } from './state.ts';
import type { InteractionStore } from './interactions.ts';

export interface RestRequest {
  method: string;
  /** The route below /api/v10, with each segment decoded (`%40original` becomes `@original`). */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** The files of a multipart/form-data request (uploading-files in reference.mdx), by their files[n] index. */
  files?: UploadedFile[];
}

export interface UploadedFile {
  index: number;
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface RestResponse {
  status: number;
  body?: unknown;
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** Whether `Authorization: Bot <token>` is required (interaction and webhook routes take none). */
  auth: boolean;
  /** Whether the route counts toward the global rate limit; interaction endpoints do not. */
  global: boolean;
  handle(request: RestRequest, params: string[]): RestResponse | Promise<RestResponse>;
}

/** What routes may tell connected gateway sessions. */
export interface Dispatcher {
  /** Sends a dispatch to the sessions that hold this guild and asked for `intent` (null: always sent). */
  dispatchToGuild(guildId: string, event: string, data: unknown, intent: number | null): void;
}

import type { Threads } from './threads.ts';

export interface RouteContext {
  state: EmulatorState;
  gateway: Dispatcher;
  interactions: InteractionStore;
  /** ws://127.0.0.1:PORT/gateway */
  gatewayUrl: string;
  shards: number;
  nonceWindowMs: number;
  /** Archived and locked threads (threads.ts); absent: no thread is archived. */
  threads?: Threads;
}

export const INTENTS = { GUILDS: 1 << 0, GUILD_MESSAGES: 1 << 9 } as const;

export function ok(body: unknown, status = 200): RestResponse {
  return { status, body };
}

export function noContent(): RestResponse {
  return { status: 204 };
}

export function apiError(status: number, code: number, message: string): RestResponse {
  return { status, body: { message, code } };
}

export const errors = {
  unauthorized: () => apiError(401, 0, '401: Unauthorized'),
  notFound: () => apiError(404, 0, '404: Not Found'),
  methodNotAllowed: () => apiError(405, 0, '405: Method Not Allowed'),
  unknownChannel: () => apiError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => apiError(404, 10004, 'Unknown Guild'),
  unknownMessage: () => apiError(404, 10008, 'Unknown Message'),
  unknownWebhook: () => apiError(404, 10015, 'Unknown Webhook'),
  unknownInteraction: () => apiError(404, 10062, 'Unknown interaction'),
  unknownCommand: () => apiError(404, 10063, 'Unknown application command'),
  alreadyAcknowledged: () => apiError(400, 40060, 'Interaction has already been acknowledged.'),
  missingAccess: () => apiError(403, 50001, 'Missing Access'),
  missingPermissions: () => apiError(403, 50013, 'Missing Permissions'),
  cannotMessageUser: () => apiError(403, 50007, 'Cannot send messages to this user'),
  nonTextChannel: () => apiError(400, 50008, 'Cannot send messages in a non-text channel'),
  invalidWebhookToken: () => apiError(401, 50027, 'Invalid Webhook Token'),
  invalidJson: () => apiError(400, 50109, 'The request body contains invalid JSON.'),
  tooLarge: () => apiError(413, 40005, 'Request entity too large'),
};

/** Builds a route whose pattern is written like `/channels/:id/messages`. */
export function route(
  method: string,
  template: string,
  handle: Route['handle'],
  options: { auth?: boolean; global?: boolean } = {},
): Route {
  const source = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '([^/]+)');
  return { method, pattern: new RegExp(`^${source}$`), auth: options.auth ?? true, global: options.global ?? true, handle };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
