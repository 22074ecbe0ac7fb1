/**
 * Who a request is (CONTRACT §4): backends are tried in order, each reads its token with its
 * transport and turns it into a user with its strategy; the first backend that yields a user
 * wins, and an invalid, expired or revoked token simply yields nobody. The decision table on
 * top (401/403) is the guard's (src/fastify/guard.ts).
 */
import type { UserRecord } from '../user.ts'
import type { AuthenticationBackend } from './backend.ts'
import type { UserLookup } from './strategy.ts'
import type { TokenCarrier } from './transport.ts'

/** The user a request's token names, the token, and the backend that read it. */
export interface Authenticated<U extends UserRecord = UserRecord> {
  user: U
  backend: AuthenticationBackend
  token: string
}

/** Authenticates a request with `enabled` (all the backends by default). */
export type Authenticator<U extends UserRecord = UserRecord, Request extends TokenCarrier = TokenCarrier> =
  (request: Request, enabled?: AuthenticationBackend[]) => Promise<Authenticated<U> | null>

/**
 * @example
 * const authenticate = authenticator([bearer, cookie], manager)
 * const found = await authenticate({ headers: { authorization: 'Bearer …' } })
 */
export function authenticator<U extends UserRecord>(backends: AuthenticationBackend[], users: UserLookup<U>): Authenticator<U> {
  return async (request, enabled = backends) => {
    for (const backend of enabled) {
      const token = backend.transport.readToken(request)
      if (token === null) continue
      const user = await backend.strategy.readToken(token, users)
      if (user) return { user, backend, token }
    }
    return null
  }
}
