/**
 * `fastify-users migrate`: creates or upgrades the tables (or collections and indexes) of a
 * database, the same versioned migrations a store runs when it opens, for deployments that
 * migrate before they start the servers, and says what it changed.
 */
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import type { Db } from 'mongodb'
import { MIGRATIONS_TABLE } from '../../db/kysely/schema.ts'
import { importOptional } from '../../optional-dependency.ts'
import { databaseUrl, isMongoUrl, openStore, UsageError } from '../open-store.ts'
import { step } from '../progress.ts'

export const MIGRATE_USAGE = 'usage: fastify-users migrate [--database-url URL]   (or DATABASE_URL)'

export async function migrateCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv)
  if (values.help) {
    console.log(MIGRATE_USAGE)
    return 0
  }
  const url = databaseUrl(values['database-url'])
  const lines = isMongoUrl(url) ? await migrateMongo(url) : await migrateSql(url)
  for (const line of lines) console.log(line)
  return 0
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { 'database-url': { type: 'string' }, help: { type: 'boolean' } } })
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${MIGRATE_USAGE}`)
  }
}

/** Opening the store migrates; the versions stamped since this command began are its own. */
async function migrateSql(url: string): Promise<string[]> {
  const started = new Date().toISOString()
  const store = await step('Migrating the database', () => openStore(url))
  if (store.kind !== 'sql') throw new Error('unreachable: a SQL URL opened another store')
  try {
    const { rows } = await sql<{ version: unknown; name: string; applied_at: string }>`
      SELECT version, name, applied_at FROM ${sql.table(MIGRATIONS_TABLE)}`.execute(store.sql.db)
    const all = rows.map((row) => ({ version: Number(row.version), name: row.name, appliedAt: row.applied_at }))
    all.sort((a, b) => a.version - b.version)
    const applied = all.filter((row) => row.appliedAt >= started)
    const latest = all.at(-1)?.version ?? 0
    const dialect = store.sql.dialect
    if (applied.length === 0) return [`Nothing to do: the ${dialect} database is up to date (version ${latest}).`]
    const verb = applied.length === all.length ? 'Created the tables' : 'Upgraded the tables'
    return [
      `${verb} of the ${dialect} database to version ${latest}, applying:`,
      ...applied.map((row) => `  ${row.version} ${row.name}`),
    ]
  } finally {
    await store.destroy()
  }
}

/** Collections and indexes before and after `migrate()`: what is new is what it created. */
async function migrateMongo(url: string): Promise<string[]> {
  const { openMongoUserDatabase, migrate } = await importOptional('mongodb', 'A mongodb:// URL', () => import('../../db/mongodb/index.ts'))
  const store = await openMongoUserDatabase(url, { migrate: false })
  try {
    const before = await indexNames(store.db)
    await step(`Migrating the MongoDB database ${store.db.databaseName}`, () => migrate(store.db))
    const after = await indexNames(store.db)
    const created = [...after].filter((name) => !before.has(name))
    if (created.length === 0) return [`Nothing to do: the MongoDB database ${store.db.databaseName} has its collections and indexes.`]
    return [`Created in the MongoDB database ${store.db.databaseName}:`, ...created.map((name) => `  index ${name}`)]
  } finally {
    await store.destroy()
  }
}

async function indexNames(db: Db): Promise<Set<string>> {
  const names = new Set<string>()
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    for (const index of await db.collection(name).indexes()) names.add(`${String(index.name)} on ${name}`)
  }
  return names
}
