/** Converts the neutral Message to and from the JSON form kept in the outbox. */
import type { Message } from '../format/message.ts';
import type { StoredMessage } from '../store/records.ts';

export function toStoredMessage(message: Message): StoredMessage {
  return { ...message, categories: [...message.categories], timestamp: message.timestamp?.toISOString() };
}

export function fromStoredMessage(stored: StoredMessage): Message {
  return { ...stored, timestamp: stored.timestamp === undefined ? undefined : new Date(stored.timestamp) };
}
