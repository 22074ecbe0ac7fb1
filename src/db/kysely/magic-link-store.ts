/**
 * Used magic links (src/magic-link/store.ts) in the SQL database the users live in (the table
 * of migration 8): `consume` is one INSERT that skips an existing id, so one use wins.
 */
import type { Kysely } from 'kysely'
import type { MagicLinkStore } from '../../magic-link/store.ts'
import { MAGIC_LINK_TABLE } from './migrations/008-magic-links.ts'
import type { SqlDialect } from './schema.ts'

export interface KyselyMagicLinkStoreOptions {
  /** The users database (`store.db` of a Kysely user store), migrated to version 8 or later. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>
  dialect: SqlDialect
}

/**
 * @example
 * const magicLink = { store: new KyselyMagicLinkStore({ db: store.db, dialect: store.dialect }), send }
 */
export class KyselyMagicLinkStore implements MagicLinkStore {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly #db: Kysely<any>
  readonly #dialect: SqlDialect

  constructor(options: KyselyMagicLinkStoreOptions) {
    this.#db = options.db.withoutPlugins()
    this.#dialect = options.dialect
  }

  async consume(linkId: string, expiresAt: number, now: number): Promise<boolean> {
    await this.#db.deleteFrom(MAGIC_LINK_TABLE).where('expires_at', '<', now).execute()
    const insert = this.#db.insertInto(MAGIC_LINK_TABLE).values({ link_id: linkId, expires_at: expiresAt })
    const result = await (this.#dialect === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.column('link_id').doNothing())).executeTakeFirst()
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
  }
}
