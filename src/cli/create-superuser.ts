#!/usr/bin/env node
/**
 * `fastify-users create-superuser`: creates a superuser, or promotes the existing user of that
 * email, in the database of `--database-url` (or `DATABASE_URL`). The password may also come
 * from `SUPERUSER_PASSWORD`, so that it need not appear in the shell history.
 */
import { parseArgs } from 'node:util'
import { normalizeEmail } from '../email.ts'
import { PasswordHelper } from '../password.ts'
import { ensureSuperuser } from '../superuser.ts'
import { databaseUrl, openStore } from './open-store.ts'

const USAGE = 'usage: create-superuser --email EMAIL [--password PASSWORD] [--database-url URL]'

async function main(argv: string[]): Promise<number> {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        'database-url': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const email = values.email === undefined ? null : normalizeEmail(values.email)
  const password = values.password ?? process.env.SUPERUSER_PASSWORD ?? ''
  if (email === null || password === '') {
    console.error(email === null && values.email !== undefined ? `not a valid email address: ${values.email}` : USAGE)
    return 2
  }
  const store = await openStore(databaseUrl(values['database-url']))
  try {
    const { user, created } = await ensureSuperuser(store.users, new PasswordHelper(), email, password)
    console.log(`${created ? 'Created' : 'Promoted'} superuser ${user.email} (${user.id}).`)
    return 0
  } finally {
    await store.destroy()
  }
}

process.exitCode = await main(process.argv.slice(2))
