/**
 * Migration 1: FastAPI Users' tables (CONTRACT §16.2), created only where missing, so that a
 * database FastAPI Users made opens as is. The DDL repeats what SQLAlchemy writes for
 * fastapi-users-db-sqlalchemy's models, with three deliberate changes in the tables created
 * here: OAuth `access_token`/`refresh_token` are TEXT (real provider tokens overflow 1024),
 * `user_id` gets an index (cascading deletes and "all tokens of a user" would scan otherwise),
 * and on MySQL the columns compared for equality use a binary collation, so that emails and
 * tokens compare as they do on SQLite and PostgreSQL instead of case- and accent-blind.
 */
import { sql } from 'kysely'
import { indexExists, mysqlUserIdCollation, tableExists } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

interface Types {
  id: string
  bin: string
  timestamp: string
  tail: string
}

const TYPES: Record<SqlDialect, Types> = {
  sqlite: { id: 'CHAR(36)', bin: '', timestamp: 'TIMESTAMP', tail: '' },
  postgres: { id: 'UUID', bin: '', timestamp: 'TIMESTAMP WITH TIME ZONE', tail: '' },
  mysql: {
    id: 'CHAR(36)',
    bin: ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
    timestamp: 'DATETIME(6)',
    tail: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  },
}

function userTable(t: Types, q: (name: string) => string): string {
  return `CREATE TABLE ${q('user')} (
	email VARCHAR(320)${t.bin} NOT NULL,
	hashed_password VARCHAR(1024) NOT NULL,
	is_active BOOLEAN NOT NULL,
	is_superuser BOOLEAN NOT NULL,
	is_verified BOOLEAN NOT NULL,
	id ${t.id} NOT NULL,
	PRIMARY KEY (id)
)${t.tail}`
}

function oauthAccountTable(t: Types, q: (name: string) => string, userId: string): string {
  return `CREATE TABLE oauth_account (
	id ${t.id} NOT NULL,
	oauth_name VARCHAR(100)${t.bin} NOT NULL,
	access_token TEXT NOT NULL,
	expires_at INTEGER,
	refresh_token TEXT,
	account_id VARCHAR(320)${t.bin} NOT NULL,
	account_email VARCHAR(320) NOT NULL,
	user_id ${userId} NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES ${q('user')} (id) ON DELETE cascade
)${t.tail}`
}

function accessTokenTable(t: Types, q: (name: string) => string, userId: string): string {
  return `CREATE TABLE accesstoken (
	token VARCHAR(43)${t.bin} NOT NULL,
	created_at ${t.timestamp} NOT NULL,
	user_id ${userId} NOT NULL,
	PRIMARY KEY (token),
	FOREIGN KEY(user_id) REFERENCES ${q('user')} (id) ON DELETE cascade
)${t.tail}`
}

/** Indexes of the tables, added to an existing table when missing (except the user's own). */
const INDEXES: Array<{ table: string; name: string; column: string; unique?: boolean }> = [
  { table: 'user', name: 'ix_user_email', column: 'email', unique: true },
  { table: 'oauth_account', name: 'ix_oauth_account_oauth_name', column: 'oauth_name' },
  { table: 'oauth_account', name: 'ix_oauth_account_account_id', column: 'account_id' },
  { table: 'oauth_account', name: 'ix_oauth_account_user_id', column: 'user_id' },
  { table: 'accesstoken', name: 'ix_accesstoken_created_at', column: 'created_at' },
  { table: 'accesstoken', name: 'ix_accesstoken_user_id', column: 'user_id' },
]

/**
 * Creates the missing tables and indexes.
 *
 * @example
 * ```ts
 * await createTables(db, 'sqlite')
 * ```
 */
export async function createTables(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const t = TYPES[dialect]
  const q = (name: string): string => (dialect === 'mysql' ? `\`${name}\`` : `"${name}"`)
  const run = (statement: string): Promise<unknown> => sql.raw(statement).execute(db)

  const userCreated = !(await tableExists(db, dialect, 'user'))
  if (userCreated) await run(userTable(t, q))
  // A foreign key column must have the referenced column's exact type; on MySQL that
  // includes the character set and collation of whatever `user` table is there.
  let userId = t.id
  if (dialect === 'mysql') {
    const { charset, collation } = await mysqlUserIdCollation(db)
    userId = `CHAR(36) CHARACTER SET ${charset} COLLATE ${collation}`
  }
  if (!(await tableExists(db, dialect, 'oauth_account'))) await run(oauthAccountTable(t, q, userId))
  if (!(await tableExists(db, dialect, 'accesstoken'))) await run(accessTokenTable(t, q, userId))

  for (const index of INDEXES) {
    // An existing user table keeps the indexes it has: a unique index on its emails is
    // migration 2's business, which explains a refusal better than a constraint error.
    if (index.table === 'user' && !userCreated) continue
    if (await indexExists(db, dialect, index.table, index.name)) continue
    const unique = index.unique === true ? 'UNIQUE ' : ''
    await run(`CREATE ${unique}INDEX ${index.name} ON ${q(index.table)} (${index.column})`)
  }
}
