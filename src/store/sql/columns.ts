/**
 * Conversions between the records' values and their columns: ISO times to epoch milliseconds and back,
 * JSON text, nulls to absent fields; and the check that a row read back is a valid record.
 */
import type { z } from 'zod';
import { HeraldError, messageOf } from '../../errors.ts';

export function millisOf(iso: string, field: string): number {
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) throw new HeraldError('store-invalid', `${field} is not a time: ${JSON.stringify(iso)}`);
  return millis;
}

export function optionalMillisOf(iso: string | undefined, field: string): number | null {
  return iso === undefined ? null : millisOf(iso, field);
}

export function isoOf(millis: number): string {
  return new Date(millis).toISOString();
}

export function optionalIsoOf(millis: number | null): string | undefined {
  return millis === null ? undefined : isoOf(millis);
}

export function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** Where a row came from, for the error that names a malformed one. */
export interface RowOrigin {
  readonly table: string;
  readonly id: string;
}

function corrupt(origin: RowOrigin, problem: string): HeraldError {
  return new HeraldError('store-corrupt', `${origin.table} row ${origin.id} is malformed: ${problem}`);
}

export function parseJsonColumn(text: string | null, column: string, origin: RowOrigin): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw corrupt(origin, `${column} is not JSON (${messageOf(error)})`);
  }
}

/** The record built from a row, validated by its schema, without the fields whose columns were null. */
export function validRecord<S extends z.ZodType>(schema: S, candidate: Record<string, unknown>, origin: RowOrigin): z.infer<S> {
  const present = Object.fromEntries(Object.entries(candidate).filter(([, value]) => value !== null && value !== undefined));
  const result = schema.safeParse(present);
  if (!result.success) throw corrupt(origin, result.error.message);
  return result.data;
}

/** Hears of a stored row that could not be read back (it is left out, and the store goes on). */
export type MalformedRowReport = (problem: string, origin: RowOrigin) => void;

/**
 * The rows as records, each malformed one left out and reported rather than failing the whole read, so one bad
 * row cannot stop a feed's polls or a channel's deliveries. Returns the origins of those left out.
 */
export function wellFormedRecords<R extends { id: string }, T>(table: string, rows: readonly R[], convert: (row: R) => T, report: MalformedRowReport | undefined): { records: T[]; malformed: RowOrigin[] } {
  const records: T[] = [];
  const malformed: RowOrigin[] = [];
  for (const row of rows) {
    try {
      records.push(convert(row));
    } catch (error) {
      if (!(error instanceof HeraldError) || error.code !== 'store-corrupt') throw error;
      const origin = { table, id: row.id };
      malformed.push(origin);
      report?.(error.message, origin);
    }
  }
  return { records, malformed };
}
