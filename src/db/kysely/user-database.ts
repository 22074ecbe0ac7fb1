/**
 * `UserDatabase` over Kysely, for FastAPI Users' `user` and `oauth_account` tables. The
 * email's uniqueness across letter case is the database's job (migration 2): `create` and
 * `update` write and let the unique indexes refuse, so two concurrent registrations of
 * `A@x.io` and `a@x.io` give one user and one `DuplicateEmailError`.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { DuplicateEmailError } from '../../errors.ts'
import type {
  OAuthAccount,
  OAuthAccountCreate,
  OAuthAccountUpdate,
  UserCreateData,
  UserRecord,
  UserUpdateData,
} from '../../user.ts'
import type { UserDatabase } from '../types.ts'
import { asciiLower, emailKey } from './email-key.ts'
import type { FieldDefinitions } from './fields.ts'
import { OAUTH_ACCOUNT_COLUMNS, toOAuthAccount, toOAuthAccountRow } from './oauth-account-row.ts'
import type { AnyKysely, SqlDialect } from './schema.ts'
import { isEmailConstraint, uniqueViolation } from './unique-violation.ts'
import { normalizeUuid, UserRowMapper } from './user-row.ts'
import { uuid7 } from './uuid7.ts'

/**
 * The users of one SQL database. Obtain it from a store factory (`sqliteUserDatabase` and the
 * like), which also runs the migrations this class relies on.
 */
export class KyselyUserDatabase<U extends UserRecord = UserRecord> implements UserDatabase<U> {
  readonly #db: AnyKysely
  readonly #dialect: SqlDialect
  readonly #rows: UserRowMapper

  constructor(db: AnyKysely, dialect: SqlDialect, fields: FieldDefinitions = {}) {
    this.#db = db
    this.#dialect = dialect
    this.#rows = new UserRowMapper(dialect, fields)
  }

  async get(id: string): Promise<U | null> {
    const key = normalizeUuid(id)
    if (key === null) return null
    const row = await this.#db.selectFrom('user').select(this.#rows.selection()).where('user.id', '=', key).executeTakeFirst()
    return row === undefined ? null : this.#rows.toRecord<U>(row)
  }

  async getByEmail(email: string): Promise<U | null> {
    const folded = asciiLower(email)
    const rows = await this.#db
      .selectFrom('user')
      .select(this.#rows.selection())
      .where(emailKey(this.#dialect), '=', folded)
      .execute()
    // The databases agree on the folding; comparing again here also drops MySQL's PAD SPACE
    // matches, where 'a@x.io ' would equal 'a@x.io'.
    for (const row of rows) {
      if (asciiLower(String(row['email'])) === folded) return this.#rows.toRecord<U>(row)
    }
    return null
  }

  async getByOAuthAccount(oauthName: string, accountId: string): Promise<U | null> {
    const row = await this.#db
      .selectFrom('user')
      .innerJoin('oauth_account', 'oauth_account.user_id', 'user.id')
      .select(this.#rows.selection())
      .where('oauth_account.oauth_name', '=', oauthName)
      .where('oauth_account.account_id', '=', accountId)
      .executeTakeFirst()
    return row === undefined ? null : this.#rows.toRecord<U>(row)
  }

  async create(data: UserCreateData): Promise<U> {
    const id = randomUUID()
    try {
      await this.#db
        .insertInto('user')
        .values({ ...this.#rows.toRow(data), id })
        .execute()
    } catch (error) {
      throw await this.#explainWriteError(error, data.email, id)
    }
    return (await this.get(id)) ?? this.#rows.merge<U>({ id }, data)
  }

  async update(user: U, data: UserUpdateData): Promise<U> {
    const id = normalizeUuid(user.id)
    const row = this.#rows.toRow(data)
    if (id !== null && Object.keys(row).length > 0) {
      try {
        await this.#db.updateTable('user').set(row).where('id', '=', id).execute()
      } catch (error) {
        throw await this.#explainWriteError(error, data.email, id)
      }
    }
    return (id === null ? null : await this.get(id)) ?? this.#rows.merge<U>(user, data)
  }

  async delete(user: U): Promise<void> {
    const id = normalizeUuid(user.id)
    if (id === null) return
    // The foreign keys cascade, but a SQLite connection the application opened may not
    // enforce them (PRAGMA foreign_keys is per connection), so delete the dependents too.
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('accesstoken').where('user_id', '=', id).execute()
      await trx.deleteFrom('oauth_account').where('user_id', '=', id).execute()
      await trx.deleteFrom('user').where('id', '=', id).execute()
    })
  }

  async listOAuthAccounts(user: U): Promise<OAuthAccount[]> {
    const id = normalizeUuid(user.id)
    if (id === null) return []
    // Oldest first: SQLite keeps insertion order in the rowid; elsewhere ids are UUIDv7.
    const order = this.#dialect === 'sqlite' ? sql`rowid` : sql`id`
    const rows = await this.#db
      .selectFrom('oauth_account')
      .select(OAUTH_ACCOUNT_COLUMNS)
      .where('user_id', '=', id)
      .orderBy(order)
      .execute()
    return rows.map(toOAuthAccount)
  }

  async addOAuthAccount(user: U, account: OAuthAccountCreate): Promise<OAuthAccount> {
    const id = uuid7()
    await this.#db
      .insertInto('oauth_account')
      .values({ ...toOAuthAccountRow(account), id, user_id: user.id.toLowerCase() })
      .execute()
    return toOAuthAccount({ ...account, id })
  }

  async updateOAuthAccount(account: OAuthAccount, data: OAuthAccountUpdate): Promise<OAuthAccount> {
    const id = normalizeUuid(account.id)
    const row = toOAuthAccountRow(data)
    if (id === null) return toOAuthAccount({ ...account, ...row })
    if (Object.keys(row).length > 0) {
      await this.#db.updateTable('oauth_account').set(row).where('id', '=', id).execute()
    }
    const stored = await this.#db
      .selectFrom('oauth_account')
      .select(OAUTH_ACCOUNT_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst()
    return toOAuthAccount(stored ?? { ...account, ...row })
  }

  /**
   * A write's error as the caller should see it: a unique violation on the email is a
   * `DuplicateEmailError`. A violation of an index the adapter does not know by name (an
   * application's own unique column, or an email index named otherwise) is one only if
   * another user holds the email.
   */
  async #explainWriteError(error: unknown, email: unknown, id: string): Promise<unknown> {
    const constraint = uniqueViolation(error, this.#dialect)
    if (constraint === null) return error
    if (isEmailConstraint(constraint)) return new DuplicateEmailError()
    if (typeof email !== 'string') return error
    const holder = await this.getByEmail(email)
    return holder !== null && holder.id !== id ? new DuplicateEmailError() : error
  }
}
