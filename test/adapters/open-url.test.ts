/**
 * `openUserDatabase(DATABASE_URL)`: the scheme picks the database, and for SQLite everything
 * after `sqlite://` is the file path.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openUserDatabase, UnsupportedDatabaseUrlError } from '../../src/db/kysely/index.ts'
import { requireMysql, requirePostgres, scratchMysqlDatabase, scratchPostgresSchema } from '../support/services.ts'
import { newUser } from './suite.ts'

const postgres = await requirePostgres()
const mysql = await requireMysql()

describe('openUserDatabase', () => {
  it('refuses an unknown scheme without repeating the URL', async () => {
    const refusal = openUserDatabase('redis://admin:s3cret@127.0.0.1:6379/0')
    await expect(refusal).rejects.toBeInstanceOf(UnsupportedDatabaseUrlError)
    await expect(refusal).rejects.toThrow(/"redis".*sqlite:\/\//)
    await expect(refusal).rejects.not.toThrow(/s3cret/)
    await expect(openUserDatabase('users.db')).rejects.toBeInstanceOf(UnsupportedDatabaseUrlError)
    await expect(openUserDatabase('sqlite:users.db')).rejects.toThrow('sqlite:// followed by the file path')
    await expect(openUserDatabase('sqlite://')).rejects.toBeInstanceOf(UnsupportedDatabaseUrlError)
  })

  it('opens sqlite://relative/path and sqlite:///absolute/path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fastify-users-url-'))
    try {
      const absolute = join(dir, 'absolute.db')
      const store = await openUserDatabase(`sqlite://${absolute}`)
      expect(absolute.startsWith('/')).toBe(true)
      await store.users.create(newUser('abs@example.com'))
      await store.destroy()
      expect(existsSync(absolute)).toBe(true)

      const relativePath = `./${relative(process.cwd(), join(dir, 'relative.db'))}`
      const again = await openUserDatabase(`sqlite://${relativePath}`)
      expect(again.dialect).toBe('sqlite')
      await again.destroy()
      expect(existsSync(join(dir, 'relative.db'))).toBe(true)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it.skipIf(postgres === null)('opens postgres:// and postgresql:// URLs', async () => {
    const scratch = await scratchPostgresSchema(postgres ?? '')
    try {
      for (const url of [scratch.url, scratch.url.replace(/^postgres:/, 'postgresql:')]) {
        const store = await openUserDatabase(url, { fields: { nickname: { type: 'text' } } })
        expect(store.dialect).toBe('postgres')
        expect(await store.users.getByEmail('nobody@example.com')).toBeNull()
        await store.destroy()
      }
    } finally {
      await scratch.drop()
    }
  })

  it.skipIf(mysql === null)('opens mysql:// and mariadb:// URLs', async () => {
    const scratch = await scratchMysqlDatabase(mysql ?? '')
    try {
      for (const url of [scratch.url, scratch.url.replace(/^mysql:/, 'mariadb:')]) {
        const store = await openUserDatabase(url)
        expect(store.dialect).toBe('mysql')
        expect(await store.users.getByEmail('nobody@example.com')).toBeNull()
        await store.destroy()
      }
    } finally {
      await scratch.drop()
    }
  })
})
