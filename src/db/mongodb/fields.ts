/**
 * Custom user fields in MongoDB: document fields of the user, declared as for the SQL adapter
 * (the same `FieldDefinitions` of src/db/fields.ts, so an application can move between
 * adapters), stored as native BSON values as a Beanie model stores them. A declaration gives the
 * field its type on reads and writes, and a default (or null) where a document lacks it. MongoDB
 * keeps no schema, so `nullable: false` is the application's promise, checked by its request
 * schemas.
 *
 * A `json` value is stored as what JSON would carry (a Date becomes its ISO string, `undefined`
 * disappears), so that it reads back as it does from the SQL databases.
 */
import { asDate, decodeFieldIn, encodeFieldIn, type FieldStorage } from '../field-codec.ts'
import type { FieldNaming, FieldType } from '../fields.ts'

/**
 * Field names: top-level, so no leading `$` (an operator) and no `.` (a path), and none of the
 * fields the adapter writes itself.
 */
export const MONGO_FIELD_NAMING: FieldNaming = {
  pattern: /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
  rule: 'a plain identifier ([A-Za-z_][A-Za-z0-9_]*)',
  taken: new Set(['_id', 'id', 'email', 'email_key', 'username', 'username_key', 'created_at', 'roles', 'ban', 'hashed_password', 'is_active', 'is_superuser', 'is_verified',
    'oauth_accounts', 'password', 'revision_id']),
}

/** Native BSON: booleans and dates as such, JSON as the document it is. */
const BSON_STORAGE: FieldStorage = {
  boolean: { encode: Boolean, decode: Boolean },
  timestamp: { encode: asDate, decode: (value) => (value instanceof Date ? value : new Date(String(value))) },
  json: { encode: (value) => JSON.parse(JSON.stringify(value)) as unknown, decode: (value) => value },
}

/**
 * A custom field's JavaScript value as the document stores it. `null` and `undefined` are null.
 *
 * @example
 * ```ts
 * encodeField('timestamp', '2024-01-02T03:04:05Z') // Date
 * ```
 */
export function encodeField(type: FieldType, value: unknown): unknown {
  return encodeFieldIn(BSON_STORAGE, type, value)
}

/**
 * A stored custom field as its JavaScript value, whatever BSON type another writer chose for
 * it (an integer as a double or a 64-bit long, a timestamp as text).
 *
 * @example
 * ```ts
 * decodeField('integer', 42.0) // 42
 * ```
 */
export function decodeField(type: FieldType, value: unknown): unknown {
  return decodeFieldIn(BSON_STORAGE, type, value)
}
