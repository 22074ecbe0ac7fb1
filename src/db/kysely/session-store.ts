/**
 * Sessions (src/sessions/store.ts) in the SQL database the users live in (the table of
 * migration 9), shared by every instance on that database. Each operation is one statement
 * scoped by the user, except keeping one session through "log out everywhere" (two).
 */
import type { Kysely } from 'kysely'
import type { SessionRecord, SessionRotation, SessionStore } from '../../sessions/store.ts'
import { sessionRecordOfRow, sessionRowOfRecord } from '../sql/session-row.ts'
import { SESSION_TABLE } from './migrations/009-sessions.ts'

export interface KyselySessionStoreOptions {
  /** The users database (`store.db` of a Kysely user store), migrated to version 9 or later. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>
}

/**
 * @example
 * const store = await openUserDatabase(process.env.DATABASE_URL!)
 * const sessions = { store: new KyselySessionStore({ db: store.db }) }
 */
export class KyselySessionStore implements SessionStore {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly #db: Kysely<any>

  constructor(options: KyselySessionStoreOptions) {
    this.#db = options.db.withoutPlugins()
  }

  async create(session: SessionRecord): Promise<void> {
    await this.#db.insertInto(SESSION_TABLE).values(sessionRowOfRecord(session)).execute()
  }

  async list(userId: string): Promise<SessionRecord[]> {
    const rows = await this.#db.selectFrom(SESSION_TABLE).selectAll().where('user_id', '=', userId).execute()
    return rows.map(sessionRecordOfRow)
  }

  async get(userId: string, id: string): Promise<SessionRecord | null> {
    const row = await this.#db.selectFrom(SESSION_TABLE).selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
    return row === undefined ? null : sessionRecordOfRow(row)
  }

  async rotate(userId: string, familyId: string, rotation: SessionRotation): Promise<void> {
    await this.#db.updateTable(SESSION_TABLE).set({
      access_token_hash: rotation.accessTokenHash,
      access_token_key: rotation.accessTokenKey,
      last_used_at: rotation.lastUsedAt,
      expires_at: rotation.expiresAt,
    }).where('user_id', '=', userId).where('family_id', '=', familyId).execute()
  }

  async touch(userId: string, accessTokenHash: string, at: number): Promise<void> {
    await this.#db.updateTable(SESSION_TABLE).set({ last_used_at: at })
      .where('access_token_hash', '=', accessTokenHash).where('user_id', '=', userId).where('last_used_at', '<', at).execute()
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom(SESSION_TABLE).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  }

  async deleteByAccessToken(userId: string, accessTokenHash: string): Promise<void> {
    await this.#db.deleteFrom(SESSION_TABLE).where('access_token_hash', '=', accessTokenHash).where('user_id', '=', userId).execute()
  }

  async deleteFamily(userId: string, familyId: string): Promise<void> {
    await this.#db.deleteFrom(SESSION_TABLE).where('user_id', '=', userId).where('family_id', '=', familyId).execute()
  }

  async deleteAllForUser(userId: string, keepAccessTokenHash?: string): Promise<void> {
    let query = this.#db.deleteFrom(SESSION_TABLE).where('user_id', '=', userId)
    if (keepAccessTokenHash !== undefined) query = query.where('access_token_hash', '<>', keepAccessTokenHash)
    await query.execute()
  }

  async deleteExpired(now: number): Promise<void> {
    await this.#db.deleteFrom(SESSION_TABLE).where('expires_at', '<=', now).execute()
  }
}
