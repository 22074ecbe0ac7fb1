/**
 * `UserDatabase` over Kysely, for FastAPI Users' `user` and `oauth_account` tables. The
 * email's uniqueness across letter case is the database's job (migration 2): `create` and
 * `update` write and let the unique indexes refuse, so two concurrent registrations of
 * `A@x.io` and `a@x.io` give one user and one `DuplicateEmailError`. A query's error leaves as
 * the driver raised it, without the values the drivers quote in it (src/db/sql/driver-error.ts).
 * With a read replica, only `getForDisplay` and `listUsers` read it (read-replica.ts). The role
 * table (migration 14) follows `user.roles` and the email in the transaction that changes them.
 */
import { randomUUID } from 'node:crypto'
import { sql, type CompiledQuery } from 'kysely'
import { foldEmail } from '../../email.ts'
import { isStoreUnavailable } from '../../store-unavailable.ts'
import type {
  OAuthAccount,
  OAuthAccountCreate,
  OAuthAccountUpdate,
  UserCreateData,
  UserRecord,
  UserUpdateData,
} from '../../user.ts'
import type { FieldDefinitions } from '../fields.ts'
import { mergedRecord } from '../merged-record.ts'
import { runWithoutQueryValues } from '../sql/driver-error.ts'
import { OAUTH_ACCOUNT_COLUMNS, toOAuthAccount, toOAuthAccountRow } from '../sql/oauth-account-row.ts'
import { uuid7 } from '../sql/uuid7.ts'
import { explainWriteError } from '../sql/write-error.ts'
import type { UserDatabase } from '../types.ts'
import type { UserListing, UserListPage, UserListQuery } from '../user-listing.ts'
import { normalizeRoles, parseStoredRoles, type UserRoleStorage } from '../user-roles.ts'
import { banFromJson, banToJson, type UserBan, type UserBanStorage } from '../user-bans.ts'
import { encodeTimestamp } from './codec.ts'
import { foldUsername } from '../../username/rules.ts'
import { emailKey, usernameKey } from './email-key.ts'
import type { AnyKysely, SqlDialect } from './schema.ts'
import { listUsers } from './user-listing.ts'
import { deleteUserRoles, insertRoleHolders, refreshUserRoleEmail } from './user-role-rows.ts'
import { normalizeUuid, UserRowMapper } from './user-row.ts'

/** Stands for the id in the compiled lookup; no UUID can equal it. */
const ID_PLACEHOLDER = '\u0000user-id'

export interface KyselyUserDatabaseOptions {
  /**
   * A read replica of the same tables, for the reads that tolerate lag only (`getForDisplay`,
   * `listUsers`); every other read goes to the primary.
   */
  replica?: AnyKysely
}

/**
 * The users of one SQL database. Obtain it from a store factory (`sqliteUserDatabase` and the
 * like), which also runs the migrations this class relies on.
 */
export class KyselyUserDatabase<U extends UserRecord = UserRecord> implements UserDatabase<U>, UserListing<U>, UserRoleStorage<U>, UserBanStorage<U> {
  readonly #db: AnyKysely
  readonly #replica: AnyKysely
  readonly #dialect: SqlDialect
  readonly #rows: UserRowMapper
  readonly #byId: CompiledQuery

  constructor(db: AnyKysely, dialect: SqlDialect, fields: FieldDefinitions = {}, options: KyselyUserDatabaseOptions = {}) {
    this.#db = db
    this.#replica = options.replica ?? db
    this.#dialect = dialect
    this.#rows = new UserRowMapper(dialect, fields)
    // Every authenticated request runs this lookup; building and compiling it with Kysely cost
    // more than running it (bench/: 2.4 times the time of the compiled query on SQLite), so it
    // is compiled once, with a placeholder value that `get` replaces by the id.
    this.#byId = db.selectFrom('user').select(this.#rows.selection()).where('user.id', '=', ID_PLACEHOLDER).compile()
  }

  get(id: string): Promise<U | null> {
    return this.#getFrom(this.#db, id)
  }

  /** The user of this id from the read replica when there is one: display only, may lag. */
  getForDisplay(id: string): Promise<U | null> {
    return this.#getFrom(this.#replica, id)
  }

