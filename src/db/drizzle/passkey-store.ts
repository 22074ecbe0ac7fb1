/**
 * Passkeys (src/passkeys/store.ts) through Drizzle, in the tables of passkey-tables.ts. A
 * credential registers once and a challenge is consumed once: each one INSERT that skips an
 * existing key, counted by the rows it returns (alike on every driver); a login's counter is
 * one conditional UPDATE.
 */
import { and, asc, eq, lt } from 'drizzle-orm'
import type { Column, SQL, Table } from 'drizzle-orm'
import type { PasskeyRecord, PasskeyStore } from '../../passkeys/store.ts'
import { passkeyRecordOfRow, passkeyRowOf } from '../sql/passkey-row.ts'
import { checkTable, dialectOf, type DrizzleDatabase, type QueryBuilder, type Row } from './dialect.ts'
import { run } from './errors.ts'
import type { PasskeyTables } from './passkey-tables.ts'

export interface DrizzlePasskeyStoreOptions {
  db: DrizzleDatabase
  /** `sqlitePasskeyTables()` or `pgPasskeyTables()`, created by the application's migrations. */
  tables: PasskeyTables
}

type PasskeyColumns = Record<
  'id' | 'user_id' | 'credential_id' | 'public_key' | 'counter' | 'transports' | 'device_type' | 'backed_up' | 'name' | 'created_at' | 'last_used_at',
  Column
>
type ChallengeColumns = Record<'challenge' | 'expires_at', Column>

interface InsertIgnoring {
  insert(table: Table): { values(row: Row): { onConflictDoNothing(): { returning(fields: Record<string, Column>): PromiseLike<unknown[]> } } }
}

/**
 * @example
 * ```ts
 * const passkeys = { store: new DrizzlePasskeyStore({ db, tables: passkeyTables }), rpID, rpName, origins }
 * ```
 */
export class DrizzlePasskeyStore implements PasskeyStore {
  readonly #db: QueryBuilder
  readonly #inserts: InsertIgnoring
  readonly #passkey: Table & PasskeyColumns
  readonly #challenge: Table & ChallengeColumns

  constructor(options: DrizzlePasskeyStoreOptions) {
    const dialect = dialectOf(options.db)
    checkTable(options.tables.passkey, 'passkey', dialect)
    checkTable(options.tables.passkeyChallenge, 'passkeyChallenge', dialect)
    // Both dialects' builders have these methods; their own types differ.
    this.#db = options.db as unknown as QueryBuilder
    this.#inserts = options.db as unknown as InsertIgnoring
    this.#passkey = options.tables.passkey as unknown as Table & PasskeyColumns
    this.#challenge = options.tables.passkeyChallenge as unknown as Table & ChallengeColumns
  }

  async create(record: PasskeyRecord): Promise<boolean> {
    const t = this.#passkey
    const rows = await run(this.#inserts.insert(t).values(passkeyRowOf(record)).onConflictDoNothing().returning({ id: t.id }))
    return rows.length === 1
  }

  async findByCredentialId(credentialId: string): Promise<PasskeyRecord | null> {
    const rows = await run(this.#db.select(this.#columns()).from(this.#passkey).where(eq(this.#passkey.credential_id, credentialId)).limit(1))
    return rows[0] === undefined ? null : passkeyRecordOfRow(rows[0])
  }

  async list(userId: string): Promise<PasskeyRecord[]> {
    const t = this.#passkey
    const rows = await run(this.#db.select(this.#columns()).from(t).where(eq(t.user_id, userId)).orderBy(asc(t.created_at), asc(t.id)))
    return rows.map(passkeyRecordOfRow)
  }

  async recordUse(credentialId: string, expected: number, next: number, usedAt: number): Promise<boolean> {
    const t = this.#passkey
    return this.#update({ counter: next, last_used_at: usedAt }, eq(t.credential_id, credentialId), eq(t.counter, expected))
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    const t = this.#passkey
    return this.#update({ name }, eq(t.id, id), eq(t.user_id, userId))
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const t = this.#passkey
    const rows = await run(this.#db.delete(t).where(and(eq(t.id, id), eq(t.user_id, userId))!).returning({ id: t.id }))
    return rows.length === 1
  }

  async deleteAll(userId: string): Promise<void> {
    await run(this.#db.delete(this.#passkey).where(eq(this.#passkey.user_id, userId)))
  }

  async consumeChallenge(challenge: string, expiresAt: number, now: number): Promise<boolean> {
    const t = this.#challenge
    await run(this.#db.delete(t).where(lt(t.expires_at, now)))
    const rows = await run(this.#inserts.insert(t).values({ challenge, expires_at: expiresAt }).onConflictDoNothing().returning({ challenge: t.challenge }))
    return rows.length === 1
  }

  #columns(): Record<string, Column> {
    const t = this.#passkey
    return {
      id: t.id, user_id: t.user_id, credential_id: t.credential_id, public_key: t.public_key, counter: t.counter, transports: t.transports,
      device_type: t.device_type, backed_up: t.backed_up, name: t.name, created_at: t.created_at, last_used_at: t.last_used_at,
    }
  }

  async #update(values: Row, ...conditions: SQL[]): Promise<boolean> {
    const t = this.#passkey
    const rows = await run(this.#db.update(t).set(values).where(and(...conditions)).returning({ id: t.id }))
    return rows.length === 1
  }
}
