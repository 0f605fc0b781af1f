/**
 * The interactions the emulator has sent: their tokens, deadlines (first answer within the deadline,
 * token valid 15 minutes), the bot's callback, the original response as edited, follow-ups and
 * refused attempts. Changes are announced on `state.changes` as 'interaction'.
 */
import type { EmulatorState } from './state.ts';
import type { InteractionLog, InteractionReply } from './types.ts';
import type { UploadedFile } from './rest-types.ts';

type Json = Record<string, unknown>;

export const EPHEMERAL = 1 << 6;
export const LOADING = 1 << 7;
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

export interface InteractionRecord {
  id: string;
  token: string;
  kind: 'command' | 'autocomplete';
  commandName: string;
  guildId: string;
  channelId: string;
  userId: string;
  deadlineAt: number;
  expiresAt: number;
  callback?: { type: number; data?: Json };
  /** The original response message; for a deferral, its loading message until edited. */
  original?: Json;
  /** The original's request fields as sent and edited (content, embeds, allowed_mentions, components, flags). */
  originalPayload?: Json;
  originalDeleted: boolean;
  /** True once a deferred response was edited (or replaced by a follow-up, as Discord does). */
  edited: boolean;
  followUps: Json[];
  refused: Array<{ status: number; body: unknown }>;
  /** Files uploaded with the original response (multipart/form-data). */
  files?: UploadedFile[];
}

export class InteractionStore {
  readonly #state: EmulatorState;
  readonly #deadlineMs: number;
  readonly #byId = new Map<string, InteractionRecord>();
  readonly #byToken = new Map<string, InteractionRecord>();

  constructor(state: EmulatorState, deadlineMs: number) {
    this.#state = state;
    this.#deadlineMs = deadlineMs;
  }

  create(fields: Pick<InteractionRecord, 'id' | 'token' | 'kind' | 'commandName' | 'guildId' | 'channelId' | 'userId'>): InteractionRecord {
    const now = Date.now();
    const record: InteractionRecord = {
      ...fields,
      deadlineAt: now + this.#deadlineMs,
      expiresAt: now + TOKEN_LIFETIME_MS,
      originalDeleted: false,
      edited: false,
      followUps: [],
      refused: [],
    };
    this.#byId.set(record.id, record);
    this.#byToken.set(record.token, record);
    return record;
  }

  get(id: string): InteractionRecord | undefined {
    return this.#byId.get(id);
  }

  byToken(token: string): InteractionRecord | undefined {
    return this.#byToken.get(token);
  }

  changed(record: InteractionRecord): void {
    this.#state.changes.emit('interaction', record.id);
  }

  log(id: string): InteractionLog | undefined {
    const record = this.#byId.get(id);
    if (!record) return undefined;
    return {
      id: record.id,
      kind: record.kind,
      acknowledged: record.callback !== undefined,
      ...(record.callback ? { callback: record.callback } : {}),
      ...(record.original && !record.originalDeleted ? { original: record.original } : {}),
      followUps: record.followUps,
      refused: record.refused,
    };
  }
}

/** What the user sees: the reply's message, or for a deferral the edited original. */
export function replyOf(record: InteractionRecord): InteractionReply {
  const callback = record.callback ?? { type: 0 };
  const source: Json = record.originalPayload ?? callback.data ?? {};
  const flags = typeof source.flags === 'number' ? source.flags : 0;
  return {
    interactionId: record.id,
    type: callback.type,
    ephemeral: (flags & EPHEMERAL) !== 0,
    flags,
    content: typeof source.content === 'string' ? source.content : '',
    embeds: Array.isArray(source.embeds) ? (source.embeds as Json[]) : [],
    ...(typeof source.allowed_mentions === 'object' && source.allowed_mentions !== null
      ? { allowed_mentions: source.allowed_mentions as Json }
      : {}),
    components: Array.isArray(source.components) ? source.components : [],
    attachments: (record.files ?? []).map((file, index) => ({
      filename: file.filename,
      contentType: file.contentType,
      size: file.content.length,
      text: file.content.toString('utf8'),
      shown: Array.isArray(source.attachments) && source.attachments[index] !== undefined,
    })),
  };
}
