/**
 * Updating one embedded OAuth account in place. The account is addressed by its index in the
 * array, with its id in the filter as a guard, rather than with the positional `$` operator or
 * `arrayFilters`: the update is then the same on every server that speaks MongoDB's query
 * language, wire-compatible ones without positional updates included, and as safe. Should the
 * array change between the read and the write (the adapter only ever appends, but another
 * application might not), the guard matches nothing and the account is looked up again.
 */
import type { Document } from 'mongodb'
import { accountIdString, accountIdValue } from './ids.ts'
import { embeddedAccounts } from './oauth-account-document.ts'
import type { UserCollection } from './user-document.ts'

const ATTEMPTS = 5

/**
 * Sets `fields` on the embedded account with this id and returns it as stored, or `null` when
 * no user holds it.
 *
 * @throws Error when the accounts array kept changing under every attempt.
 * @example
 * ```ts
 * await updateEmbeddedAccount(users, account.id, { access_token: 'new' })
 * ```
 */
export async function updateEmbeddedAccount(
  users: UserCollection,
  accountId: string,
  fields: Document,
): Promise<Document | null> {
  const id = accountIdValue(accountId)
  if (id === null) return null
  const wanted = accountIdString(id)
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const user = await users.findOne({ 'oauth_accounts.id': { $eq: id } }, { projection: { oauth_accounts: 1 } })
    if (user === null) return null
    const index = embeddedAccounts(user).findIndex((account) => accountIdString(account['id']) === wanted)
    if (index === -1) continue
    const path = `oauth_accounts.${index}`
    if (Object.keys(fields).length === 0) return embeddedAccounts(user)[index] ?? null
    const set: Document = {}
    for (const [name, value] of Object.entries(fields)) set[`${path}.${name}`] = value
    const updated = await users.findOneAndUpdate(
      { _id: { $eq: user['_id'] }, [`${path}.id`]: { $eq: id } },
      { $set: set },
      { returnDocument: 'after', projection: { oauth_accounts: 1 } },
    )
    if (updated !== null) return embeddedAccounts(updated)[index] ?? null
  }
  throw new Error('the OAuth accounts of the user kept changing while one was being updated')
}
