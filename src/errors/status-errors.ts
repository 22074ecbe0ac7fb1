/**
 * `STATUS_ERRORS` is the one table of the statuses and details of the refusals without a wire
 * code; the classes below raise its 401, 403, 404 and 429, service-unavailable.ts its 503.
 */
import { FastifyUsersError, type FastifyUsersErrorOptions } from './fastify-users-error.ts'

/**
 * The refusals that carry no wire code of FastAPI Users: FastAPI answers them with the reason
 * phrase of the status (CONTRACT §3), 429 and 503 are fastify-users' own.
 */
export const STATUS_ERRORS = {
  BAD_REQUEST: { statusCode: 400, detail: 'Bad Request' },
  UNAUTHORIZED: { statusCode: 401, detail: 'Unauthorized' },
  FORBIDDEN: { statusCode: 403, detail: 'Forbidden' },
  NOT_FOUND: { statusCode: 404, detail: 'Not Found' },
  TOO_MANY_REQUESTS: { statusCode: 429, detail: 'Too Many Requests' },
  SERVICE_UNAVAILABLE: { statusCode: 503, detail: 'SERVICE_UNAVAILABLE' },
} as const

export type StatusErrorCode = keyof typeof STATUS_ERRORS

/** A refusal of `STATUS_ERRORS`: its status, and its reason phrase as `detail`. */
export class StatusError extends FastifyUsersError {
  override readonly name: string = 'StatusError'
  declare readonly code: StatusErrorCode

  constructor(code: StatusErrorCode, options: Omit<FastifyUsersErrorOptions, 'code'> = {}) {
    super(STATUS_ERRORS[code].statusCode, STATUS_ERRORS[code].detail, { ...options, code })
  }
}

/** 401: no token, a token nobody accepts, an inactive user, an unusable refresh token. */
export class UnauthorizedError extends StatusError {
  override readonly name = 'UnauthorizedError'

  constructor() {
    super('UNAUTHORIZED')
  }
}

/** 403: a user the route refuses (unverified, not a superuser), or a cross-site cookie request. */
export class ForbiddenError extends StatusError {
  override readonly name = 'ForbiddenError'

  constructor() {
    super('FORBIDDEN')
  }
}

/** 404: no user with that id (or an id that cannot be one). */
export class NotFoundError extends StatusError {
  override readonly name = 'NotFoundError'

  constructor() {
    super('NOT_FOUND')
  }
}

/** 429 with `Retry-After`: a rate limit or the login throttle refused the request. */
export class TooManyRequestsError extends StatusError {
  override readonly name = 'TooManyRequestsError'
  readonly retryAfterSeconds: number

  constructor(options: { retryAfterSeconds: number }) {
    const seconds = Math.max(1, Math.ceil(options.retryAfterSeconds))
    super('TOO_MANY_REQUESTS', { headers: { 'retry-after': String(seconds) } })
    this.retryAfterSeconds = seconds
  }
}
