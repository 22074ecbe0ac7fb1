/**
 * Work that must not delay a response. The handler sends its response first (Fastify writes it
 * synchronously), then `setImmediate` starts the work on a later turn of the event loop; a
 * failure is logged, never shown to the client.
 */
import type { FastifyRequest } from 'fastify'

/** Runs `work` once the current response has been written. */
export function runAfterResponse(request: FastifyRequest, what: string, work: () => Promise<void>): void {
  setImmediate(() => {
    work().catch((err: unknown) => request.log.error({ err }, `${what} failed after the response was sent`))
  })
}
