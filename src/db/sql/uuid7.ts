/**
 * UUIDv7 (RFC 9562) for OAuth account ids. FastAPI Users' `oauth_account` table has no
 * creation time, and the interface lists a user's accounts oldest first: a time-ordered id
 * gives that order on PostgreSQL and MySQL without adding a column to FastAPI Users' layout.
 * The 12 bits after the millisecond timestamp count up within a millisecond (RFC 9562 §6.2,
 * method 1), so ids made by one process in the same millisecond still sort in creation order.
 */
import { randomBytes } from 'node:crypto'

let lastMillis = 0
let counter = 0

/**
 * A new lower-case hyphenated UUIDv7.
 *
 * @example
 * ```ts
 * uuid7() // '0192f3a4-5b6c-7d8e-9f01-23456789abcd'
 * ```
 */
export function uuid7(): string {
  let millis = Date.now()
  if (millis <= lastMillis) {
    millis = lastMillis
    counter++
    if (counter > 0xfff) {
      // The counter ran out within one millisecond: borrow the next one.
      millis = ++lastMillis
      counter = 0
    }
  } else {
    lastMillis = millis
    counter = 0
  }
  const bytes = randomBytes(16)
  bytes.writeUIntBE(millis, 0, 6)
  bytes[6] = 0x70 | (counter >> 8)
  bytes[7] = counter & 0xff
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f)
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
