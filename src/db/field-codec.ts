/**
 * A custom field's value on its way into and out of a database. What is the same everywhere
 * lives here: null (and undefined) is null, numbers and text read back as numbers and text
 * whatever another writer stored. Each adapter says how its database keeps the three types
 * that differ: booleans, timestamps and JSON.
 */
import type { FieldType } from './fields.ts'

/** One type's conversion, for values that are neither null nor undefined. */
export interface Conversion {
  encode(value: unknown): unknown
  decode(value: unknown): unknown
}

/** How a database keeps the types whose storage differs between databases. */
export type FieldStorage = Readonly<Record<'boolean' | 'timestamp' | 'json', Conversion>>

/** A timestamp given as a Date, an ISO string or epoch milliseconds, as a Date. */
export function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(value as string | number)
}

/**
 * `value` as `storage` keeps a field of `type`.
 *
 * @example
 * ```ts
 * encodeFieldIn(storage, 'json', { theme: 'dark' })
 * ```
 */
export function encodeFieldIn(storage: FieldStorage, type: FieldType, value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (type) {
    case 'boolean':
    case 'timestamp':
    case 'json':
      return storage[type].encode(value)
    default:
      return value
  }
}

/**
 * A field of `type` that `storage` kept, as its JavaScript value.
 *
 * @example
 * ```ts
 * decodeFieldIn(storage, 'integer', '42') // 42
 * ```
 */
export function decodeFieldIn(storage: FieldStorage, type: FieldType, value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (type) {
    case 'boolean':
    case 'timestamp':
    case 'json':
      return storage[type].decode(value)
    case 'integer':
    case 'real':
      return typeof value === 'number' ? value : Number(value)
    case 'text':
      return typeof value === 'string' ? value : String(value)
  }
}