  async #getFrom(db: AnyKysely, id: string): Promise<U | null> {
    const key = normalizeUuid(id)
    if (key === null) return null
    const parameters = this.#byId.parameters.map((value) => (value === ID_PLACEHOLDER ? key : value))
    const { rows } = await runWithoutQueryValues(db.executeQuery<Record<string, unknown>>({ ...this.#byId, parameters }))
    const row = rows[0]
    return row === undefined ? null : this.#rows.toRecord<U>(row)
  }

  async getByEmail(email: string): Promise<U | null> {
    const folded = foldEmail(email)
    const rows = await runWithoutQueryValues(
      this.#db.selectFrom('user').select(this.#rows.selection()).where(emailKey(this.#dialect), '=', folded).execute(),
    )
    // The databases agree on the folding; comparing again here also drops MySQL's PAD SPACE
    // matches, where 'a@x.io ' would equal 'a@x.io'.
    for (const row of rows) {
      if (foldEmail(String(row['email'])) === folded) return this.#rows.toRecord<U>(row)
    }
    return null
  }

  async getByUsername(username: string): Promise<U | null> {
    const folded = foldUsername(username)
    const rows = await runWithoutQueryValues(
      this.#db.selectFrom('user').select(this.#rows.selection()).where(usernameKey(this.#dialect), '=', folded).execute(),
    )
    // As for emails: the same folding everywhere, and no PAD SPACE match.
    for (const row of rows) {
      if (typeof row['username'] === 'string' && foldUsername(row['username']) === folded) return this.#rows.toRecord<U>(row)
    }
    return null
  }

  async getByOAuthAccount(oauthName: string, accountId: string): Promise<U | null> {
    const row = await runWithoutQueryValues(
      this.#db
        .selectFrom('user')
        .innerJoin('oauth_account', 'oauth_account.user_id', 'user.id')
        .select(this.#rows.selection())
        .where('oauth_account.oauth_name', '=', oauthName)
        .where('oauth_account.account_id', '=', accountId)
        .executeTakeFirst(),
    )
    return row === undefined ? null : this.#rows.toRecord<U>(row)
  }

  async create(data: UserCreateData): Promise<U> {
    const id = randomUUID()
    try {
      const created_at = encodeTimestamp(this.#dialect, new Date())
      await runWithoutQueryValues(this.#db.insertInto('user').values({ ...this.#rows.toRow(data), id, created_at }).execute())
    } catch (error) {
      throw await this.#explainWriteError(error, data, id)
    }
    try {
      return (await this.get(id)) ?? mergedRecord<U>({ id }, data)
    } catch (error) {
      // The row is written: an outage right after it must not answer 503 for a user who exists.
      if (!isStoreUnavailable(error)) throw error
      return mergedRecord<U>({ id }, data)
    }
  }

  async update(user: U, data: UserUpdateData): Promise<U> {
    const id = normalizeUuid(user.id)
    const row = this.#rows.toRow(data)
    if (id !== null && Object.keys(row).length > 0) {
      try {
        if (row['email'] === undefined) {
          await runWithoutQueryValues(this.#db.updateTable('user').set(row).where('id', '=', id).execute())
        } else {
          // The role rows carry the folded email as their sort key.
          await runWithoutQueryValues(
            this.#db.transaction().execute(async (trx) => {
              await trx.updateTable('user').set(row).where('id', '=', id).execute()
              await refreshUserRoleEmail(trx, this.#dialect, id)
            }),
          )
        }
      } catch (error) {
        throw await this.#explainWriteError(error, data, id)
      }
    }
    return (id === null ? null : await this.get(id)) ?? mergedRecord<U>(user, data)
  }

  async updatePassword(user: U, expectedHashedPassword: string, newHashedPassword: string): Promise<U | null> {
    const id = normalizeUuid(user.id)
    if (id === null) return null
    // One statement compares and replaces the hash, so of several changes from one stored hash
    // only the first finds it; the others change no row. MySQL compares the bytes, since its
    // default collations would take a hash in other letter case for the same.
    const stored = this.#dialect === 'mysql' ? sql`CAST(hashed_password AS BINARY)` : sql`hashed_password`
    const result = await runWithoutQueryValues(
      this.#db
        .updateTable('user')
        .set({ hashed_password: newHashedPassword })
        .where('id', '=', id)
        .where(stored, '=', expectedHashedPassword)
        .executeTakeFirst(),
    )
    if (result.numUpdatedRows === 0n) return null
    return (await this.get(id)) ?? mergedRecord<U>(user, { hashed_password: newHashedPassword })
  }

  async delete(user: U): Promise<void> {
    const id = normalizeUuid(user.id)
    if (id === null) return
    // The foreign keys cascade, but a SQLite connection the application opened may not
    // enforce them (PRAGMA foreign_keys is per connection), so delete the dependents too.
    await runWithoutQueryValues(
      this.#db.transaction().execute(async (trx) => {
        await trx.deleteFrom('accesstoken').where('user_id', '=', id).execute()
        await trx.deleteFrom('oauth_account').where('user_id', '=', id).execute()
        await deleteUserRoles(trx, id)
        await trx.deleteFrom('user').where('id', '=', id).execute()
      }),
    )
  }

  async listOAuthAccounts(user: U): Promise<OAuthAccount[]> {
    const id = normalizeUuid(user.id)
    if (id === null) return []
    // Oldest first: SQLite keeps insertion order in the rowid; elsewhere ids are UUIDv7.
    const order = this.#dialect === 'sqlite' ? sql`rowid` : sql`id`
    const rows = await runWithoutQueryValues(
      this.#db.selectFrom('oauth_account').select(OAUTH_ACCOUNT_COLUMNS).where('user_id', '=', id).orderBy(order).execute(),
    )
    return rows.map(toOAuthAccount)
  }

  async addOAuthAccount(user: U, account: OAuthAccountCreate): Promise<OAuthAccount> {
    const id = uuid7()
    await runWithoutQueryValues(
      this.#db
        .insertInto('oauth_account')
        .values({ ...toOAuthAccountRow(account), id, user_id: user.id.toLowerCase() })
        .execute(),
    )
    return toOAuthAccount({ ...account, id })
  }

  async updateOAuthAccount(account: OAuthAccount, data: OAuthAccountUpdate): Promise<OAuthAccount> {
    const id = normalizeUuid(account.id)
    const row = toOAuthAccountRow(data)
    if (id === null) return toOAuthAccount({ ...account, ...row })
    if (Object.keys(row).length > 0) {
      await runWithoutQueryValues(this.#db.updateTable('oauth_account').set(row).where('id', '=', id).execute())
    }
    const stored = await runWithoutQueryValues(
      this.#db.selectFrom('oauth_account').select(OAUTH_ACCOUNT_COLUMNS).where('id', '=', id).executeTakeFirst(),
    )
    return toOAuthAccount(stored ?? { ...account, ...row })
  }

  async removeOAuthAccount(user: U, account: OAuthAccount): Promise<boolean> {
    const userId = normalizeUuid(user.id)
    const id = normalizeUuid(account.id)
    if (userId === null || id === null) return false
    const result = await runWithoutQueryValues(
      this.#db.deleteFrom('oauth_account').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst(),
    )
    return result.numDeletedRows > 0n
  }

  /** A page of users (`GET /users`; src/db/user-listing.ts), from the read replica when there is one. */
  listUsers(query: UserListQuery): Promise<UserListPage<U>> {
    return listUsers<U>(this.#replica, this.#dialect, this.#rows, query)
  }

  /** The user's roles (`user.roles`, a JSON array; migration 6; the role table of migration 14 is only its index). */
  async getRoles(user: U): Promise<string[]> {
    const id = normalizeUuid(user.id)
    if (id === null) return []
    const row = await runWithoutQueryValues(this.#db.selectFrom('user').select('roles').where('id', '=', id).executeTakeFirst())
    return parseStoredRoles(row?.roles)
  }

  async setRoles(user: U, roles: readonly string[]): Promise<string[] | null> {
    const id = normalizeUuid(user.id)
    if (id === null) return null
    const stored = normalizeRoles(roles)
    // The user's rows in the role table are replaced with the column, under the row lock the update takes.
    const result = await runWithoutQueryValues(
      this.#db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('user')
          .set({ roles: stored.length === 0 ? null : JSON.stringify(stored) })
          .where('id', '=', id)
          .executeTakeFirst()
        await deleteUserRoles(trx, id)
        for (const role of stored) await insertRoleHolders(trx, this.#dialect, role, [id])
        return updated
      }),
    )
    // MySQL counts changed rows: a user given the roles it holds changes none, yet exists.
    if (result.numUpdatedRows === 0n && (await this.get(id)) === null) return null
    return stored
  }

  /** The user's ban (`user.ban`, JSON; migration 6). */
  async getBan(user: U): Promise<UserBan | null> {
    const id = normalizeUuid(user.id)
    if (id === null) return null
    const row = await runWithoutQueryValues(this.#db.selectFrom('user').select('ban').where('id', '=', id).executeTakeFirst())
    return banFromJson(row?.ban)
  }

  async setBan(user: U, ban: UserBan | null): Promise<boolean> {
    const id = normalizeUuid(user.id)
    if (id === null) return false
    const value = ban === null ? null : JSON.stringify(banToJson(ban))
    const result = await runWithoutQueryValues(this.#db.updateTable('user').set({ ban: value }).where('id', '=', id).executeTakeFirst())
    return result.numUpdatedRows > 0n || (await this.get(id)) !== null
  }

  #explainWriteError(error: unknown, data: UserUpdateData, id: string): Promise<unknown> {
    return explainWriteError(error, {
      dialect: this.#dialect,
      email: data.email,
      username: data['username'],
      id,
      getByEmail: (taken) => this.getByEmail(taken),
      getByUsername: (taken) => this.getByUsername(taken),
    })
  }
}
