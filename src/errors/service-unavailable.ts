/**
 * The 503 of a store that failed (issue 11). Driver errors become this one error in
 * store-unavailable.ts; the client learns only that it may try again, never why.
 */
import { FastifyUsersError } from './fastify-users-error.ts'
import { STATUS_ERRORS } from './status-errors.ts'

/**
 * A store the request needs (the database, Redis) is unreachable, failed, or did not answer in
 * time. Answered `503 {"detail": "SERVICE_UNAVAILABLE"}` with `Retry-After`; the driver's error
 * is kept as `cause` for the server log and never reaches the client.
 */
export class ServiceUnavailableError extends FastifyUsersError {
  override readonly name = 'ServiceUnavailableError'

  constructor(options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(STATUS_ERRORS.SERVICE_UNAVAILABLE.statusCode, STATUS_ERRORS.SERVICE_UNAVAILABLE.detail, {
      code: 'SERVICE_UNAVAILABLE',
      message: 'a store the request needs is unavailable',
      headers: { 'retry-after': String(options.retryAfterSeconds ?? 1) },
      cause: options.cause,
    })
  }
}
