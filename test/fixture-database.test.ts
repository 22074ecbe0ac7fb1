/**
 * A database FastAPI Users made opens as is: built here with FastAPI Users' exact DDL and
 * hashes (test/support/fastapi-users-db.ts), and, when the shared fixture folder is present,
 * the real file that FastAPI Users 12.1.3 and 14.0.2 wrote.
 */
import { existsSync, readFileSync } from 'node:fs'
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { verify as argon2Verify } from '@node-rs/argon2'
import { verify as bcryptVerify } from '@node-rs/bcrypt'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmailCaseCollisionError, sqliteUserDatabase } from '../src/db/kysely/index.ts'
import { buildFastapiUsersSqlite, FASTAPI_USERS_SAMPLE, type BuiltFixtureUser } from './support/fastapi-users-db.ts'

const SHARED_FIXTURES = fileURLToPath(new URL('../../shared/fixtures/', import.meta.url))

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fastify-users-fixture-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The schema text and the rows of a SQLite file, read behind the adapter's back. */
function snapshot(path: string): { schema: Record<string, string>; rows: unknown[] } {
  const db = new Database(path, { readonly: true })
  try {
    const schema = db.prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").all() as Array<{ name: string; sql: string }>
    const rows = db.prepare('SELECT * FROM user ORDER BY id').all()
    return { schema: Object.fromEntries(schema.map((row) => [row.name, row.sql])), rows }
  } finally {
    db.close()
  }
}

describe('a SQLite database written by FastAPI Users', () => {
  let path: string
  let users: BuiltFixtureUser[]
  beforeAll(async () => {
    path = join(dir, 'fastapi-users.db')
    users = await buildFastapiUsersSqlite(path, FASTAPI_USERS_SAMPLE)
  })

  it('holds what FastAPI Users writes: its hashes and 0/1 booleans', async () => {
    const { rows } = snapshot(path)
    expect(rows).toHaveLength(users.length)
    expect(rows).toContainEqual(expect.objectContaining({ email: 'inactive-user@example.com', is_active: 0 }))
    for (const user of users) {
      if (user.scheme === 'bcrypt') {
        expect(user.hashed_password).toMatch(/^\$2b\$12\$/)
        expect(await bcryptVerify(user.password, user.hashed_password)).toBe(true)
      } else {
        expect(user.hashed_password).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/)
        expect(await argon2Verify(user.hashed_password, user.password)).toBe(true)
      }
    }
  })

  it('opens as is: its columns, index and rows untouched, the new tables, columns and indexes added', async () => {
    const before = snapshot(path)
    const store = await sqliteUserDatabase({ filename: path })
    await store.destroy()
    const after = snapshot(path)
    // Migrations 6 (issue 15) and 12 (issue 16) add nullable columns, empty for every row FastAPI Users wrote.
    const added = { created_at: null, roles: null, ban: null, username: null }
    expect(after.rows).toEqual((before.rows as object[]).map((row) => ({ ...row, ...added })))
    const columns = ' created_at TIMESTAMP NULL, roles TEXT NULL, ban TEXT NULL, username VARCHAR(255) NULL,'
    expect(after.schema['user']).toContain(columns)
    expect(after.schema['user']!.replace(columns, '')).toBe(before.schema['user'])
    expect(after.schema['ix_user_email']).toBe(before.schema['ix_user_email'])
    expect(Object.keys(after.schema)).toEqual(
      expect.arrayContaining(['oauth_account', 'accesstoken', 'fastify_users_migrations', 'ux_user_email_ci', 'ix_user_created_at', 'ux_user_username_ci']),
    )
  })

  it('reads every user with its flags as booleans and its hash as stored', async () => {
    const store = await sqliteUserDatabase({ filename: path })
    try {
      for (const user of users) {
        expect(await store.users.get(user.id)).toEqual({
          id: user.id,
          email: user.email,
          is_active: user.is_active,
          is_superuser: user.is_superuser,
          is_verified: user.is_verified,
          hashed_password: user.hashed_password,
        })
      }
      const mixed = users.find((user) => user.email === 'Mixed.Case@example.com')
      expect((await store.users.getByEmail('mixed.case@example.com'))?.id).toBe(mixed?.id)
      expect((await store.users.getByEmail('MIXED.CASE@EXAMPLE.COM'))?.email).toBe('Mixed.Case@example.com')
      expect((await store.users.getByEmail('Inactive-User@Example.com'))?.is_active).toBe(false)
    } finally {
      await store.destroy()
    }
  })

  it('is refused, naming the emails, when emails collide in letter case', async () => {
    const colliding = join(dir, 'colliding.db')
    const sample = FASTAPI_USERS_SAMPLE.slice(0, 2).map((user) => ({ ...user, hashed_password: '$2b$12$placeholder' }))
    await buildFastapiUsersSqlite(colliding, [
      ...sample,
      { ...sample[1]!, email: 'BCRYPT-USER@example.com' },
    ])
    const before = snapshot(colliding)
    const refusal = sqliteUserDatabase({ filename: colliding })
    await expect(refusal).rejects.toBeInstanceOf(EmailCaseCollisionError)
    await expect(refusal).rejects.toThrow(/"BCRYPT-USER@example\.com" = "bcrypt-user@example\.com"/)
    expect(snapshot(colliding)).toEqual(before)
  })
})

interface SharedFixtureUser {
  email: string
  id: string
  is_active: boolean
  is_superuser: boolean
  is_verified: boolean
  hashed_password: string
}

const sharedAvailable = existsSync(join(SHARED_FIXTURES, 'fastapi-users-mixed.db'))
if (!sharedAvailable) console.warn(`skipping: the shared fixture folder ${SHARED_FIXTURES} is absent`)

describe.skipIf(!sharedAvailable)('the shared fixture fastapi-users-mixed.db', () => {
  it('opens (as a copy) with its 10 users readable and their flags right', async () => {
    const key = JSON.parse(readFileSync(join(SHARED_FIXTURES, 'fastapi-users-mixed.json'), 'utf8')) as {
      users: SharedFixtureUser[]
    }
    expect(key.users).toHaveLength(10)
    const copy = join(dir, 'fastapi-users-mixed.db')
    await copyFile(join(SHARED_FIXTURES, 'fastapi-users-mixed.db'), copy)
    const store = await sqliteUserDatabase({ filename: copy })
    try {
      for (const user of key.users) {
        const expected = {
          id: user.id,
          email: user.email,
          is_active: user.is_active,
          is_superuser: user.is_superuser,
          is_verified: user.is_verified,
          hashed_password: user.hashed_password,
        }
        expect(await store.users.get(user.id)).toEqual(expected)
        expect(await store.users.getByEmail(user.email.toUpperCase())).toEqual(expected)
      }
    } finally {
      await store.destroy()
    }
  })
})
