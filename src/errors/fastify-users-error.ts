/**
 * The base of the errors answered on the wire. Which status and detail each code has is decided
 * by two tables and nowhere else: `ErrorCode` (users-error.ts: FastAPI Users' wire codes, all
 * 400) and `STATUS_ERRORS` (status-errors.ts: the refusals FastAPI answers with a bare reason
 * phrase, and ours: 429, 503). A feature's own errors (oauth/, two-factor/, passkeys/…) extend
 * this class beside the feature.
 */

export interface FastifyUsersErrorOptions {
  /** The stable code; by default `detail` when it is a string. */
  code?: string
  message?: string
  headers?: Record<string, string>
  cause?: unknown
}

/**
 * The base of every error that fastify-users answers on the wire. `code` is stable (switch on
 * it), `detail` is the response's `detail` field as is (a wire code such as
 * `LOGIN_BAD_CREDENTIALS`, a reason phrase such as `Unauthorized`, or `{code, reason}`),
 * `statusCode` its HTTP status, and `headers` any header the answer needs (`Retry-After`). The
 * HTTP layer renders every one of them in one place, so a refusal looks the same on a library
 * route and on an application route behind the guard.
 */
export class FastifyUsersError extends Error {
  override readonly name: string = 'FastifyUsersError'
  readonly code: string
  readonly statusCode: number
  readonly detail: unknown
  readonly headers: Readonly<Record<string, string>>

  constructor(statusCode: number, detail: unknown, options: FastifyUsersErrorOptions = {}) {
    super(options.message ?? (typeof detail === 'string' ? detail : JSON.stringify(detail)), { cause: options.cause })
    this.code = options.code ?? (typeof detail === 'string' ? detail : 'ERROR')
    this.statusCode = statusCode
    this.detail = detail
    this.headers = options.headers ?? {}
  }
}
