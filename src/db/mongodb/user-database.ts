/**
 * `UserDatabase` over a MongoDB users collection. The email's uniqueness across letter case is
 * the unique index on `email_key`: `create` and `update` write and let the index refuse, so 50
 * concurrent registrations of one address in different letter cases give one user and 49
 * `DuplicateEmailError`s, with no read before the write.
 *
 * Every value that reaches a filter is checked to be a string (or is an id the adapter built),
 * and compared with `$eq`, so that no caller input can become a query operator.
 */
import type { Collection, Document } from 'mongodb'
import { UUID } from 'mongodb'
import { foldEmail } from '../../email.ts'
import { DuplicateEmailError, DuplicateUsernameError } from '../../errors.ts'
import { foldUsername } from '../../username/rules.ts'
import { isStoreUnavailable } from '../../store-unavailable.ts'
import type {
  OAuthAccount,
  OAuthAccountCreate,
  OAuthAccountUpdate,
  UserCreateData,
  UserRecord,
  UserUpdateData,
} from '../../user.ts'
import { mergedRecord } from '../merged-record.ts'
import type { UserDatabase } from '../types.ts'
import type { UserListing, UserListPage, UserListQuery } from '../user-listing.ts'
import { normalizeRoles, type UserRoleStorage } from '../user-roles.ts'
import { banFromJson, banToJson, type UserBan, type UserBanStorage } from '../user-bans.ts'
import { duplicateKey } from './duplicate-key.ts'
import { accountIdValue, uuidValue } from './ids.ts'
import { accountFields, embeddedAccounts, newAccountDocument, toOAuthAccount } from './oauth-account-document.ts'
import { updateEmbeddedAccount } from './oauth-account-update.ts'
import { withoutDocumentValues } from './server-error.ts'
import type { UserCollection, UserDocumentMapper } from './user-document.ts'
import { listUsers } from './user-listing.ts'

/** Indexes whose refusal means "this email is taken": ours, and Beanie's if it made them. */
const EMAIL_INDEXES = new Set(['ux_email_key', 'email_1', 'case_insensitive_email_index'])

/**
 * The users of one MongoDB collection. Obtain it from `mongoUserDatabase`, which also creates
 * the indexes this class relies on.
 */
export class MongoUserDatabase<U extends UserRecord = UserRecord> implements UserDatabase<U>, UserListing<U>, UserRoleStorage<U>, UserBanStorage<U> {
  readonly #users: UserCollection
  readonly #accessTokens: Collection
  readonly #documents: UserDocumentMapper

  constructor(users: UserCollection, accessTokens: Collection, documents: UserDocumentMapper) {
    this.#users = users
    this.#accessTokens = accessTokens
    this.#documents = documents
  }

  async get(id: string): Promise<U | null> {
    const key = uuidValue(id)
    if (key === null) return null
    const document = await this.#users.findOne({ _id: { $eq: key } })
    return document === null ? null : this.#documents.toRecord<U>(document)
  }

  async getByEmail(email: string): Promise<U | null> {
    if (typeof email !== 'string') return null
    const key = foldEmail(email)
    // Compared again here: a collection created with a default collation would match more.
    const documents = await this.#users.find({ email_key: { $eq: key } }).toArray()
    const document = documents.find((candidate) => candidate['email_key'] === key)
    return document === undefined ? null : this.#documents.toRecord<U>(document)
  }

  async getByUsername(username: string): Promise<U | null> {
    if (typeof username !== 'string') return null
    const key = foldUsername(username)
    const documents = await this.#users.find({ username_key: { $eq: key } }).toArray()
    const document = documents.find((candidate) => candidate['username_key'] === key)
    return document === undefined ? null : this.#documents.toRecord<U>(document)
  }

