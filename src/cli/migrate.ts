#!/usr/bin/env node
/**
 * `fastify-users-migrate`: creates or upgrades the tables (or collections and indexes) of the
 * database of `--database-url` (or `DATABASE_URL`), the same versioned migrations a store runs
 * when it opens, for deployments that migrate before they start the servers.
 */
import { parseArgs } from 'node:util'
import { databaseUrl, openStore } from './open-store.ts'

const USAGE = 'usage: migrate [--database-url URL]'

async function main(argv: string[]): Promise<number> {
  let values
  try {
    values = parseArgs({ args: argv, options: { 'database-url': { type: 'string' }, help: { type: 'boolean' } } }).values
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const url = databaseUrl(values['database-url'])
  const store = await openStore(url)
  await store.destroy()
  console.log(`The ${new URL(url).protocol.slice(0, -1)} database is up to date.`)
  return 0
}

process.exitCode = await main(process.argv.slice(2))
