/**
 * Telling which unique index refused a write (MongoDB error 11000, "E11000 duplicate key").
 * Servers since 4.2 name the index's fields in `keyPattern`; older ones and some wire-compatible
 * servers only name the index in the message, which is parsed as a fallback.
 */
import { MongoServerError } from 'mongodb'

const DUPLICATE_KEY = 11000
const INDEX_IN_MESSAGE = /index: (\S+) dup key/

/** What a duplicate-key error says about the index that refused the write. */
export interface DuplicateKey {
  /** The index's fields, when the server names them. */
  fields: string[]
  /** The index's name, when the message carries it. */
  index: string | null
}

/**
 * The refused index of a duplicate-key error, or `null` for any other error.
 *
 * @example
 * ```ts
 * try { await users.insertOne(document) } catch (error) {
 *   if (duplicateKey(error)?.fields.includes('email_key')) throw new DuplicateEmailError()
 *   throw error
 * }
 * ```
 */
export function duplicateKey(error: unknown): DuplicateKey | null {
  if (!(error instanceof MongoServerError) || error.code !== DUPLICATE_KEY) return null
  const pattern: unknown = error['keyPattern']
  const fields = typeof pattern === 'object' && pattern !== null ? Object.keys(pattern) : []
  const index = INDEX_IN_MESSAGE.exec(error.message)?.[1] ?? null
  return { fields, index }
}
