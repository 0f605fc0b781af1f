/**
 * The routes a bot answers interactions on (receiving-and-responding.mdx): the callback (204, or 200
 * with `with_response`), then webhook routes for the original response and follow-ups. They take no
 * Authorization header. Enforces the first-answer deadline (404/10062), one callback per interaction
 * (400/40060), the 15-minute token (401/50027) and the message limits.
 */
import { EPHEMERAL, LOADING } from './interactions.ts';
import type { InteractionRecord } from './interactions.ts';
import { ErrorCollector, validateMessage } from './limits.ts';
import { messageObject, userObject } from './objects.ts';
import { errors, isRecord, noContent, ok, route } from './rest-types.ts';
import type { RestRequest, RestResponse, Route, RouteContext, UploadedFile } from './rest-types.ts';

type Json = Record<string, unknown>;

const MESSAGE_FIELDS = ['content', 'embeds', 'allowed_mentions', 'components', 'tts'] as const;
/** Flags an interaction response may set: SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS, IS_VOICE_MESSAGE, IS_COMPONENTS_V2. */
const RESPONSE_FLAGS = (1 << 2) | EPHEMERAL | (1 << 12) | (1 << 13) | (1 << 15);
const COMMAND_CALLBACKS = new Set([4, 5, 9, 10, 12]);

/** The Attachment objects Discord shows on a message for the files uploaded with it. */
function attachmentObjects(state: RouteContext['state'], files: readonly UploadedFile[]): Json[] {
  return files.map((file) => {
    const id = state.snowflakes.next();
    const url = `https://cdn.discordapp.com/attachments/0/${id}/${encodeURIComponent(file.filename)}`;
    return { id, filename: file.filename, size: file.content.length, content_type: file.contentType, url, proxy_url: url };
  });
}

function pickMessageFields(body: Json): Json {
  const picked: Json = {};
  for (const key of MESSAGE_FIELDS) if (body[key] !== undefined) picked[key] = body[key];
  return picked;
}

function flagsOf(body: Json | undefined, allowed: number): number {
  return typeof body?.flags === 'number' ? body.flags & allowed : 0;
}

function invalidForm(path: Array<string | number>, code: string, message: string): RestResponse {
  const errors = new ErrorCollector();
  errors.add(path, code, message);
  return { status: 400, body: errors.result() };
}

