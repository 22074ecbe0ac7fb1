#!/usr/bin/env node
/** `fastify-users-migrate`: the former name of `fastify-users migrate`, kept working. */
import { migrateCommand } from './commands/migrate.ts'
import { runCommand } from './run-command.ts'

process.exitCode = await runCommand(migrateCommand, process.argv.slice(2))
