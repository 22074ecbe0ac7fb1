/**
 * A vitest setup file: the warning the library gives once per process when a JWT strategy keeps
 * its logouts in memory is meant for an application's operator, and every test file (its own
 * process for vitest's purposes) would print it again. It is recorded here instead of printed;
 * test/revocation/memory-warning.test.ts is about it and reads the record. Other warnings print.
 */
const MEMORY_REVOCATION = 'FASTIFY_USERS_MEMORY_REVOCATION'

/** The silenced warnings' messages, in order. */
export const silencedWarnings: string[] = []

const emitWarning = process.emitWarning.bind(process) as (warning: string | Error, ...rest: unknown[]) => void
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const [options] = rest
  const code = typeof options === 'object' && options !== null && 'code' in options ? options.code : rest[1]
  if (code === MEMORY_REVOCATION) {
    silencedWarnings.push(String(warning))
    return
  }
  emitWarning(warning, ...rest)
}) as typeof process.emitWarning
