#!/usr/bin/env node
/** `fastify-users-create-superuser`: the former name of `fastify-users create-superuser`, kept working. */
import { createSuperuserCommand } from './commands/create-superuser.ts'
import { runCommand } from './run-command.ts'

process.exitCode = await runCommand(createSuperuserCommand, process.argv.slice(2))
