import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../src/db/kysely/migrate.ts'
import { requireRedis } from './support/services.ts'

const run = promisify(execFile)
const TSX = join('node_modules', '.bin', 'tsx')

async function cli(script: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ['--conditions=source', `src/cli/${script}.ts`, ...args], {
      env: { ...process.env, DATABASE_URL: '', SUPERUSER_PASSWORD: '', ...env },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

const LATEST = MIGRATIONS.at(-1)!.version

describe('command-line tools', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'fastify-users-cli-')), 'users.db')
  const url = `sqlite://${file}`

  it('migrate creates the tables of an empty database and says so', async () => {
    const result = await cli('main', ['migrate', '--database-url', url])
    expect(result).toMatchObject({
      code: 0,
      stdout:
        `Created the tables of the sqlite database to version ${LATEST}, applying:\n` +
        MIGRATIONS.map((migration) => `  ${migration.version} ${migration.name}\n`).join(''),
    })
    const again = await cli('migrate', ['--database-url', url])
    expect(again).toMatchObject({ code: 0, stdout: `Nothing to do: the sqlite database is up to date (version ${LATEST}).\n` })
    const tables = new Database(file, { readonly: true }).prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
    expect(tables.map((row) => (row as { name: string }).name)).toEqual(expect.arrayContaining(['user', 'oauth_account', 'accesstoken']))
  }, 60_000)

  it('create-superuser creates a verified superuser, then promotes without touching the password', async () => {
    const created = await cli('main', ['create-superuser', '--database-url', url, '--email', 'Root@Example.COM', '--password', 'first password'])
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/^Created superuser Root@example\.com \(/)
    const db = new Database(file, { readonly: true })
    const row = () => db.prepare('SELECT hashed_password, is_active, is_superuser, is_verified FROM user WHERE email = ?').get('Root@example.com') as Record<string, unknown>
    const before = row()
    expect(before).toMatchObject({ is_active: 1, is_superuser: 1, is_verified: 1 })
    const promoted = await cli('create-superuser', ['--database-url', url, '--email', 'root@example.com', '--password', 'another password'])
    expect(promoted.stdout).toMatch(/^Promoted superuser Root@example\.com/)
    expect(row().hashed_password).toBe(before.hashed_password)
  }, 60_000)

  it('create-superuser applies the password policy, with the password from the environment', async () => {
    const refused = await cli('create-superuser', ['--database-url', url, '--email', 'weak@example.com'], { SUPERUSER_PASSWORD: 'short' })
    expect(refused).toMatchObject({ code: 1, stderr: 'fastify-users: password refused: Password should be at least 8 characters\n' })
    const accepted = await cli('create-superuser', ['--database-url', url, '--email', 'strong@example.com'], {
      SUPERUSER_PASSWORD: 'a long enough passphrase',
    })
    expect(accepted.code).toBe(0)
  }, 60_000)

  it('users lists, shows and deactivates, naming users by email or id', async () => {
    const listed = await cli('main', ['users', 'list', '--database-url', url])
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/^[0-9a-f-]{36} {2}Root@example\.com {2}active, verified, superuser$/m)
    expect(listed.stdout).toMatch(/^2 users$/m)
    const id = /^([0-9a-f-]{36}) {2}Root@example\.com/m.exec(listed.stdout)?.[1] ?? ''
    const shown = await cli('main', ['users', 'show', id, '--database-url', url])
    expect(JSON.parse(shown.stdout)).toEqual({
      id,
      email: 'Root@example.com',
      is_active: true,
      is_superuser: true,
      is_verified: true,
      password_hash_scheme: 'argon2id',
    })
    const deactivated = await cli('main', ['users', 'deactivate', 'root@EXAMPLE.com', '--database-url', url])
    expect(deactivated.stdout).toBe(`Deactivated: ${id}  Root@example.com  inactive, verified, superuser\n`)
    expect((await cli('main', ['users', 'show', 'nobody@example.com', '--database-url', url])).code).toBe(1)
  }, 60_000)

  it('needs a database URL, and never creates one on its own', async () => {
    const result = await cli('main', ['migrate'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^fastify-users: no database: pass --database-url URL or set DATABASE_URL/)
  }, 60_000)

  it('an unreachable database is one line and exit code 1', async () => {
    const result = await cli('main', ['migrate', '--database-url', 'postgres://app:hunter2hunter2@127.0.0.1:1/users'])
    expect(result).toMatchObject({
      code: 1,
      stderr: 'fastify-users: cannot connect to PostgreSQL at 127.0.0.1:1: connection refused (is the server running on that port?)\n',
    })
  }, 60_000)

  it('refuses an invalid address, an unknown option or command with exit code 2', async () => {
    expect((await cli('create-superuser', ['--email', 'not-an-email', '--password', 'x', '--database-url', url])).code).toBe(2)
    expect((await cli('migrate', ['--bogus'])).code).toBe(2)
    expect((await cli('main', ['frobnicate'])).code).toBe(2)
  }, 60_000)

  it('doctor reports case-colliding emails and old hashes of a FastAPI Users table, changing nothing', async () => {
    const legacy = join(mkdtempSync(join(tmpdir(), 'fastify-users-cli-')), 'legacy.db')
    const db = new Database(legacy)
    db.exec('CREATE TABLE user (id CHAR(36) PRIMARY KEY, email VARCHAR(320) NOT NULL UNIQUE, hashed_password VARCHAR(1024) NOT NULL, ' +
      'is_active BOOLEAN NOT NULL, is_superuser BOOLEAN NOT NULL, is_verified BOOLEAN NOT NULL)')
    const insert = db.prepare('INSERT INTO user VALUES (?, ?, ?, 1, 0, 1)')
    insert.run('00000000-0000-4000-8000-000000000001', 'Arthur@camelot.bt', '$2b$12$' + 'a'.repeat(53))
    insert.run('00000000-0000-4000-8000-000000000002', 'arthur@camelot.bt', '$2b$12$' + 'b'.repeat(53))
    db.close()
    const redisUrl = (await requireRedis()) ?? ''
    const result = await cli('main', ['doctor', '--database-url', `sqlite://${legacy}`], { SECRET: 'short', COOKIE_SECURE: 'false', REDIS_URL: redisUrl })
    expect(result.code).toBe(1)
    const lines = result.stdout.split('\n')
    expect(lines).toContain('FAIL  SECRET has 5 characters; use 32 or more (openssl rand -base64 48)')
    expect(lines).toContain('warn  COOKIE_SECURE is off: the auth cookie would travel over plain HTTP')
    expect(lines).toContain(
      'FAIL  1 emails differ only in letter case (fastify-users refuses to open the table until they are merged or renamed): ' +
        'Arthur@camelot.bt = arthur@camelot.bt',
    )
    expect(lines).toContain("warn  hashes in older formats, upgraded at each user's next login: 2 bcrypt")
    if (redisUrl !== '') expect(lines.filter((line) => /^(warn {2}Redis keeps nothing on disk|ok {4}Redis persists)/.test(line))).toHaveLength(1)
    const tables = new Database(legacy, { readonly: true }).prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
    expect(tables).toEqual([{ name: 'user' }])
  }, 60_000)
})
