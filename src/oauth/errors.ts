/**
 * A callback the client got wrong in a way FastAPI Users answers with a free-form detail rather
 * than an `ErrorCode`: the provider's own `error` (`{"detail": "access_denied"}`), a missing
 * code or a state of another user (`{"detail": "Bad Request"}`), a code the provider refused
 * (`{"detail": "invalid_grant"}`, where upstream answers 500). Always a 400.
 *
 * @example
 * if (query.get('code') === null) throw new OAuthCallbackError('Bad Request')
 */
export class OAuthCallbackError extends Error {
  override readonly name = 'OAuthCallbackError'
  /** The `detail` of the 400 response. */
  readonly detail: string

  constructor(detail: string) {
    super(`OAuth callback refused: ${detail}`)
    this.detail = detail
  }
}
