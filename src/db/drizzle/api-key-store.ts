/**
 * API keys (src/api-keys/store.ts) through Drizzle, in the table of
 * `sqliteApiKeyTable()`/`pgApiKeyTable()`. The last-use record is one conditional UPDATE: of
 * instances racing to record a use, one writes.
 */
import { and, asc, eq, isNull, lt, or } from 'drizzle-orm'
import type { Column, Table } from 'drizzle-orm'
import type { ApiKeyRecord, ApiKeyStore } from '../../api-keys/store.ts'
import { apiKeyRecord, apiKeyRow } from '../sql/api-key-row.ts'
import type { ApiKeyTable } from './api-key-table.ts'
import { checkTable, dialectOf, type DrizzleDatabase, type QueryBuilder } from './dialect.ts'
import { run } from './errors.ts'

export interface DrizzleApiKeyStoreOptions {
  db: DrizzleDatabase
  /** `sqliteApiKeyTable()` or `pgApiKeyTable()`, created by the application's migrations. */
  table: ApiKeyTable
}

type Columns = Record<'id' | 'user_id' | 'name' | 'secret_hash' | 'permissions' | 'created_at' | 'expires_at' | 'last_used_at', Column>

interface Deleting {
  delete(table: Table): { where(condition: unknown): { returning(fields: Record<string, Column>): PromiseLike<unknown[]> } }
}

/**
 * @example
 * ```ts
 * const apiKeys = { store: new DrizzleApiKeyStore({ db, table: apiKeyTable }) }
 * ```
 */
export class DrizzleApiKeyStore implements ApiKeyStore {
  readonly #db: QueryBuilder
  readonly #table: Table & Columns

  constructor(options: DrizzleApiKeyStoreOptions) {
    checkTable(options.table, 'apiKey', dialectOf(options.db))
    // Both dialects' builders have the methods QueryBuilder names; their own types differ.
    this.#db = options.db as unknown as QueryBuilder
    this.#table = options.table as unknown as Table & Columns
  }

  async create(record: ApiKeyRecord): Promise<void> {
    await run(this.#db.insert(this.#table).values({ ...apiKeyRow(record) }))
  }

  async get(id: string): Promise<ApiKeyRecord | null> {
    const rows = await run(this.#db.select(this.#columns()).from(this.#table).where(eq(this.#table.id, id)).limit(1))
    return rows[0] === undefined ? null : apiKeyRecord(rows[0])
  }

  async list(userId: string): Promise<ApiKeyRecord[]> {
    const t = this.#table
    const rows = await run(this.#db.select(this.#columns()).from(t).where(eq(t.user_id, userId)).orderBy(asc(t.created_at), asc(t.id)))
    return rows.map(apiKeyRecord)
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const t = this.#table
    // Counted by the rows it returns, which works alike on every driver.
    const rows = await run((this.#db as unknown as Deleting).delete(t).where(and(eq(t.id, id), eq(t.user_id, userId))).returning({ id: t.id }))
    return rows.length === 1
  }

  async deleteAll(userId: string): Promise<void> {
    await run(this.#db.delete(this.#table).where(eq(this.#table.user_id, userId)))
  }

  async touch(id: string, at: Date, staleBefore: Date): Promise<void> {
    const t = this.#table
    await run(this.#db.update(t).set({ last_used_at: at.getTime() })
      .where(and(eq(t.id, id), or(isNull(t.last_used_at), lt(t.last_used_at, staleBefore.getTime())))))
  }

  #columns(): Record<string, Column> {
    const t = this.#table
    return {
      id: t.id, user_id: t.user_id, name: t.name, secret_hash: t.secret_hash, permissions: t.permissions,
      created_at: t.created_at, expires_at: t.expires_at, last_used_at: t.last_used_at,
    }
  }
}
