/**
 * Two-factor state (src/two-factor/store.ts) through Drizzle, in the table of
 * two-factor-table.ts. Every use is one conditional UPDATE of the user's row, counted by the
 * rows it returns (which works alike on every driver): of concurrent uses, one wins.
 */
import { and, eq, isNotNull, isNull, lt } from 'drizzle-orm'
import type { Column, SQL, Table } from 'drizzle-orm'
import { formatRecoveryCodeList, parseRecoveryCodeList } from '../../two-factor/recovery-code-list.ts'
import type { TwoFactorRecord, TwoFactorStore } from '../../two-factor/store.ts'
import { checkTable, dialectOf, type DrizzleDatabase, type QueryBuilder } from './dialect.ts'
import { run } from './errors.ts'
import type { TwoFactorTable } from './account-tables.ts'

export interface DrizzleTwoFactorStoreOptions {
  db: DrizzleDatabase
  /** `sqliteTwoFactorTable()` or `pgTwoFactorTable()`, created by the application's migrations. */
  table: TwoFactorTable
}

type Columns = Record<'user_id' | 'sealed_secret' | 'enabled_at' | 'last_step' | 'generation' | 'recovery_codes', Column>

/**
 * @example
 * ```ts
 * const twoFactor = { store: new DrizzleTwoFactorStore({ db, table: twoFactorTable }), encryptionKey, issuer: 'Example' }
 * ```
 */
export class DrizzleTwoFactorStore implements TwoFactorStore {
  readonly #db: QueryBuilder
  readonly #table: Table & Columns

  constructor(options: DrizzleTwoFactorStoreOptions) {
    checkTable(options.table, 'twoFactor', dialectOf(options.db))
    // Both dialects' builders have the methods QueryBuilder names; their own types differ.
    this.#db = options.db as unknown as QueryBuilder
    this.#table = options.table as unknown as Table & Columns
  }

  async get(userId: string): Promise<TwoFactorRecord | null> {
    const row = await this.#row(userId)
    if (row === null) return null
    return {
      userId,
      sealedSecret: String(row['sealed_secret']),
      enabledAt: row['enabled_at'] == null ? null : Number(row['enabled_at']),
      lastStep: Number(row['last_step']),
      generation: Number(row['generation']),
    }
  }

  async enrol(userId: string, sealedSecret: string): Promise<boolean> {
    const t = this.#table
    if (await this.#update({ sealed_secret: sealedSecret, last_step: 0 }, eq(t.user_id, userId), isNull(t.enabled_at))) return true
    if ((await this.#row(userId)) !== null) return false
    try {
      await run(this.#db.insert(t).values({
        user_id: userId, sealed_secret: sealedSecret, enabled_at: null, last_step: 0, generation: 0, recovery_codes: '[]',
      }))
      return true
    } catch (error) {
      // Another enrolment inserted the row meanwhile.
      if ((await this.#row(userId)) !== null) return false
      throw error
    }
  }

  async enable(userId: string, sealedSecret: string, step: number, now: number): Promise<boolean> {
    const t = this.#table
    const row = await this.#row(userId)
    if (row === null) return false
    return this.#update(
      { enabled_at: now, last_step: step, generation: Number(row['generation']) + 1 },
      eq(t.user_id, userId), eq(t.sealed_secret, sealedSecret), isNull(t.enabled_at), eq(t.generation, Number(row['generation'])),
    )
  }

  async useStep(userId: string, generation: number, step: number): Promise<boolean> {
    const t = this.#table
    return this.#update(
      { last_step: step, generation: generation + 1 },
      eq(t.user_id, userId), isNotNull(t.enabled_at), eq(t.generation, generation), lt(t.last_step, step),
    )
  }

  async useRecoveryCode(userId: string, generation: number, codeHash: string): Promise<boolean> {
    const t = this.#table
    const row = await this.#row(userId)
    if (row === null) return false
    const codes = parseRecoveryCodeList(row['recovery_codes'])
    if (!codes.includes(codeHash)) return false
    return this.#update(
      { recovery_codes: formatRecoveryCodeList(codes.filter((hash) => hash !== codeHash)), generation: generation + 1 },
      eq(t.user_id, userId), isNotNull(t.enabled_at), eq(t.generation, generation), eq(t.recovery_codes, String(row['recovery_codes'])),
    )
  }

  async replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<void> {
    await this.#update({ recovery_codes: formatRecoveryCodeList(codeHashes) }, eq(this.#table.user_id, userId))
  }

  async countRecoveryCodes(userId: string): Promise<number> {
    return parseRecoveryCodeList((await this.#row(userId))?.['recovery_codes']).length
  }

  async delete(userId: string): Promise<void> {
    await run(this.#db.delete(this.#table).where(eq(this.#table.user_id, userId)))
  }

  async #row(userId: string): Promise<Record<string, unknown> | null> {
    const t = this.#table
    const columns = {
      sealed_secret: t.sealed_secret, enabled_at: t.enabled_at, last_step: t.last_step, generation: t.generation, recovery_codes: t.recovery_codes,
    }
    const rows = await run(this.#db.select(columns).from(t).where(eq(t.user_id, userId)).limit(1))
    return rows[0] ?? null
  }

  async #update(values: Record<string, unknown>, ...conditions: SQL[]): Promise<boolean> {
    const t = this.#table
    const rows = await run(this.#db.update(t).set(values).where(and(...conditions)).returning({ user_id: t.user_id }))
    return rows.length === 1
  }
}
