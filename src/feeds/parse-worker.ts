/**
 * The parse pool's worker thread (parse-pool.ts): reads one fetched body per message and answers with the feed,
 * or with the error, flattened to what survives a message (the pool makes a HeraldError of it again).
 */
import { parentPort } from 'node:worker_threads';
import { HeraldError } from '../errors.ts';
import { readFeedBody, type FeedBodyJob } from './feed-body.ts';

export type WorkerAnswer =
  | { readonly ok: true; readonly body: ReturnType<typeof readFeedBody> }
  | { readonly ok: false; readonly error: { readonly name: string; readonly code: string; readonly message: string; readonly userMessage?: string } };

parentPort?.postMessage('ready');
parentPort?.on('message', (job: FeedBodyJob) => {
  let answer: WorkerAnswer;
  try {
    answer = { ok: true, body: readFeedBody(job) };
  } catch (error) {
    const herald = error instanceof HeraldError ? error : undefined;
    answer = {
      ok: false,
      error: {
        name: error instanceof Error ? error.name : 'Error',
        code: herald?.code ?? 'parse-failed',
        message: error instanceof Error ? error.message : String(error),
        ...(herald !== undefined && { userMessage: herald.userMessage }),
      },
    };
  }
  parentPort?.postMessage(answer);
});
