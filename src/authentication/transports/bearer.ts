/**
 * Bearer transport (CONTRACT §6.1): the token travels in `Authorization: Bearer <token>`, the
 * scheme compared case-insensitively; login answers `200 {"access_token", "token_type":
 * "bearer"}`; logout has nothing to clear.
 */
import type { SecurityScheme, TokenCarrier, Transport, TransportResponse } from '../transport.ts'

export interface BearerTransportOptions {
  /** The login route's URL, used only in the OpenAPI document (OAuth2 password flow). */
  tokenUrl: string
}

/**
 * The token in the `Authorization: Bearer` header: what API clients, mobile apps and the typed
 * client (`fastify-users/client`) use. Login answers `{"access_token", "token_type": "bearer"}`.
 *
 * @example
 * const bearer = new AuthenticationBackend({ name: 'jwt', transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }), strategy })
 */
export class BearerTransport implements Transport {
  readonly tokenUrl: string
  readonly travelsInCookie = false

  constructor(options: BearerTransportOptions) {
    this.tokenUrl = options.tokenUrl
  }

  readToken(request: TokenCarrier): string | null {
    const header = request.headers.authorization
    if (typeof header !== 'string') return null
    const space = header.indexOf(' ')
    if (space === -1 || header.slice(0, space).toLowerCase() !== 'bearer') return null
    const token = header.slice(space + 1).trim()
    return token === '' ? null : token
  }

  loginResponse(token: string): TransportResponse {
    return { statusCode: 200, body: { access_token: token, token_type: 'bearer' } }
  }

  logoutResponse(): null {
    return null
  }

  securityScheme(): SecurityScheme {
    return { type: 'oauth2', flows: { password: { scopes: {}, tokenUrl: this.tokenUrl } } }
  }
}
