/**
 * A keyed collection of validated records in the shared Keyv store, with an index record listing the keys,
 * so collections can be listed on any Keyv backend without store-specific iteration.
 * Index updates go through a KeyLock so concurrent adds and removes in one process cannot lose each other.
 */
import type { z } from 'zod';
import type { KeyValueStore } from './open-store.ts';
import { KeyLock } from './key-lock.ts';
import { HeraldError } from '../errors.ts';

export class RecordCollection<S extends z.ZodType> {
  private readonly lock = new KeyLock();

  constructor(
    private readonly store: KeyValueStore,
    private readonly name: string,
    private readonly schema: S,
  ) {}

  private recordKey(id: string): string {
    return `${this.name}:${id}`;
  }

  private get indexKey(): string {
    return `${this.name}:index`;
  }

  async get(id: string): Promise<z.infer<S> | undefined> {
    const raw = await this.store.get(this.recordKey(id));
    return raw === undefined ? undefined : this.parse(id, raw);
  }

  async put(id: string, record: z.infer<S>): Promise<void> {
    await this.store.set(this.recordKey(id), record);
    await this.lock.run(this.indexKey, async () => {
      const ids = await this.ids();
      if (!ids.includes(id)) await this.store.set(this.indexKey, [...ids, id]);
    });
  }

  /** Reads, changes and writes one record under the lock; returns the new record, or undefined if absent. */
  async update(id: string, change: (current: z.infer<S>) => z.infer<S>): Promise<z.infer<S> | undefined> {
    return this.lock.run(this.recordKey(id), async () => {
      const current = await this.get(id);
      if (current === undefined) return undefined;
      const next = change(current);
      await this.store.set(this.recordKey(id), next);
      return next;
    });
  }

  async delete(id: string): Promise<boolean> {
    const existed = await this.store.delete(this.recordKey(id));
    await this.lock.run(this.indexKey, async () => {
      const ids = await this.ids();
      if (ids.includes(id)) await this.store.set(this.indexKey, ids.filter((other) => other !== id));
    });
    return existed;
  }

  async ids(): Promise<string[]> {
    const ids = await this.store.get<string[]>(this.indexKey);
    return Array.isArray(ids) ? ids : [];
  }

  async list(): Promise<Array<z.infer<S>>> {
    const ids = await this.ids();
    if (ids.length === 0) return [];
    const raws = await this.store.getMany(ids.map((id) => this.recordKey(id)));
    const records: Array<z.infer<S>> = [];
    raws.forEach((raw, index) => {
      if (raw !== undefined && raw !== null) records.push(this.parse(ids[index]!, raw));
    });
    return records;
  }

  private parse(id: string, raw: unknown): z.infer<S> {
    const result = this.schema.safeParse(raw);
    if (!result.success) {
      throw new HeraldError('store-corrupt', `stored ${this.name} record ${id} does not match its schema: ${result.error.message}`);
    }
    return result.data;
  }
}
