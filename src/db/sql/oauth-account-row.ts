/**
 * The mapping between an `oauth_account` row and an `OAuthAccount` (CONTRACT §2.2), the same
 * for both SQL adapters. The row's `user_id` stays in the table: the core reaches accounts
 * through their user.
 */
import type { OAuthAccount, OAuthAccountUpdate } from '../../user.ts'
import { storedOAuthAccount } from '../oauth-account.ts'

/** The columns of an account, in `OAuthAccount`'s key order. */
export const OAUTH_ACCOUNT_COLUMNS = [
  'id',
  'oauth_name',
  'access_token',
  'expires_at',
  'refresh_token',
  'account_id',
  'account_email',
] as const

const WRITABLE = OAUTH_ACCOUNT_COLUMNS.filter((column) => column !== 'id')

/**
 * A row (or a partial account) as an `OAuthAccount`: `expires_at` a number or `null`,
 * `refresh_token` a string or `null`, the id lower-case.
 *
 * @example
 * ```ts
 * const row = { id: 'F1E2…', oauth_name: 'google', access_token: 't', expires_at: 1700000000n,
 *   refresh_token: null, account_id: '42', account_email: 'a@b.c' }
 * toOAuthAccount(row).expires_at // 1700000000
 * ```
 */
export function toOAuthAccount(row: Record<string, unknown>): OAuthAccount {
  return storedOAuthAccount(row, String(row['id']).toLowerCase())
}

/**
 * The columns to write for the keys of `data` that are set; `null` is written (it clears
 * `expires_at` or `refresh_token`), `undefined` is not.
 *
 * @example
 * ```ts
 * toOAuthAccountRow({ access_token: 'new', refresh_token: undefined }) // { access_token: 'new' }
 * ```
 */
export function toOAuthAccountRow(data: OAuthAccountUpdate): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  for (const column of WRITABLE) {
    if (data[column] !== undefined) row[column] = data[column]
  }
  return row
}
