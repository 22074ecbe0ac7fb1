/**
 * The one argon2id hash every seeded user shares: PASSWORD hashed once per run by the library's
 * own PasswordHelper, so that logins verify it with the current parameters (and never rehash).
 */
import { PasswordHelper } from '../src/password.ts'
import { PASSWORD } from './servers.ts'

let hash: Promise<string> | null = null

/**
 * @example
 * await seedUsers(url, 1000, await seedHash())
 */
export function seedHash(): Promise<string> {
  hash ??= new PasswordHelper().hash(PASSWORD)
  return hash
}
