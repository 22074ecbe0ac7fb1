/**
 * `fastify-users create-superuser`: creates a verified superuser, or promotes the existing user
 * of that email (whose password is then left as it is). The password comes from `--password`,
 * `SUPERUSER_PASSWORD` (so that it need not appear in the shell history), or a prompt that does
 * not echo it; the default password policy applies to a new user, as it does on registration.
 */
import { parseArgs } from 'node:util'
import { normalizeEmail } from '../../email.ts'
import { PasswordHelper } from '../../password.ts'
import { defaultPasswordPolicy } from '../../password-policy.ts'
import { ensureSuperuser } from '../../superuser.ts'
import { databaseUrl, openStore, UsageError } from '../open-store.ts'
import { promptPassword } from '../prompt.ts'

export const CREATE_SUPERUSER_USAGE =
  'usage: fastify-users create-superuser --email EMAIL [--password PASSWORD] [--database-url URL]\n' +
  '  the password may also come from SUPERUSER_PASSWORD, or is asked for (not echoed);\n' +
  '  the database URL from DATABASE_URL'

export async function createSuperuserCommand(argv: string[]): Promise<number> {
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
    throw new UsageError(`${(error as Error).message}\n${CREATE_SUPERUSER_USAGE}`)
  }
  if (values.help) {
    console.log(CREATE_SUPERUSER_USAGE)
    return 0
  }
  if (values.email === undefined) throw new UsageError(`--email is required\n${CREATE_SUPERUSER_USAGE}`)
  const email = normalizeEmail(values.email)
  if (email === null) throw new UsageError(`not a valid email address: ${values.email}`)
  const url = databaseUrl(values['database-url'])
  const store = await openStore(url)
  try {
    const existing = await store.users.getByEmail(email)
    let password = ''
    if (existing === null) {
      password = values.password ?? process.env.SUPERUSER_PASSWORD ?? (await promptPassword(`Password for ${email}: `))
      defaultPasswordPolicy(password, { email })
    }
    const { user, created } = await ensureSuperuser(store.users, new PasswordHelper(), email, password)
    console.log(`${created ? 'Created' : 'Promoted'} superuser ${user.email} (${user.id}).`)
    return 0
  } finally {
    await store.destroy()
  }
}
