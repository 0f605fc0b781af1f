/**
 * Reads an HTTP response body into one Buffer without ever holding more than the cap: first the
 * bytes on the wire (also when there is no Content-Length), then the decoded bytes after
 * Content-Encoding (gzip, x-gzip, deflate in its zlib or raw form, br), where zlib's
 * maxOutputLength stops a decompression bomb as soon as it passes the cap.
 * Returns the body or the reason it was refused; errors of the stream itself (reset, abort) are thrown.
 */
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type BodyResult =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly reason: 'too-large' }
  | { readonly ok: false; readonly reason: 'bad-encoding'; readonly detail: string };

type Decoder = (input: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions) => Promise<Buffer>;

const gunzip = promisify(zlib.gunzip) as Decoder;
const inflate = promisify(zlib.inflate) as Decoder;
const inflateRaw = promisify(zlib.inflateRaw) as Decoder;
const brotliDecompress = promisify(zlib.brotliDecompress) as Decoder;

const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: gunzip,
  'x-gzip': gunzip,
  br: brotliDecompress,
  // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate; the header tells them apart.
  deflate: (input, options) => (hasZlibHeader(input) ? inflate(input, options) : inflateRaw(input, options)),
};

function hasZlibHeader(input: Buffer): boolean {
  const [cmf = 0, flg = 0] = input;
  return (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0;
}

/** Reads `stream` to its end, refusing it once more than `maxBytes` arrive. */
export async function readCappedBody(stream: Readable, contentEncoding: string | undefined, maxBytes: number): Promise<BodyResult> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  const unknown = codings.find((coding) => DECODERS[coding] === undefined);
  if (unknown !== undefined) {
    stream.destroy();
    return { ok: false, reason: 'bad-encoding', detail: `unsupported Content-Encoding "${unknown}"` };
  }

  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    received += buffer.length;
    if (received > maxBytes) {
      stream.destroy();
      return { ok: false, reason: 'too-large' };
    }
    chunks.push(buffer);
  }

  let body: Buffer = Buffer.concat(chunks, received);
  // Codings are listed in the order they were applied, so they are undone from the last.
  for (const coding of body.length === 0 ? [] : codings.reverse()) {
    const decode = DECODERS[coding] as Decoder;
    try {
      body = await decode(body, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { ok: false, reason: 'too-large' };
      return { ok: false, reason: 'bad-encoding', detail: `cannot decode ${coding} body: ${(error as Error).message}` };
    }
  }
  return { ok: true, body };
}
