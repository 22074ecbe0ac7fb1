import type { components } from './openapi.ts'

/** What a refusal's body says: a FastAPI Users `detail` code, a `{code, reason}` pair, or a 422's list. */
export type ErrorDetail = components['schemas']['ErrorModel']['detail'] | components['schemas']['ValidationError'][]

/**
 * A response of the server other than a success: `status` is the HTTP status and `detail` the
 * body's `detail` (`"LOGIN_BAD_CREDENTIALS"`, `{ code: "REGISTER_INVALID_PASSWORD", reason }`, a
 * 422's list of validation errors…), as FastAPI Users' documentation lists them per route.
 *
 * @example
 * try { await client.login(email, password) }
 * catch (error) { if (error instanceof UsersClientError && error.detail === 'LOGIN_BAD_CREDENTIALS') showWrongPassword() }
 */
export class UsersClientError extends Error {
  override name = 'UsersClientError'
  /** The response's status code. */
  readonly status: number
  /** The body's `detail`, or `undefined` when the body was not FastAPI Users' shape (a proxy's page…). */
  readonly detail: ErrorDetail | undefined
  /** The `Retry-After` header of a 429 or 503, in seconds, when the server sent one. */
  readonly retryAfterSeconds: number | undefined

  constructor(response: Response, body: unknown) {
    const detail = typeof body === 'object' && body !== null && 'detail' in body ? (body.detail as ErrorDetail) : undefined
    super(`${response.status} ${typeof detail === 'string' ? detail : (response.statusText || 'error')}`)
    this.status = response.status
    this.detail = detail
    const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN)
    this.retryAfterSeconds = Number.isFinite(retryAfter) ? retryAfter : undefined
  }
}
