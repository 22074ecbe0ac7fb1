/**
 * A stored OAuth account as the core sees it (CONTRACT §2.2), whatever stored it: an
 * `oauth_account` row of the SQL adapters or an account embedded in a MongoDB user. Drivers
 * hand back `expires_at` as a number, a bigint or a BSON long, and absent values as `null` or
 * not at all; the core gets a number or `null`, and a string or `null`.
 */
import type { OAuthAccount } from '../user.ts'

/**
 * The account whose stored fields are `stored`, under the id the adapter read from them.
 *
 * @example
 * ```ts
 * const row = { oauth_name: 'google', access_token: 't', expires_at: 1700000000n, account_id: '42', account_email: 'a@b.c' }
 * storedOAuthAccount(row, 'f1e2…').expires_at // 1700000000
 * ```
 */
export function storedOAuthAccount(stored: Record<string, unknown>, id: string): OAuthAccount {
  const expiresAt = stored['expires_at']
  const refreshToken = stored['refresh_token']
  return {
    id,
    oauth_name: String(stored['oauth_name']),
    access_token: String(stored['access_token']),
    expires_at: expiresAt === null || expiresAt === undefined ? null : Number(expiresAt),
    refresh_token: refreshToken === null || refreshToken === undefined ? null : String(refreshToken),
    account_id: String(stored['account_id']),
    account_email: String(stored['account_email']),
  }
}
