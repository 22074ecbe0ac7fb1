/**
 * `UserDatabase` over the application's Drizzle tables. The email's uniqueness across letter
 * case is the database's job (the `ux_user_email_ci` index of the column helpers): `create`
 * and `update` write and let the unique indexes refuse, so that two concurrent registrations
 * of `A@x.io` and `a@x.io` give one user and one `DuplicateEmailError`. With `tables.userRole`,
 * the role table follows `user.roles` and the email in the transaction that changes them.
 */
import { randomUUID } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import type { Column, SQL } from 'drizzle-orm'
import { foldEmail } from '../../email.ts'
import { foldUsername } from '../../username/rules.ts'
import { parseId } from '../../id.ts'
import type {
  OAuthAccount,
  OAuthAccountCreate,
  OAuthAccountUpdate,
  UserCreateData,
  UserRecord,
  UserUpdateData,
} from '../../user.ts'
import { mergedRecord } from '../merged-record.ts'
import { OAUTH_ACCOUNT_COLUMNS, toOAuthAccount, toOAuthAccountRow } from '../sql/oauth-account-row.ts'
import { uuid7 } from '../sql/uuid7.ts'
import { explainWriteError } from '../sql/write-error.ts'
import type { UserDatabase } from '../types.ts'
import type { UserListing, UserListPage, UserListQuery } from '../user-listing.ts'
import { normalizeRoles, parseStoredRoles, type UserRoleStorage } from '../user-roles.ts'
import { banFromJson, banToJson, type UserBan, type UserBanStorage } from '../user-bans.ts'
import { atomically, emailKey, usernameKey } from './dialect.ts'
import type { Dialect, QueryBuilder, WriteQuery } from './dialect.ts'
import { DrizzleSchemaError, driverError, run } from './errors.ts'
import type { AccessTokenTable, DrizzleUserTables, OAuthAccountTable, UserRoleTable } from './tables.ts'
import { UserColumns } from './user-columns.ts'
import { listUsers } from './user-listing.ts'

/**
 * The users of one Drizzle database. Obtain it from `drizzleUserDatabase`, which checks the
 * tables this class relies on.
 *
 * @example
 * ```ts
 * const { users } = drizzleUserDatabase({ db, tables: { user, oauthAccount } })
 * const arthur = await users.getByEmail('king.arthur@camelot.bt')
 * ```
 */
export class DrizzleUserDatabase<U extends UserRecord = UserRecord> implements UserDatabase<U>, UserListing<U>, UserRoleStorage<U>, UserBanStorage<U> {
  readonly #db: QueryBuilder
  readonly #dialect: Dialect
  readonly #user: UserColumns
  readonly #oauth: OAuthAccountTable | null
  readonly #tokens: AccessTokenTable | null
  readonly #roleTable: UserRoleTable | null

  constructor(db: QueryBuilder, dialect: Dialect, tables: DrizzleUserTables) {
    this.#db = db
    this.#dialect = dialect
    this.#user = new UserColumns(tables.user)
    this.#oauth = tables.oauthAccount ?? null
    this.#tokens = tables.accessToken ?? null
    this.#roleTable = tables.userRole ?? null
  }

