/**
 * How every command ends: its exit code, or for an error, one line on stderr. Start-up
 * failures (a database out of reach, a driver not installed, a bad URL) are the library's own
 * errors whose message is that line; anything else is a bug, printed with its stack.
 */
import { ConfigurationError, InvalidPasswordError } from '../errors.ts'
import { UsageError } from './open-store.ts'

/** Exit codes: 0 done, 1 failed, 2 misused (unknown option, missing argument). */
export async function runCommand(command: (argv: string[]) => Promise<number>, argv: string[]): Promise<number> {
  try {
    return await command(argv)
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`fastify-users: ${error.message}`)
      return 2
    }
    if (error instanceof InvalidPasswordError) {
      console.error(`fastify-users: password refused: ${error.message}`)
      return 1
    }
    if (error instanceof ConfigurationError) {
      console.error(`fastify-users: ${error.message}`)
      return 1
    }
    throw error
  }
}
