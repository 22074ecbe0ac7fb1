/**
 * API keys (src/api-keys/store.ts) in the SQL database the users live in (the table of
 * migration 10). The last-use record is one conditional UPDATE: of instances racing to record
 * a use, one writes.
 */
import type { Kysely } from 'kysely'
import type { ApiKeyRecord, ApiKeyStore } from '../../api-keys/store.ts'
import { apiKeyRecord, apiKeyRow } from '../sql/api-key-row.ts'
import { API_KEY_TABLE } from './migrations/010-api-keys.ts'

export interface KyselyApiKeyStoreOptions {
  /** The users database (`store.db` of a Kysely user store), migrated to version 10 or later. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>
}

/**
 * @example
 * const store = await openUserDatabase(process.env.DATABASE_URL!)
 * const apiKeys = { store: new KyselyApiKeyStore({ db: store.db }) }
 */
export class KyselyApiKeyStore implements ApiKeyStore {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly #db: Kysely<any>

  constructor(options: KyselyApiKeyStoreOptions) {
    this.#db = options.db.withoutPlugins()
  }

  async create(record: ApiKeyRecord): Promise<void> {
    await this.#db.insertInto(API_KEY_TABLE).values(apiKeyRow(record)).execute()
  }

  async get(id: string): Promise<ApiKeyRecord | null> {
    const row = await this.#db.selectFrom(API_KEY_TABLE).selectAll().where('id', '=', id).executeTakeFirst()
    return row === undefined ? null : apiKeyRecord(row)
  }

  async list(userId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.#db.selectFrom(API_KEY_TABLE).selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute()
    return rows.map(apiKeyRecord)
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom(API_KEY_TABLE).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
    return Number(result.numDeletedRows) === 1
  }

  async deleteAll(userId: string): Promise<void> {
    await this.#db.deleteFrom(API_KEY_TABLE).where('user_id', '=', userId).execute()
  }

  async touch(id: string, at: Date, staleBefore: Date): Promise<void> {
    await this.#db
      .updateTable(API_KEY_TABLE)
      .set({ last_used_at: at.getTime() })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', staleBefore.getTime())]))
      .execute()
  }
}