function checkChoices(data: Json | undefined): RestResponse | null {
  const choices = data?.choices;
  if (!Array.isArray(choices)) return invalidForm(['data', 'choices'], 'BASE_TYPE_REQUIRED', 'This field is required');
  if (choices.length > 25) return invalidForm(['data', 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  for (const [i, choice] of choices.entries()) {
    const name = isRecord(choice) && typeof choice.name === 'string' ? choice.name : '';
    if (name.length < 1 || name.length > 100) {
      return invalidForm(['data', 'choices', i, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    }
    const value = (choice as Json).value;
    if (typeof value === 'string' ? value.length > 100 : typeof value !== 'number') {
      return invalidForm(['data', 'choices', i, 'value'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    }
  }
  return null;
}

export function interactionRoutes(context: RouteContext): Route[] {
  const { state, interactions } = context;

  const render = (record: InteractionRecord, id: string, payload: Json, flags: number, editedAt?: string): Json =>
    messageObject(state, {
      id,
      channelId: record.channelId,
      timestamp: new Date().toISOString(),
      body: payload,
      flags,
      ...(editedAt ? { editedAt } : {}),
      interaction: {
        id: record.id,
        type: record.kind === 'command' ? 2 : 4,
        user: userObject(record.userId, 'user'),
        authorizing_integration_owners: { '0': record.guildId },
      },
    });

  /** Keeps what the emulator refused on the interaction's log, so a failing test can say why. */
  const noting = (record: InteractionRecord, response: RestResponse): RestResponse => {
    if (response.status >= 400) {
      record.refused.push({ status: response.status, body: response.body });
      interactions.changed(record);
    }
    return response;
  };

  const callback = (request: RestRequest, interactionId: string, token: string): RestResponse => {
    const record = interactions.get(interactionId);
    if (!record || record.token !== token) return errors.unknownInteraction();
    return noting(record, answerCallback(request, record));
  };

  const answerCallback = (request: RestRequest, record: InteractionRecord): RestResponse => {
    if (record.callback) return errors.alreadyAcknowledged();
    if (Date.now() > record.deadlineAt) return errors.unknownInteraction();
    const body = isRecord(request.body) ? request.body : {};
    const type = body.type;
    const data = isRecord(body.data) ? body.data : undefined;
    const allowed = record.kind === 'autocomplete' ? type === 8 : COMMAND_CALLBACKS.has(type as number);
    if (typeof type !== 'number' || !allowed) {
      return invalidForm(['type'], 'BASE_TYPE_CHOICES', 'Value must be one of the callback types valid for this interaction.');
    }
    if (type === 4) {
      const invalid = validateMessage(data ?? {});
      if (invalid) return { status: 400, body: invalid };
      const flags = flagsOf(data, RESPONSE_FLAGS);
      record.originalPayload = { ...pickMessageFields(data ?? {}), flags, ...withFiles(record, request.files) };
      record.original = render(record, state.snowflakes.next(), record.originalPayload, flags);
    } else if (type === 5) {
      const flags = flagsOf(data, EPHEMERAL);
      record.originalPayload = { flags };
      record.original = render(record, state.snowflakes.next(), {}, flags | LOADING);
    } else if (type === 8) {
      const invalid = checkChoices(data);
      if (invalid) return invalid;
    }
    record.callback = { type, ...(data ? { data } : {}) };
    interactions.changed(record);
    if (!['true', '1', 'True'].includes(request.query.get('with_response') ?? '')) return noContent();
    const message = record.original;
    return ok({
      interaction: {
        id: record.id,
        type: record.kind === 'command' ? 2 : 4,
        ...(message
          ? {
              response_message_id: message.id,
              response_message_loading: type === 5,
              response_message_ephemeral: ((message.flags as number) & EPHEMERAL) !== 0,
            }
          : {}),
      },
      resource: { type, ...(type === 4 && message ? { message } : {}) },
    });
  };

  /** Finds the interaction behind a webhook URL, refusing what Discord refuses. */
  const webhook = (appId: string, token: string): InteractionRecord | RestResponse => {
    if (appId !== state.applicationId) return errors.unknownWebhook();
    const record = interactions.byToken(token);
    if (!record || Date.now() > record.expiresAt) return errors.invalidWebhookToken();
    if (!record.callback) return errors.unknownWebhook();
    return record;
  };

  /** Keeps the uploaded files on the interaction (tests read them) and shows them as the message's attachments. */
  const withFiles = (record: InteractionRecord, files: readonly UploadedFile[] | undefined): Json => {
    if (files === undefined || files.length === 0) return {};
    record.files = [...files];
    return { attachments: attachmentObjects(state, files) };
  };

  const editOriginal = (record: InteractionRecord, body: Json, files?: readonly UploadedFile[]): RestResponse => {
    if (!record.original || record.originalDeleted) return errors.unknownMessage();
    const invalid = validateMessage(body, { partial: true });
    if (invalid) return { status: 400, body: invalid };
    const wasLoading = record.callback?.type === 5 && !record.edited;
    const flags = ((record.originalPayload?.flags as number | undefined) ?? 0) & EPHEMERAL;
    record.originalPayload = { ...record.originalPayload, ...pickMessageFields(body), flags, ...withFiles(record, files) };
    record.edited = true;
    record.original = render(record, String(record.original.id), record.originalPayload, flags, wasLoading ? undefined : new Date().toISOString());
    interactions.changed(record);
    return ok(record.original);
  };

  const followUp = (record: InteractionRecord, body: Json): RestResponse => {
    if (record.callback?.type === 5 && !record.edited) return editOriginal(record, body);
    const invalid = validateMessage(body);
    if (invalid) return { status: 400, body: invalid };
    const message = render(record, state.snowflakes.next(), pickMessageFields(body), flagsOf(body, RESPONSE_FLAGS));
    record.followUps.push(message);
    interactions.changed(record);
    return ok(message);
  };

  const onMessage = (
    action: (record: InteractionRecord, messageId: string, body: Json, files?: UploadedFile[]) => RestResponse,
  ): Route['handle'] => (request, [app = '', token = '', messageId = '']) => {
    const record = webhook(app, token);
    if ('status' in record) return record;
    return noting(record, action(record, messageId, isRecord(request.body) ? request.body : {}, request.files));
  };

  const findFollowUp = (record: InteractionRecord, messageId: string) => record.followUps.findIndex((m) => m.id === messageId);
  const noAuth = { auth: false, global: false };
  const messagePath = '/webhooks/:app/:token/messages/:message';
  return [
    route('POST', '/interactions/:id/:token/callback', (r, [id = '', token = '']) => callback(r, id, token), noAuth),
    route('POST', '/webhooks/:app/:token', onMessage((record, _id, body) => followUp(record, body)), noAuth),
    route('GET', messagePath, onMessage((record, id) => {
      if (id === '@original') return record.original && !record.originalDeleted ? ok(record.original) : errors.unknownMessage();
      const index = findFollowUp(record, id);
      return index < 0 ? errors.unknownMessage() : ok(record.followUps[index]);
    }), noAuth),
    route('PATCH', messagePath, onMessage((record, id, body, files) => {
      if (id === '@original') return editOriginal(record, body, files);
      const index = findFollowUp(record, id);
      if (index < 0) return errors.unknownMessage();
      const invalid = validateMessage(body, { partial: true });
      if (invalid) return { status: 400, body: invalid };
      const previous = record.followUps[index]!;
      record.followUps[index] = { ...previous, ...pickMessageFields(body), edited_timestamp: new Date().toISOString() };
      interactions.changed(record);
      return ok(record.followUps[index]);
    }), noAuth),
    route('DELETE', messagePath, onMessage((record, id) => {
      if (id === '@original') {
        if (!record.original || record.originalDeleted) return errors.unknownMessage();
        record.originalDeleted = true;
      } else {
        const index = findFollowUp(record, id);
        if (index < 0) return errors.unknownMessage();
        record.followUps.splice(index, 1);
      }
      interactions.changed(record);
      return noContent();
    }), noAuth),
  ];
}
