/**
 * What a failed call to a provider means for the client: provider clients and the libraries
 * under them (arctic, openid-client, `fetch`) throw their own errors, and this reads them as
 * the flow's refusals (errors.ts). The rule:
 * - no answer (connection refused or reset, DNS, timeout) or an HTTP 5xx → 502
 *   `OAUTH_PROVIDER_UNAVAILABLE`: nobody's mistake, try again later;
 * - an OAuth error answered by the token endpoint → `invalid_grant` (the code: 400, as
 *   before) or `OAUTH_PROVIDER_REFUSED`;
 * - any other answer that does not hold → 400 `OAUTH_INVALID_PROVIDER_RESPONSE`.
 * A `FastifyUsersError` already says what it is and passes unchanged.
 */
import { FastifyUsersError, OAuthCallbackError, OAuthInvalidResponseError, OAuthProviderRefusedError, OAuthProviderUnavailableError } from '../errors.ts'
import { OAuthProviderError } from './client.ts'

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
])

/**
 * The refusal that `error`, thrown while talking to the provider about `what`, stands for.
 *
 * @example
 * try { tokens = await client.exchangeCode(exchange) } catch (error) { throw providerFailure(error, 'code exchange') }
 */
export function providerFailure(error: unknown, what: string): FastifyUsersError {
  if (error instanceof FastifyUsersError) return error
  if (unavailable(error)) return new OAuthProviderUnavailableError(what, { cause: error })
  if (error instanceof OAuthProviderError) {
    // A code that is unknown, used, expired or whose PKCE verifier differs: the client's doing.
    if (error.code === 'invalid_grant') return new OAuthCallbackError('invalid_grant', { cause: error })
    return new OAuthProviderRefusedError(error.code, { cause: error })
  }
  return new OAuthInvalidResponseError(what, { cause: error })
}

/** Whether the error, or one of its causes, is a network failure, a timeout, or an HTTP 5xx. */
function unavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current !== null && typeof current === 'object' && depth < 8; depth++) {
    const candidate = current as { name?: unknown; code?: unknown; status?: unknown; cause?: unknown }
    if (candidate.name === 'AbortError' || candidate.name === 'TimeoutError') return true
    if (typeof candidate.code === 'string' && NETWORK_CODES.has(candidate.code)) return true
    if (typeof candidate.status === 'number' && candidate.status >= 500) return true
    if (current instanceof TypeError && current.message === 'fetch failed') return true
    if (current instanceof Response && current.status >= 500) return true
    current = candidate.cause
  }
  return false
}
