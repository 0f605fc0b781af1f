/**
 * Plays a user invoking a slash command or typing in an autocomplete option: dispatches the
 * INTERACTION_CREATE, then waits for the bot's answer the way Discord's client would show it
 * (the reply; or after a deferral, the edited response; or the autocomplete choices).
 * Rejects with a readable reason when the bot misses the deadline or never edits a deferral.
 */
import { randomBytes } from 'node:crypto';
import type { Gateway } from './gateway.ts';
import { buildInteraction } from './interaction-payload.ts';
import { replyOf } from './interactions.ts';
import type { InteractionRecord, InteractionStore } from './interactions.ts';
import type { EmulatorState } from './state.ts';
import type { AutocompleteChoice, AutocompleteInput, CommandInput, InteractionReply } from './types.ts';
import { waitFor } from '../../support/wait-for.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

export interface RunnerDeps {
  state: EmulatorState;
  gateway: Gateway;
  interactions: InteractionStore;
}

function describeRefusals(record: InteractionRecord): string {
  if (record.refused.length === 0) return '';
  const list = record.refused.map((r) => `${r.status} ${JSON.stringify(r.body)}`).join('; ');
  return `; the emulator refused: ${list}`;
}

function dispatch(deps: RunnerDeps, input: CommandInput | AutocompleteInput, kind: 'command' | 'autocomplete'): InteractionRecord {
  const id = deps.state.snowflakes.next();
  const token = `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`;
  const payload = buildInteraction(deps.state, input, { id, token });
  const record = deps.interactions.create({
    id,
    token,
    kind,
    commandName: input.name,
    guildId: input.guildId,
    channelId: input.channelId,
    userId: input.user?.id ?? ((payload.member as { user: { id: string } }).user.id),
  });
  if (!deps.gateway.dispatchInteraction(input.guildId, payload)) {
    throw new Error(`no gateway session holds guild ${input.guildId}: log the bot in before running /${input.name}`);
  }
  return record;
}

/** Waits for the first callback, bounded by both the interaction deadline and the caller's timeout. */
async function waitForCallback(deps: RunnerDeps, record: InteractionRecord, timeoutMs: number): Promise<InteractionRecord> {
  const wait = Math.min(timeoutMs, Math.max(0, record.deadlineAt - Date.now()) + 25);
  return waitFor(deps.state.changes, 'interaction', () => (record.callback ? record : undefined), wait, () =>
    new Error(`/${record.commandName}: the bot did not answer the interaction within ${wait} ms (Discord shows "The application did not respond")${describeRefusals(record)}`),
  );
}

export async function runCommand(deps: RunnerDeps, input: CommandInput): Promise<InteractionReply> {
  const started = Date.now();
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const record = dispatch(deps, input, 'command');
  await waitForCallback(deps, record, timeoutMs);
  if (record.callback?.type === 5) {
    const left = Math.max(0, timeoutMs - (Date.now() - started));
    await waitFor(deps.state.changes, 'interaction', () => (record.edited ? record : undefined), left, () =>
      new Error(`/${record.commandName}: the bot deferred but did not edit its response within ${timeoutMs} ms${describeRefusals(record)}`),
    );
  }
  return replyOf(record);
}

export async function autocomplete(deps: RunnerDeps, input: AutocompleteInput): Promise<AutocompleteChoice[]> {
  const record = dispatch(deps, input, 'autocomplete');
  await waitForCallback(deps, record, input.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const choices = record.callback?.data?.choices;
  return Array.isArray(choices) ? (choices as AutocompleteChoice[]) : [];
}
