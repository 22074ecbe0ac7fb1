/**
 * Used magic links (src/magic-link/store.ts) through Drizzle, in the table of
 * `sqliteMagicLinkTable()`/`pgMagicLinkTable()`: `consume` is one INSERT that skips an existing
 * id, counted by the rows it returns, so one use wins.
 */
import { lt } from 'drizzle-orm'
import type { Column, Table } from 'drizzle-orm'
import type { MagicLinkStore } from '../../magic-link/store.ts'
import type { MagicLinkTable } from './account-tables.ts'
import { checkTable, dialectOf, type DrizzleDatabase } from './dialect.ts'
import { run } from './errors.ts'

export interface DrizzleMagicLinkStoreOptions {
  db: DrizzleDatabase
  table: MagicLinkTable
}

interface InsertIgnoring {
  insert(table: Table): { values(row: Record<string, unknown>): { onConflictDoNothing(): { returning(fields: Record<string, Column>): PromiseLike<unknown[]> } } }
  delete(table: Table): { where(condition: unknown): PromiseLike<unknown> }
}

/**
 * @example
 * ```ts
 * const magicLink = { store: new DrizzleMagicLinkStore({ db, table: magicLinkTable }), send }
 * ```
 */
export class DrizzleMagicLinkStore implements MagicLinkStore {
  readonly #db: InsertIgnoring
  readonly #table: Table & Record<'link_id' | 'expires_at', Column>

  constructor(options: DrizzleMagicLinkStoreOptions) {
    checkTable(options.table, 'magicLink', dialectOf(options.db))
    // Both dialects' builders have these methods; their own types differ.
    this.#db = options.db as unknown as InsertIgnoring
    this.#table = options.table as unknown as Table & Record<'link_id' | 'expires_at', Column>
  }

  async consume(linkId: string, expiresAt: number, now: number): Promise<boolean> {
    const t = this.#table
    await run(this.#db.delete(t).where(lt(t.expires_at, now)))
    const rows = await run(this.#db.insert(t).values({ link_id: linkId, expires_at: expiresAt }).onConflictDoNothing().returning({ link_id: t.link_id }))
    return rows.length === 1
  }
}
