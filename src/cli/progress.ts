/**
 * Progress of the commands' long steps (opening and migrating a database, reading every user),
 * for a person at a terminal: `Migrating the database… done (3.2 s)`. Written to stderr, and
 * only when stderr is a terminal, so that stdout stays the command's result and a script or a
 * log sees exactly what it saw before (a start-up failure is still one line).
 */
import { performance } from 'node:perf_hooks'

/** Where progress goes: stderr, or nothing when it is not a terminal. */
export interface ProgressOutput {
  isTTY?: boolean
  write(text: string): unknown
}

/**
 * Runs one step, saying when it starts and how long it took.
 *
 * @example
 * const users = await step('Reading the users', () => readSqlUsers(url))
 */
export async function step<T>(label: string, work: () => Promise<T>, output: ProgressOutput = process.stderr): Promise<T> {
  if (output.isTTY !== true) return work()
  const started = performance.now()
  output.write(`${label}…`)
  try {
    const result = await work()
    output.write(` done (${((performance.now() - started) / 1000).toFixed(1)} s)\n`)
    return result
  } catch (error) {
    output.write(' failed\n')
    throw error
  }
}
