/**
 * Sessions (src/sessions/store.ts) through Drizzle, in the table of `sqliteSessionTable()` or
 * `pgSessionTable()`. Each operation is one statement scoped by the user.
 */
import { and, eq, lt, lte, ne } from 'drizzle-orm'
import type { Column, SQL, Table } from 'drizzle-orm'
import type { SessionRecord, SessionRotation, SessionStore } from '../../sessions/store.ts'
import { sessionRecordOfRow, sessionRowOfRecord } from '../sql/session-row.ts'
import type { SessionTable } from './account-tables.ts'
import { checkTable, dialectOf, type DrizzleDatabase, type QueryBuilder, type Row } from './dialect.ts'
import { run } from './errors.ts'

export interface DrizzleSessionStoreOptions {
  db: DrizzleDatabase
  /** `sqliteSessionTable()` or `pgSessionTable()`, created by the application's migrations. */
  table: SessionTable
}

const COLUMNS = [
  'id', 'user_id', 'backend', 'access_token_hash', 'access_token_key', 'family_id',
  'created_at', 'last_used_at', 'expires_at', 'user_agent', 'client_address',
] as const
type Columns = Record<(typeof COLUMNS)[number], Column>

/**
 * @example
 * ```ts
 * const sessions = { store: new DrizzleSessionStore({ db, table: session }) }
 * ```
 */
export class DrizzleSessionStore implements SessionStore {
  readonly #db: QueryBuilder
  readonly #table: Table & Columns

  constructor(options: DrizzleSessionStoreOptions) {
    checkTable(options.table, 'session', dialectOf(options.db))
    // Both dialects' builders have the methods QueryBuilder names; their own types differ.
    this.#db = options.db as unknown as QueryBuilder
    this.#table = options.table as unknown as Table & Columns
  }

  async create(session: SessionRecord): Promise<void> {
    await run(this.#db.insert(this.#table).values(sessionRowOfRecord(session)))
  }

  async list(userId: string): Promise<SessionRecord[]> {
    return (await this.#select(eq(this.#table.user_id, userId))).map(sessionRecordOfRow)
  }

  async get(userId: string, id: string): Promise<SessionRecord | null> {
    const [row] = await this.#select(and(eq(this.#table.id, id), eq(this.#table.user_id, userId))!)
    return row === undefined ? null : sessionRecordOfRow(row)
  }

  async rotate(userId: string, familyId: string, rotation: SessionRotation): Promise<void> {
    const t = this.#table
    await run(this.#db.update(t).set({
      access_token_hash: rotation.accessTokenHash,
      access_token_key: rotation.accessTokenKey,
      last_used_at: rotation.lastUsedAt,
      expires_at: rotation.expiresAt,
    }).where(and(eq(t.user_id, userId), eq(t.family_id, familyId))))
  }

  async touch(userId: string, accessTokenHash: string, at: number): Promise<void> {
    const t = this.#table
    await run(this.#db.update(t).set({ last_used_at: at })
      .where(and(eq(t.access_token_hash, accessTokenHash), eq(t.user_id, userId), lt(t.last_used_at, at))))
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const t = this.#table
    const rows = await run(this.#db.delete(t).where(and(eq(t.id, id), eq(t.user_id, userId))!).returning({ id: t.id }))
    return rows.length > 0
  }

  async deleteByAccessToken(userId: string, accessTokenHash: string): Promise<void> {
    const t = this.#table
    await this.#delete(eq(t.access_token_hash, accessTokenHash), eq(t.user_id, userId))
  }

  async deleteFamily(userId: string, familyId: string): Promise<void> {
    const t = this.#table
    await this.#delete(eq(t.user_id, userId), eq(t.family_id, familyId))
  }

  async deleteAllForUser(userId: string, keepAccessTokenHash?: string): Promise<void> {
    const t = this.#table
    if (keepAccessTokenHash === undefined) await this.#delete(eq(t.user_id, userId))
    else await this.#delete(eq(t.user_id, userId), ne(t.access_token_hash, keepAccessTokenHash))
  }

  async deleteExpired(now: number): Promise<void> {
    await this.#delete(lte(this.#table.expires_at, now))
  }

  async #select(condition: SQL): Promise<Row[]> {
    const t = this.#table
    const columns = Object.fromEntries(COLUMNS.map((name) => [name, t[name]]))
    return run(this.#db.select(columns).from(t).where(condition))
  }

  async #delete(...conditions: SQL[]): Promise<void> {
    await run(this.#db.delete(this.#table).where(and(...conditions)!))
  }
}
