#!/usr/bin/env node
/**
 * `fastify-users <command>`: the library's command-line tools in one program. Every command
 * takes the database from `--database-url` or `DATABASE_URL` and never picks one itself.
 */
import { createSuperuserCommand, CREATE_SUPERUSER_USAGE } from './commands/create-superuser.ts'
import { doctorCommand, DOCTOR_USAGE } from './commands/doctor.ts'
import { migrateCommand, MIGRATE_USAGE } from './commands/migrate.ts'
import { usersCommand, USERS_USAGE } from './commands/users.ts'
import { runCommand } from './run-command.ts'

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  migrate: migrateCommand,
  'create-superuser': createSuperuserCommand,
  users: usersCommand,
  doctor: doctorCommand,
}

const USAGE = [
  'usage: fastify-users <command> [options]',
  '',
  'commands:',
  '  migrate            create or upgrade the tables (collections) and say what changed',
  '  create-superuser   create a verified superuser, or promote an existing user',
  '  users              list, show, deactivate or verify users',
  '  doctor             check a deployment\'s settings and database, changing nothing',
  '',
  MIGRATE_USAGE,
  CREATE_SUPERUSER_USAGE,
  USERS_USAGE,
  DOCTOR_USAGE,
].join('\n')

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE)
    return name === undefined ? 2 : 0
  }
  const command = COMMANDS[name]
  if (command === undefined) {
    console.error(`fastify-users: unknown command ${JSON.stringify(name)}\n${USAGE}`)
    return 2
  }
  return runCommand(command, rest)
}

process.exitCode = await main(process.argv.slice(2))
