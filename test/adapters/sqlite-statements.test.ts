import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { reusingStatements } from '../../src/db/kysely/sqlite-statements.ts'

describe('reusingStatements', () => {
  it('prepares a statement once per SQL text and runs it with new parameters each time', () => {
    const database = new Database(':memory:')
    database.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)')
    database.exec("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    const wrapped = reusingStatements(database)
    const select = 'SELECT name FROM t WHERE id = ?'
    const first = wrapped.prepare(select)
    expect(wrapped.prepare(select)).toBe(first)
    expect(first.all([1])).toEqual([{ name: 'a' }])
    expect(wrapped.prepare(select).all([2])).toEqual([{ name: 'b' }])
    expect(wrapped.prepare('SELECT count(*) AS n FROM t').all([])).toEqual([{ n: 2 }])
    wrapped.close()
    expect(database.open).toBe(false)
  })

  it('keeps at most max statements, dropping the oldest', () => {
    const database = new Database(':memory:')
    const wrapped = reusingStatements(database, 2)
    const one = wrapped.prepare('SELECT 1')
    wrapped.prepare('SELECT 2')
    wrapped.prepare('SELECT 3')
    expect(wrapped.prepare('SELECT 1')).not.toBe(one)
    database.close()
  })
})