  async getByOAuthAccount(oauthName: string, accountId: string): Promise<U | null> {
    if (typeof oauthName !== 'string' || typeof accountId !== 'string') return null
    // $elemMatch: the provider and the account id must belong to the same embedded account.
    const document = await this.#users.findOne({
      oauth_accounts: { $elemMatch: { oauth_name: { $eq: oauthName }, account_id: { $eq: accountId } } },
    })
    return document === null ? null : this.#documents.toRecord<U>(document)
  }

  async create(data: UserCreateData): Promise<U> {
    const id = new UUID()
    const document = this.#documents.newDocument(id, data)
    try {
      await this.#users.insertOne(document)
    } catch (error) {
      throw await this.#explainWriteError(error, data, id.toHexString())
    }
    try {
      return (await this.get(id.toHexString())) ?? this.#documents.toRecord<U>(document)
    } catch (error) {
      // The document is written: an outage right after it must not answer 503 for a user who exists.
      if (!isStoreUnavailable(error)) throw error
      return this.#documents.toRecord<U>(document)
    }
  }

  async update(user: U, data: UserUpdateData): Promise<U> {
    const id = uuidValue(user.id)
    const fields = this.#documents.toFields(data)
    if (id === null) return mergedRecord<U>(user, data)
    if (Object.keys(fields).length === 0) return (await this.get(user.id)) ?? mergedRecord<U>(user, data)
    let document: Document | null
    try {
      document = await this.#users.findOneAndUpdate({ _id: { $eq: id } }, { $set: fields }, { returnDocument: 'after' })
    } catch (error) {
      throw await this.#explainWriteError(error, data, id.toHexString())
    }
    return document === null ? mergedRecord<U>(user, data) : this.#documents.toRecord<U>(document)
  }

  async updatePassword(user: U, expectedHashedPassword: string, newHashedPassword: string): Promise<U | null> {
    const id = uuidValue(user.id)
    if (id === null || typeof expectedHashedPassword !== 'string') return null
    const fields = this.#documents.toFields({ hashed_password: newHashedPassword })
    // One command finds the user by id and hash and replaces the hash, so of several changes
    // from one stored hash only the first finds the document.
    let document: Document | null
    try {
      document = await this.#users.findOneAndUpdate(
        { _id: { $eq: id }, hashed_password: { $eq: expectedHashedPassword } },
        { $set: fields },
        { returnDocument: 'after' },
      )
    } catch (error) {
      throw withoutDocumentValues(error)
    }
    return document === null ? null : this.#documents.toRecord<U>(document)
  }

  async delete(user: U): Promise<void> {
    const id = uuidValue(user.id)
    if (id === null) return
    // The user first: a token left behind by a failure in between names no user, and works
    // no more. The embedded OAuth accounts go with the document.
    await this.#users.deleteOne({ _id: { $eq: id } })
    await this.#accessTokens.deleteMany({ user_id: { $eq: id } })
  }

  async listOAuthAccounts(user: U): Promise<OAuthAccount[]> {
    const id = uuidValue(user.id)
    if (id === null) return []
    const document = await this.#users.findOne({ _id: { $eq: id } }, { projection: { oauth_accounts: 1 } })
    return embeddedAccounts(document).map(toOAuthAccount)
  }

  async addOAuthAccount(user: U, account: OAuthAccountCreate): Promise<OAuthAccount> {
    const id = uuidValue(user.id)
    const document = newAccountDocument(account)
    const result = id === null ? null : await this.#users.updateOne({ _id: { $eq: id } }, { $push: { oauth_accounts: document } })
    if (result === null || result.matchedCount === 0) {
      throw new Error('cannot link an OAuth account to a user that does not exist')
    }
    return toOAuthAccount(document)
  }

  async updateOAuthAccount(account: OAuthAccount, data: OAuthAccountUpdate): Promise<OAuthAccount> {
    const stored = await updateEmbeddedAccount(this.#users, account.id, accountFields(data))
    return stored === null ? toOAuthAccount({ ...account, ...accountFields(data) }) : toOAuthAccount(stored)
  }

  async removeOAuthAccount(user: U, account: OAuthAccount): Promise<boolean> {
    const id = uuidValue(user.id)
    const accountId = accountIdValue(account.id)
    if (id === null || accountId === null) return false
    const result = await this.#users.updateOne(
      { _id: { $eq: id }, 'oauth_accounts.id': { $eq: accountId } },
      { $pull: { oauth_accounts: { id: accountId } } },
    )
    return result.modifiedCount > 0
  }

  /** A page of users (`GET /users`; src/db/user-listing.ts). */
  listUsers(query: UserListQuery): Promise<UserListPage<U>> {
    return listUsers<U>(this.#users, this.#documents, query)
  }

  /** The user's roles: the document's `roles` array, outside the record. */
  async getRoles(user: U): Promise<string[]> {
    const id = uuidValue(user.id)
    if (id === null) return []
    const document = await this.#users.findOne({ _id: { $eq: id } }, { projection: { roles: 1 } })
    const roles: unknown = document?.roles
    return Array.isArray(roles) ? normalizeRoles(roles.filter((role): role is string => typeof role === 'string')) : []
  }

  async setRoles(user: U, roles: readonly string[]): Promise<string[] | null> {
    const id = uuidValue(user.id)
    if (id === null) return null
    const stored = normalizeRoles(roles)
    const result = await this.#users.updateOne({ _id: { $eq: id } }, { $set: { roles: stored } })
    return result.matchedCount === 0 ? null : stored
  }

  /** The user's ban: the document's `ban` subdocument, outside the record. */
  async getBan(user: U): Promise<UserBan | null> {
    const id = uuidValue(user.id)
    if (id === null) return null
    const document = await this.#users.findOne({ _id: { $eq: id } }, { projection: { ban: 1 } })
    return banFromJson(document?.ban ?? null)
  }

  async setBan(user: U, ban: UserBan | null): Promise<boolean> {
    const id = uuidValue(user.id)
    if (id === null) return false
    const filter = { _id: { $eq: id } }
    const result =
      ban === null
        ? await this.#users.updateOne(filter, { $unset: { ban: 1 } })
        : await this.#users.updateOne(filter, { $set: { ban: banToJson(ban) } })
    return result.matchedCount > 0
  }

  /**
   * A write's error as the caller should see it: a refusal by an email index is a
   * `DuplicateEmailError`, by the username index a `DuplicateUsernameError`. A refusal by an
   * index the server does not name is one only if another user holds the email (or the
   * username). Any other error is the server's, without the written values.
   */
  async #explainWriteError(error: unknown, data: UserUpdateData, id: string): Promise<unknown> {
    const stripped = withoutDocumentValues(error)
    const refused = duplicateKey(stripped)
    if (refused === null) return stripped
    if (refused.fields.includes('email_key') || refused.fields.includes('email')) return new DuplicateEmailError()
    if (refused.index !== null && EMAIL_INDEXES.has(refused.index)) return new DuplicateEmailError()
    if (refused.fields.includes('username_key') || refused.index === 'ux_username_key') return new DuplicateUsernameError()
    if (refused.fields.length > 0 || refused.index !== null) return stripped
    const byEmail = typeof data.email === 'string' ? await this.getByEmail(data.email) : null
    if (byEmail !== null && byEmail.id !== id) return new DuplicateEmailError()
    const byUsername = typeof data['username'] === 'string' ? await this.getByUsername(data['username']) : null
    return byUsername !== null && byUsername.id !== id ? new DuplicateUsernameError() : stripped
  }
}
