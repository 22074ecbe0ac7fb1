/**
 * Ids in MongoDB documents. A user's `_id`, an access token's `user_id` and an embedded OAuth
 * account's `id` are UUIDs stored as BSON binary subtype 4, what PyMongo writes for a Python
 * `uuid.UUID` under `uuidRepresentation="standard"` (the setting FastAPI Users' docs use), and
 * travel through the core as lower-case hyphenated strings. Embedded accounts that a Beanie
 * application linked carry an ObjectId instead (Beanie's `BaseOAuthAccount` default); those
 * are read as their 24-digit hex string and found again by it.
 */
import { Binary, ObjectId, UUID } from 'mongodb'
import { parseId } from '../../id.ts'

const OBJECT_ID = /^[0-9a-f]{24}$/i
const UUID_BYTES = 16

/**
 * The BSON value of a UUID string in any spelling `parseId` accepts, or `null`.
 *
 * @example
 * ```ts
 * uuidValue('D35D213E-F3D8-4F08-954A-7E0D1BEA286F') // UUID('d35d213e-…'), binary subtype 4
 * uuidValue('42') // null
 * ```
 */
export function uuidValue(id: unknown): UUID | null {
  const canonical = parseId(id)
  return canonical === null ? null : new UUID(canonical)
}

/**
 * The lower-case hyphenated UUID a stored value holds, or `null` when it is not a standard
 * (subtype 4) BSON UUID.
 *
 * @example
 * ```ts
 * uuidString(new UUID('d35d213e-f3d8-4f08-954a-7e0d1bea286f')) // 'd35d213e-f3d8-4f08-954a-7e0d1bea286f'
 * uuidString(new ObjectId()) // null
 * ```
 */
export function uuidString(value: unknown): string | null {
  if (!(value instanceof Binary) || value.sub_type !== Binary.SUBTYPE_UUID || value.length() !== UUID_BYTES) return null
  return value.toUUID().toHexString()
}

/**
 * The BSON value an embedded OAuth account id string stands for: a UUID, or the ObjectId of
 * an account Beanie linked.
 *
 * @example
 * ```ts
 * accountIdValue('6b09e871b4285ee131bbd859') // ObjectId('6b09e871b4285ee131bbd859')
 * ```
 */
export function accountIdValue(id: unknown): UUID | ObjectId | null {
  if (typeof id === 'string' && OBJECT_ID.test(id)) return new ObjectId(id)
  return uuidValue(id)
}

/**
 * An embedded OAuth account id as a string: the UUID, or an ObjectId's hex digits.
 *
 * @example
 * ```ts
 * accountIdString(new ObjectId('6b09e871b4285ee131bbd859')) // '6b09e871b4285ee131bbd859'
 * ```
 */
export function accountIdString(value: unknown): string | null {
  if (value instanceof ObjectId) return value.toHexString()
  return uuidString(value)
}
