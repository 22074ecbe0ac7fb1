/**
 * Passkeys (src/passkeys/store.ts) in the SQL database the users live in (the tables of
 * migration 13). A credential registers once: one INSERT that skips an existing credential id
 * (unique index); a login's counter is one conditional UPDATE; a challenge is consumed by one
 * INSERT that skips an existing one.
 */
import type { Kysely } from 'kysely'
import type { PasskeyRecord, PasskeyStore } from '../../passkeys/store.ts'
import { passkeyRecordOfRow, passkeyRowOf } from '../sql/passkey-row.ts'
import { PASSKEY_CHALLENGE_TABLE, PASSKEY_TABLE } from './migrations/013-passkeys.ts'
import type { SqlDialect } from './schema.ts'

export interface KyselyPasskeyStoreOptions {
  /** The users database (`store.db` of a Kysely user store), migrated to version 13 or later. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>
  dialect: SqlDialect
}

/**
 * @example
 * const passkeys = { store: new KyselyPasskeyStore({ db: store.db, dialect: store.dialect }), rpID, rpName, origins }
 */
export class KyselyPasskeyStore implements PasskeyStore {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly #db: Kysely<any>
  readonly #dialect: SqlDialect

  constructor(options: KyselyPasskeyStoreOptions) {
    this.#db = options.db.withoutPlugins()
    this.#dialect = options.dialect
  }

  async create(record: PasskeyRecord): Promise<boolean> {
    const insert = this.#db.insertInto(PASSKEY_TABLE).values(passkeyRowOf(record))
    const result = await (this.#dialect === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.column('credential_id').doNothing())).executeTakeFirst()
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
  }

  async findByCredentialId(credentialId: string): Promise<PasskeyRecord | null> {
    const row = await this.#db.selectFrom(PASSKEY_TABLE).selectAll().where('credential_id', '=', credentialId).executeTakeFirst()
    return row === undefined ? null : passkeyRecordOfRow(row)
  }

  async list(userId: string): Promise<PasskeyRecord[]> {
    const rows = await this.#db.selectFrom(PASSKEY_TABLE).selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute()
    return rows.map(passkeyRecordOfRow)
  }

  async recordUse(credentialId: string, expected: number, next: number, usedAt: number): Promise<boolean> {
    const result = await this.#db
      .updateTable(PASSKEY_TABLE)
      .set({ counter: next, last_used_at: usedAt })
      .where('credential_id', '=', credentialId)
      .where('counter', '=', expected)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    // MySQL counts changed rows, not matched ones: a rename to the same name must still say it found the row.
    const found = await this.#db.selectFrom(PASSKEY_TABLE).select('id').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
    if (found === undefined) return false
    await this.#db.updateTable(PASSKEY_TABLE).set({ name }).where('id', '=', id).where('user_id', '=', userId).execute()
    return true
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom(PASSKEY_TABLE).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
    return Number(result.numDeletedRows) === 1
  }

  async deleteAll(userId: string): Promise<void> {
    await this.#db.deleteFrom(PASSKEY_TABLE).where('user_id', '=', userId).execute()
  }

  async consumeChallenge(challenge: string, expiresAt: number, now: number): Promise<boolean> {
    await this.#db.deleteFrom(PASSKEY_CHALLENGE_TABLE).where('expires_at', '<', now).execute()
    const insert = this.#db.insertInto(PASSKEY_CHALLENGE_TABLE).values({ challenge, expires_at: expiresAt })
    const result = await (this.#dialect === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.column('challenge').doNothing())).executeTakeFirst()
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
  }
}
