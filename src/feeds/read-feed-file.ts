/**
 * Reads a feed from a file: URL, for feeds the operator declares in the config file (chat never reaches this: the
 * loader reads files only when told the URL is the operator's). The file's modification time and size stand in
 * for an ETag, so an unchanged file costs no parse; a file over `maxBytes` is refused like an oversized download.
 */
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { HeraldError, messageOf } from '../errors.ts';

export type ReadFileResult =
  | { readonly status: 'not-modified'; readonly etag: string }
  | { readonly status: 'ok'; readonly body: Buffer; readonly etag: string };

export const DEFAULT_MAX_FEED_BYTES = 10 * 1024 * 1024;

export async function readFeedFile(url: string, options: { readonly etag?: string; readonly maxBytes?: number }): Promise<ReadFileResult> {
  const filePath = fileURLToPath(url);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FEED_BYTES;
  try {
    const before = await stat(filePath);
    if (!before.isFile()) throw new HeraldError('feed-file', `${filePath} is not a file`, { userMessage: `The feed file ${filePath} is not a file.` });
    if (before.size > maxBytes) {
      throw new HeraldError('too-large', `${filePath}: ${before.size} bytes, over ${maxBytes}`, { userMessage: `The feed file ${filePath} is larger than Herald accepts (${maxBytes} bytes).` });
    }
    const etag = `file:${before.mtimeMs}:${before.size}`;
    if (etag === options.etag) return { status: 'not-modified', etag };
    const body = await readFile(filePath);
    return { status: 'ok', body: body.subarray(0, maxBytes), etag };
  } catch (error) {
    if (error instanceof HeraldError) throw error;
    const missing = (error as { code?: unknown }).code === 'ENOENT';
    throw new HeraldError('feed-file', `cannot read ${filePath}: ${messageOf(error)}`, {
      cause: error,
      userMessage: missing ? `The feed file ${filePath} does not exist.` : `The feed file ${filePath} cannot be read (${messageOf(error)}).`,
    });
  }
}
