/**
 * Builds a SQLite database as FastAPI Users leaves it (the layout of
 * /work/shared/fixtures/fastapi-users-mixed.db, whose README describes it): the `user` table
 * that fastapi-users-db-sqlalchemy 4.0.5 creates on SQLAlchemy 1.4, with its exact DDL, and no
 * `oauth_account` or `accesstoken` table; booleans stored as 0/1, ids as lower-case UUID text,
 * emails as given; passwords hashed as FastAPI Users 12.x (passlib: bcrypt `$2b$12$`) and 14.x
 * (pwdlib: argon2id `m=65536,t=3,p=4`) hash them.
 *
 * @example
 * ```ts
 * const users = await buildFastapiUsersSqlite('/tmp/app.db', FASTAPI_USERS_SAMPLE)
 * ```
 */
import { randomUUID } from 'node:crypto'
import { hash as argon2Hash } from '@node-rs/argon2'
import { hash as bcryptHash } from '@node-rs/bcrypt'
import Database from 'better-sqlite3'

/** The DDL SQLAlchemy wrote for the fixture, byte for byte (trailing spaces included). */
export const FASTAPI_USERS_SQLITE_DDL = [
  'CREATE TABLE user (\n\temail VARCHAR(320) NOT NULL, \n\thashed_password VARCHAR(1024) NOT NULL, \n' +
    '\tis_active BOOLEAN NOT NULL, \n\tis_superuser BOOLEAN NOT NULL, \n\tis_verified BOOLEAN NOT NULL, \n' +
    '\tid CHAR(36) NOT NULL, \n\tPRIMARY KEY (id)\n)',
  'CREATE UNIQUE INDEX ix_user_email ON user (email)',
]

export interface FastapiUsersFixtureUser {
  email: string
  password: string
  /** bcrypt as fastapi-users 12.x writes it, argon2id as 14.x does. */
  scheme: 'bcrypt' | 'argon2id'
  is_active: boolean
  is_superuser: boolean
  is_verified: boolean
  /** Defaults to a new UUID4. */
  id?: string
  /** A ready hash to store instead of hashing `password` (saves time when it is known). */
  hashed_password?: string
}

/** A user as stored: the input with its id and hash. */
export interface BuiltFixtureUser extends FastapiUsersFixtureUser {
  id: string
  hashed_password: string
}

/**
 * A sample like the shared fixture: a verified superuser, bcrypt and argon2id users, an
 * email with capitals, an inactive user, a non-ASCII password.
 */
export const FASTAPI_USERS_SAMPLE: FastapiUsersFixtureUser[] = [
  { email: 'admin@example.com', password: 'adminpassword1', scheme: 'bcrypt', is_active: true, is_superuser: true, is_verified: true },
  { email: 'bcrypt-user@example.com', password: 'bcrypt-password-1', scheme: 'bcrypt', is_active: true, is_superuser: false, is_verified: false },
  { email: 'inactive-user@example.com', password: 'inactive-password-1', scheme: 'bcrypt', is_active: false, is_superuser: false, is_verified: false },
  { email: 'verified-user@example.com', password: 'verified-password-1', scheme: 'bcrypt', is_active: true, is_superuser: false, is_verified: true },
  { email: 'argon2-user@example.com', password: 'argon2-password-1', scheme: 'argon2id', is_active: true, is_superuser: false, is_verified: false },
  { email: 'Mixed.Case@example.com', password: 'mixed-case-password-1', scheme: 'argon2id', is_active: true, is_superuser: false, is_verified: false },
  { email: 'unicode-argon2@example.com', password: 'pässwörd-ünïcode-9', scheme: 'argon2id', is_active: true, is_superuser: false, is_verified: false },
]

/**
 * Hashes a password as FastAPI Users did: passlib's bcrypt (`$2b$`, cost 12) or pwdlib's
 * argon2id (`m=65536,t=3,p=4`, 16-byte salt, 32-byte hash), over the UTF-8 bytes as given.
 *
 * @example
 * ```ts
 * await fastapiUsersHash('secret', 'argon2id') // '$argon2id$v=19$m=65536,t=3,p=4$…'
 * ```
 */
export function fastapiUsersHash(password: string, scheme: 'bcrypt' | 'argon2id'): Promise<string> {
  return scheme === 'bcrypt'
    ? bcryptHash(password, 12)
    : argon2Hash(password, { memoryCost: 65536, timeCost: 3, parallelism: 4, outputLen: 32 })
}

/**
 * Writes a new SQLite file at `path` holding FastAPI Users' `user` table and these users, and
 * returns them with their ids and hashes.
 *
 * @example
 * ```ts
 * const [admin] = await buildFastapiUsersSqlite(file, [
 *   { email: 'admin@example.com', password: 'pw', scheme: 'bcrypt', is_active: true, is_superuser: true, is_verified: true },
 * ])
 * ```
 */
export async function buildFastapiUsersSqlite(path: string, users: FastapiUsersFixtureUser[]): Promise<BuiltFixtureUser[]> {
  const built = await Promise.all(
    users.map(async (user) => ({
      ...user,
      id: user.id ?? randomUUID(),
      hashed_password: user.hashed_password ?? (await fastapiUsersHash(user.password, user.scheme)),
    })),
  )
  const db = new Database(path)
  try {
    for (const statement of FASTAPI_USERS_SQLITE_DDL) db.exec(statement)
    const insert = db.prepare(
      'INSERT INTO user (email, hashed_password, is_active, is_superuser, is_verified, id) VALUES (?, ?, ?, ?, ?, ?)',
    )
    db.transaction(() => {
      for (const user of built) {
        insert.run(
          user.email,
          user.hashed_password,
          user.is_active ? 1 : 0,
          user.is_superuser ? 1 : 0,
          user.is_verified ? 1 : 0,
          user.id,
        )
      }
    })()
  } finally {
    db.close()
  }
  return built
}
