import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const TSX = join('node_modules', '.bin', 'tsx')

async function cli(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ['--conditions=source', `src/cli/${script}.ts`, ...args], { env: { ...process.env, DATABASE_URL: '' } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

describe('command-line tools', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'fastify-users-cli-')), 'users.db')
  const url = `sqlite://${file}`

  it('migrate creates the tables of an empty database', async () => {
    const result = await cli('migrate', ['--database-url', url])
    expect(result).toMatchObject({ code: 0, stdout: 'The sqlite database is up to date.\n' })
    const tables = new Database(file, { readonly: true }).prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
    expect(tables.map((row) => (row as { name: string }).name)).toEqual(expect.arrayContaining(['user', 'oauth_account', 'accesstoken']))
  }, 60_000)

  it('create-superuser creates a verified superuser, then promotes without touching the password', async () => {
    const created = await cli('create-superuser', ['--database-url', url, '--email', 'Root@Example.COM', '--password', 'first password'])
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

  it('refuses an invalid address or an unknown option with exit code 2', async () => {
    expect((await cli('create-superuser', ['--email', 'not-an-email', '--password', 'x'])).code).toBe(2)
    expect((await cli('migrate', ['--bogus'])).code).toBe(2)
  }, 60_000)
})
