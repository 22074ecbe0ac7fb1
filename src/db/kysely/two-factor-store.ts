/**
 * Two-factor state (src/two-factor/store.ts) in the SQL database the users live in (the table
 * of migration 7). Every use, of a step or of a recovery code, is one conditional UPDATE of the
 * user's row: of concurrent uses, one wins.
 */
import type { Kysely } from 'kysely'
import type { TwoFactorRecord, TwoFactorStore } from '../../two-factor/store.ts'
import { formatRecoveryCodeList, parseRecoveryCodeList } from '../../two-factor/recovery-code-list.ts'
import { TWO_FACTOR_TABLE } from './migrations/007-two-factor.ts'
import type { SqlDialect } from './schema.ts'

export interface KyselyTwoFactorStoreOptions {
  /** The users database (`store.db` of a Kysely user store), migrated to version 7 or later. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>
  dialect: SqlDialect
}

/**
 * @example
 * const store = await openUserDatabase(process.env.DATABASE_URL!)
 * const twoFactor = { store: new KyselyTwoFactorStore({ db: store.db, dialect: store.dialect }), encryptionKey, issuer: 'Example' }
 */
export class KyselyTwoFactorStore implements TwoFactorStore {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly #db: Kysely<any>
  readonly #dialect: SqlDialect

  constructor(options: KyselyTwoFactorStoreOptions) {
    this.#db = options.db.withoutPlugins()
    this.#dialect = options.dialect
  }

  async get(userId: string): Promise<TwoFactorRecord | null> {
    const row = await this.#db.selectFrom(TWO_FACTOR_TABLE).selectAll().where('user_id', '=', userId).executeTakeFirst()
    if (row === undefined) return null
    return {
      userId: String(row.user_id),
      sealedSecret: String(row.sealed_secret),
      enabledAt: row.enabled_at == null ? null : Number(row.enabled_at),
      lastStep: Number(row.last_step),
      generation: Number(row.generation),
    }
  }

  async enrol(userId: string, sealedSecret: string): Promise<boolean> {
    const replaced = await this.#db
      .updateTable(TWO_FACTOR_TABLE)
      .set({ sealed_secret: sealedSecret, last_step: 0 })
      .where('user_id', '=', userId)
      .where('enabled_at', 'is', null)
      .executeTakeFirst()
    if (Number(replaced.numUpdatedRows) === 1) return true
    // The row exists when two-factor is enabled (or a pending one was inserted meanwhile).
    const insert = this.#db
      .insertInto(TWO_FACTOR_TABLE)
      .values({ user_id: userId, sealed_secret: sealedSecret, enabled_at: null, last_step: 0, generation: 0, recovery_codes: '[]' })
    const result = await (this.#dialect === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.column('user_id').doNothing())).executeTakeFirst()
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
  }

  async enable(userId: string, sealedSecret: string, step: number, now: number): Promise<boolean> {
    const result = await this.#db
      .updateTable(TWO_FACTOR_TABLE)
      .set((eb) => ({ enabled_at: now, last_step: step, generation: eb('generation', '+', 1) }))
      .where('user_id', '=', userId)
      .where('sealed_secret', '=', sealedSecret)
      .where('enabled_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async useStep(userId: string, generation: number, step: number): Promise<boolean> {
    const result = await this.#db
      .updateTable(TWO_FACTOR_TABLE)
      .set({ last_step: step, generation: generation + 1 })
      .where('user_id', '=', userId)
      .where('enabled_at', 'is not', null)
      .where('generation', '=', generation)
      .where('last_step', '<', step)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async useRecoveryCode(userId: string, generation: number, codeHash: string): Promise<boolean> {
    const row = await this.#db.selectFrom(TWO_FACTOR_TABLE).select('recovery_codes').where('user_id', '=', userId).executeTakeFirst()
    if (row === undefined) return false
    const codes = parseRecoveryCodeList(row.recovery_codes)
    if (!codes.includes(codeHash)) return false
    const result = await this.#db
      .updateTable(TWO_FACTOR_TABLE)
      .set({ recovery_codes: formatRecoveryCodeList(codes.filter((hash) => hash !== codeHash)), generation: generation + 1 })
      .where('user_id', '=', userId)
      .where('enabled_at', 'is not', null)
      .where('generation', '=', generation)
      .where('recovery_codes', '=', row.recovery_codes)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<void> {
    await this.#db
      .updateTable(TWO_FACTOR_TABLE)
      .set({ recovery_codes: formatRecoveryCodeList(codeHashes) })
      .where('user_id', '=', userId)
      .execute()
  }

  async countRecoveryCodes(userId: string): Promise<number> {
    const row = await this.#db.selectFrom(TWO_FACTOR_TABLE).select('recovery_codes').where('user_id', '=', userId).executeTakeFirst()
    return parseRecoveryCodeList(row?.recovery_codes).length
  }

  async delete(userId: string): Promise<void> {
    await this.#db.deleteFrom(TWO_FACTOR_TABLE).where('user_id', '=', userId).execute()
  }
}
