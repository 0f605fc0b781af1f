/**
 * Slack's external file upload, as bots must use it since files.upload was retired: files.getUploadURLExternal
 * (filename, length) gives an upload_url and a file_id; the bytes are POSTed to that URL (raw, or as the file
 * part of a multipart form); files.completeUploadExternal (files: a JSON array of {id, title}, channel_id, initial_comment)
 * shares them. Refuses as Slack does: missing or bad arguments (invalid_arguments), a file id it never issued or
 * whose bytes never arrived (file_not_found), a size other than the declared length (upload fails with 400), a
 * channel the bot is not in (not_in_channel) or that does not exist (channel_not_found).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiAnswer, MethodContext } from './web-api-methods.ts';
import { sendText } from './http-body.ts';
import type { EmulatorState } from './state.ts';

export interface SharedFile {
  readonly id: string;
  readonly filename: string;
  readonly title: string;
  readonly channelId: string;
  readonly initialComment?: string;
  readonly content: Buffer;
}

interface PendingUpload {
  readonly filename: string;
  readonly length: number;
  content?: Buffer;
  completed: boolean;
}

const MAX_FILE_BYTES = 1024 * 1024 * 1024;

export class FileUploads {
  base = '';
  readonly shared: SharedFile[] = [];
  readonly #pending = new Map<string, PendingUpload>();
  #next = 1;

  constructor(private readonly state: EmulatorState) {}

  getUploadUrl(params: Readonly<Record<string, unknown>>): ApiAnswer {
    const filename = typeof params.filename === 'string' ? params.filename.trim() : '';
    const length = Number(params.length);
    if (filename === '' || !Number.isInteger(length) || length < 1 || length > MAX_FILE_BYTES) return { ok: false, error: 'invalid_arguments' };
    const id = `F0UPLOAD${String(this.#next++).padStart(4, '0')}`;
    this.#pending.set(id, { filename, length, completed: false });
    return { ok: true, upload_url: `${this.base}/upload/${id}`, file_id: id };
  }

  async receive(request: IncomingMessage, response: ServerResponse, id: string): Promise<void> {
    const pending = this.#pending.get(id);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let content = Buffer.concat(chunks);
    if (/^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) {
      const form = await new Response(content, { headers: { 'content-type': request.headers['content-type']! } }).formData();
      // Slack takes the form's file part whatever its name (Slack's own SDK names it `body`).
      const file = [...form.values()].find((value) => typeof value !== 'string');
      content = file === undefined ? Buffer.alloc(0) : Buffer.from(await file.arrayBuffer());
    }
    if (pending === undefined || pending.completed) return sendText(response, 404, 'not found');
    if (content.length !== pending.length) return sendText(response, 400, `length mismatch: declared ${pending.length}, got ${content.length}`);
    pending.content = content;
    sendText(response, 200, `OK - ${content.length}`);
  }

  complete(params: Readonly<Record<string, unknown>>, { state }: MethodContext): ApiAnswer {
    let files: unknown;
    try {
      files = typeof params.files === 'string' ? JSON.parse(params.files) : params.files;
    } catch {
      return { ok: false, error: 'invalid_arguments' };
    }
    if (!Array.isArray(files) || files.length === 0) return { ok: false, error: 'invalid_arguments' };
    const channelId = typeof params.channel_id === 'string' ? params.channel_id : undefined;
    const channel = channelId === undefined ? undefined : state.findChannel(channelId);
    if (channelId !== undefined && channel === undefined) return { ok: false, error: 'channel_not_found' };
    if (channel !== undefined && !channel.botIsMember) return { ok: false, error: 'not_in_channel' };
    const entries: Array<{ id: string; title: string; pending: PendingUpload }> = [];
    for (const file of files) {
      const id = typeof file === 'object' && file !== null ? (file as { id?: unknown }).id : undefined;
      const pending = typeof id === 'string' ? this.#pending.get(id) : undefined;
      if (pending === undefined || pending.content === undefined || pending.completed) return { ok: false, error: 'file_not_found' };
      const title = (file as { title?: unknown }).title;
      entries.push({ id: id as string, title: typeof title === 'string' && title !== '' ? title : pending.filename, pending });
    }
    const initialComment = typeof params.initial_comment === 'string' ? params.initial_comment : undefined;
    for (const { id, title, pending } of entries) {
      pending.completed = true;
      if (channel !== undefined) this.shared.push({ id, filename: pending.filename, title, channelId: channel.id, content: pending.content!, ...(initialComment === undefined ? {} : { initialComment }) });
    }
    this.state.changes.emit('file');
    return { ok: true, files: entries.map(({ id, title, pending }) => ({ id, name: pending.filename, title, size: pending.length })) };
  }
}
