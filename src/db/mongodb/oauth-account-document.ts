/**
 * OAuth accounts embedded in the user document, as Beanie's `BaseOAuthAccount` stores them
 * (CONTRACT §16.3): `oauth_accounts: [{id, oauth_name, access_token, account_id, account_email,
 * expires_at, refresh_token}]`, in the order they were linked. Embedding gives the cascade on
 * delete for free and finds a user by provider account in one indexed query.
 */
import { UUID } from 'mongodb'
import type { Document } from 'mongodb'
import type { OAuthAccount, OAuthAccountCreate, OAuthAccountUpdate } from '../../user.ts'
import { storedOAuthAccount } from '../oauth-account.ts'
import { accountIdString } from './ids.ts'

/** Beanie's field order. */
const WRITABLE = ['oauth_name', 'access_token', 'account_id', 'account_email', 'expires_at', 'refresh_token'] as const

/**
 * A new embedded account with a new UUID id.
 *
 * @example
 * ```ts
 * await users.updateOne({ _id }, { $push: { oauth_accounts: newAccountDocument(account) } })
 * ```
 */
export function newAccountDocument(account: OAuthAccountCreate): Document {
  return {
    id: new UUID(),
    ...accountFields(account),
    expires_at: account.expires_at ?? null,
    refresh_token: account.refresh_token ?? null,
  }
}

/**
 * The fields to write for the keys of `data` that are set; `null` is written (it clears
 * `expires_at` or `refresh_token`), `undefined` is not.
 *
 * @example
 * ```ts
 * accountFields({ access_token: 'new', refresh_token: undefined }) // { access_token: 'new' }
 * ```
 */
export function accountFields(data: OAuthAccountUpdate): Document {
  const fields: Document = {}
  for (const name of WRITABLE) {
    if (data[name] !== undefined) fields[name] = data[name]
  }
  return fields
}

/**
 * An embedded account as an `OAuthAccount`: `expires_at` a number or `null`, `refresh_token` a
 * string or `null`, the id as a string.
 *
 * @example
 * ```ts
 * toOAuthAccount(user.oauth_accounts[0])
 * ```
 */
export function toOAuthAccount(document: Document): OAuthAccount {
  return storedOAuthAccount(document, accountIdString(document['id']) ?? String(document['id']))
}

/**
 * The embedded accounts of a user document, tolerating a document without any.
 *
 * @example
 * ```ts
 * embeddedAccounts(await users.findOne({ _id })) // Document[]
 * ```
 */
export function embeddedAccounts(document: Document | null): Document[] {
  const accounts: unknown = document?.['oauth_accounts']
  return Array.isArray(accounts) ? (accounts as Document[]) : []
}