  async get(id: string): Promise<U | null> {
    const key = parseId(id)
    if (key === null) return null
    const { table, all } = this.#user
    const rows = await run(this.#db.select(all).from(table).where(eq(table.id, key)).limit(1))
    return rows[0] === undefined ? null : this.#user.toRecord<U>(rows[0])
  }

  async getByEmail(email: string): Promise<U | null> {
    const folded = foldEmail(email)
    const { table, all } = this.#user
    const rows = await run(this.#db.select(all).from(table).where(eq(emailKey(this.#dialect, table.email), folded)))
    // SQLite built with ICU folds every letter in lower(); comparing the ASCII folding again
    // keeps the matching the same as in every other database.
    for (const row of rows) {
      if (foldEmail(String(row['email'])) === folded) return this.#user.toRecord<U>(row)
    }
    return null
  }

  async getByUsername(username: string): Promise<U | null> {
    const column = this.#user.username
    if (column === null) throw new DrizzleSchemaError('usernames need a "username" column in the user table: spread the current sqliteUserColumns() or pgUserColumns() into it')
    const folded = foldUsername(username)
    const { table, all } = this.#user
    const rows = await run(this.#db.select(all).from(table).where(eq(usernameKey(this.#dialect, column), folded)))
    for (const row of rows) {
      if (typeof row['username'] === 'string' && foldUsername(row['username']) === folded) return this.#user.toRecord<U>(row)
    }
    return null
  }

  async getByOAuthAccount(oauthName: string, accountId: string): Promise<U | null> {
    const oauth = this.#oauthTable()
    const { table, all } = this.#user
    const rows = await run(
      this.#db
        .select(all)
        .from(table)
        .innerJoin(oauth, eq(oauth.user_id, table.id))
        .where(and(eq(oauth.oauth_name, oauthName), eq(oauth.account_id, accountId)))
        .limit(1),
    )
    return rows[0] === undefined ? null : this.#user.toRecord<U>(rows[0])
  }

  async create(data: UserCreateData): Promise<U> {
    const id = randomUUID()
    const row = { ...this.#user.toRow(data), id, ...(this.#user.createdAt === null ? {} : { created_at: new Date() }) }
    let stored
    try {
      stored = await this.#db.insert(this.#user.table).values(row).returning()
    } catch (error) {
      throw await this.#explainWriteError(driverError(error), data, id)
    }
    return stored[0] === undefined ? mergedRecord<U>({ id }, data) : this.#user.toRecord<U>(stored[0])
  }

  async update(user: U, data: UserUpdateData): Promise<U> {
    const id = parseId(user.id)
    const row = this.#user.toRow(data)
    if (id === null) return mergedRecord<U>(user, data)
    if (Object.keys(row).length === 0) return (await this.get(id)) ?? mergedRecord<U>(user, data)
    const { table } = this.#user
    const roleTable = this.#roleTable
    if (roleTable !== null && row['email'] !== undefined) {
      // The role rows carry the folded email as their sort key, copied by the database.
      const key = sql`(select ${emailKey(this.#dialect, table.email)} from ${table} where ${table.id} = ${id})`
      try {
        await atomically(this.#db, this.#dialect, (tx) => [
          tx.update(table).set(row).where(eq(table.id, id)),
          tx.update(roleTable).set({ email_key: key }).where(eq(roleTable.user_id, id)),
        ])
      } catch (error) {
        throw await this.#explainWriteError(error, data, id)
      }
      return (await this.get(id)) ?? mergedRecord<U>(user, data)
    }
    let stored
    try {
      stored = await this.#db.update(table).set(row).where(eq(table.id, id)).returning()
    } catch (error) {
      throw await this.#explainWriteError(driverError(error), data, id)
    }
    return stored[0] === undefined ? mergedRecord<U>(user, data) : this.#user.toRecord<U>(stored[0])
  }

  async updatePassword(user: U, expectedHashedPassword: string, newHashedPassword: string): Promise<U | null> {
    const id = parseId(user.id)
    if (id === null) return null
    const { table } = this.#user
    // One statement compares and replaces the hash, so of several changes from one stored hash
    // only the first finds it; the others change no row.
    const stored = await run(
      this.#db
        .update(table)
        .set({ hashed_password: newHashedPassword })
        .where(and(eq(table.id, id), eq(table.hashed_password, expectedHashedPassword)))
        .returning(),
    )
    return stored[0] === undefined ? null : this.#user.toRecord<U>(stored[0])
  }

  async delete(user: U): Promise<void> {
    const id = parseId(user.id)
    if (id === null) return
    const tokens = this.#tokens
    const oauth = this.#oauth
    const roleTable = this.#roleTable
    const { table } = this.#user
    // The foreign keys cascade, but a SQLite connection may not enforce them (PRAGMA
    // foreign_keys is per connection and off by default), so delete the dependents too.
    await atomically(this.#db, this.#dialect, (tx) => {
      const writes: WriteQuery[] = []
      if (tokens !== null) writes.push(tx.delete(tokens).where(eq(tokens.user_id, id)))
      if (oauth !== null) writes.push(tx.delete(oauth).where(eq(oauth.user_id, id)))
      if (roleTable !== null) writes.push(tx.delete(roleTable).where(eq(roleTable.user_id, id)))
      writes.push(tx.delete(table).where(eq(table.id, id)))
      return writes
    })
  }

  async listOAuthAccounts(user: U): Promise<OAuthAccount[]> {
    const oauth = this.#oauthTable()
    const id = parseId(user.id)
    if (id === null) return []
    // Oldest first: SQLite keeps insertion order in the rowid; on PostgreSQL ids are UUIDv7.
    const order = this.#dialect.name === 'sqlite' ? sql`rowid` : oauth.id
    const rows = await run(
      this.#db.select(this.#oauthColumns(oauth)).from(oauth).where(eq(oauth.user_id, id)).orderBy(order),
    )
    return rows.map(toOAuthAccount)
  }

  async addOAuthAccount(user: U, account: OAuthAccountCreate): Promise<OAuthAccount> {
    const oauth = this.#oauthTable()
    const id = uuid7()
    await run(this.#db.insert(oauth).values({ ...toOAuthAccountRow(account), id, user_id: user.id.toLowerCase() }))
    return toOAuthAccount({ ...account, id })
  }

  async updateOAuthAccount(account: OAuthAccount, data: OAuthAccountUpdate): Promise<OAuthAccount> {
    const oauth = this.#oauthTable()
    const id = parseId(account.id)
    const row = toOAuthAccountRow(data)
    if (id === null) return toOAuthAccount({ ...account, ...row })
    if (Object.keys(row).length > 0) {
      await run(this.#db.update(oauth).set(row).where(eq(oauth.id, id)))
    }
    const rows = await run(this.#db.select(this.#oauthColumns(oauth)).from(oauth).where(eq(oauth.id, id)).limit(1))
    return toOAuthAccount(rows[0] ?? { ...account, ...row })
  }

  async removeOAuthAccount(user: U, account: OAuthAccount): Promise<boolean> {
    const oauth = this.#oauthTable()
    const userId = parseId(user.id)
    const id = parseId(account.id)
    if (userId === null || id === null) return false
    const rows = await run(this.#db.delete(oauth).where(and(eq(oauth.id, id), eq(oauth.user_id, userId))!).returning({ id: oauth.id }))
    return rows.length > 0
  }

  /** A page of users (`GET /users`; src/db/user-listing.ts). */
  listUsers(query: UserListQuery): Promise<UserListPage<U>> {
    return listUsers<U>(this.#db, this.#dialect, this.#user, this.#roleTable, query)
  }

  /** The user's roles (the `roles` column, a JSON array). */
  async getRoles(user: U): Promise<string[]> {
    const column = this.#rolesColumn()
    const id = parseId(user.id)
    if (id === null) return []
    const { table } = this.#user
    const rows = await run(this.#db.select({ roles: column }).from(table).where(eq(table.id, id)).limit(1))
    return parseStoredRoles(rows[0]?.['roles'])
  }

  async setRoles(user: U, roles: readonly string[]): Promise<string[] | null> {
    this.#rolesColumn()
    const id = parseId(user.id)
    if (id === null) return null
    const stored = normalizeRoles(roles)
    const value = stored.length === 0 ? null : JSON.stringify(stored)
    const { table } = this.#user
    const roleTable = this.#roleTable
    if (roleTable === null) {
      const updated = await run(this.#db.update(table).set({ roles: value }).where(eq(table.id, id)).returning({ id: table.id }))
      return updated.length === 0 ? null : stored
    }
    // The user's rows in the role table are replaced with the column, under the row lock the update takes.
    await atomically(this.#db, this.#dialect, (tx) => [
      tx.update(table).set({ roles: value }).where(eq(table.id, id)),
      tx.delete(roleTable).where(eq(roleTable.user_id, id)),
      ...stored.map((role) => tx.insert(roleTable).select(this.#roleRow(id, role))),
    ])
    return (await this.get(id)) === null ? null : stored
  }

  /**
   * The role table's row of the user and role, its sort keys read from the user row (as the
   * Kysely adapter's user-role-rows.ts does), in the table's column order; none without the user.
   */
  #roleRow(id: string, role: string): SQL {
    const { table, createdAt } = this.#user
    const time = createdAt ?? sql`null`
    return sql`select ${table.id}, ${role}, ${emailKey(this.#dialect, table.email)}, ${time} from ${table} where ${table.id} = ${id}`
  }

  /** The user's ban (the `ban` column, JSON). */
  async getBan(user: U): Promise<UserBan | null> {
    const column = this.#column(this.#user.ban, 'bans', 'ban')
    const id = parseId(user.id)
    if (id === null) return null
    const { table } = this.#user
    const rows = await run(this.#db.select({ ban: column }).from(table).where(eq(table.id, id)).limit(1))
    return banFromJson(rows[0]?.['ban'] ?? null)
  }

  async setBan(user: U, ban: UserBan | null): Promise<boolean> {
    this.#column(this.#user.ban, 'bans', 'ban')
    const id = parseId(user.id)
    if (id === null) return false
    const { table } = this.#user
    const value = ban === null ? null : JSON.stringify(banToJson(ban))
    const updated = await run(this.#db.update(table).set({ ban: value }).where(eq(table.id, id)).returning({ id: table.id }))
    return updated.length > 0
  }

  #column(column: Column | null, feature: string, name: string): Column {
    if (column === null) {
      throw new DrizzleSchemaError(`${feature} need the "${name}" column: spread the current sqliteUserColumns() or pgUserColumns() into the user table`)
    }
    return column
  }

  #rolesColumn(): Column {
    return this.#column(this.#user.roles, 'roles', 'roles')
  }

  #oauthTable(): OAuthAccountTable {
    if (this.#oauth === null) {
      throw new DrizzleSchemaError('OAuth accounts need the oauth_account table: pass tables.oauthAccount')
    }
    return this.#oauth
  }

  #oauthColumns(oauth: OAuthAccountTable): Record<string, Column> {
    return Object.fromEntries(OAUTH_ACCOUNT_COLUMNS.map((name) => [name, oauth[name]]))
  }

  #explainWriteError(error: unknown, data: UserUpdateData, id: string): Promise<unknown> {
    return explainWriteError(error, {
      dialect: this.#dialect.name,
      email: data.email,
      username: this.#user.username === null ? undefined : data['username'],
      id,
      getByEmail: (taken) => this.getByEmail(taken),
      getByUsername: (taken) => this.getByUsername(taken),
    })
  }
}
