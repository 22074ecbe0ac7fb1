/**
 * Reading who an access token belongs to: the provider's user-info JSON, fetched with the global
 * `fetch` as arctic fetches tokens, so one dispatcher (a proxy agent set with undici's
 * `setGlobalDispatcher`, say) governs all the traffic to a provider; and the defensive reading
 * of its fields, since a provider's JSON is input like any other.
 */
import { OAuthInvalidResponseError, OAuthProviderUnavailableError } from '../../errors.ts'

const USER_INFO_TIMEOUT_MS = 10_000

/**
 * GETs a provider's JSON with the access token. A 5xx is `OAUTH_PROVIDER_UNAVAILABLE`, any other
 * failure `OAUTH_INVALID_PROVIDER_RESPONSE`; the log names the request and its status, never
 * the token.
 *
 * @example
 * const info = await fetchUserInfo('https://discord.com/api/users/@me', tokens.accessToken, 'Discord user')
 */
export async function fetchUserInfo(
  url: string,
  accessToken: string,
  what: string,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const response = await fetch(url, {
    headers: { accept: 'application/json', 'user-agent': 'fastify-users', ...headers, authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(USER_INFO_TIMEOUT_MS),
  })
  if (!response.ok) {
    await response.body?.cancel()
    const reason = `${what}: the provider answered HTTP ${response.status}`
    throw response.status >= 500 ? new OAuthProviderUnavailableError(reason) : new OAuthInvalidResponseError(reason)
  }
  return response.json()
}

/**
 * `value` as a non-empty string id (providers send numbers too), or an error naming `what`.
 *
 * @example
 * const accountId = accountIdOf(user.id, 'GitHub user id')
 */
export function accountIdOf(value: unknown, what: string): string {
  if ((typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isSafeInteger(value))) {
    return String(value)
  }
  throw new Error(`${what} is missing from the provider's answer`)
}

/**
 * A string claim, or `null`.
 *
 * @example
 * const email = stringOrNull(info.email)
 */
export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

/**
 * An object's properties, or an empty object for anything else.
 *
 * @example
 * const info = asRecord(await fetchUserInfo(url, token, 'Google user info'))
 */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}
