/**
 * An authentication backend is a named pair of a transport and a strategy (CONTRACT §1): the
 * transport says where the token travels, the strategy what it is.
 */
import { RefreshTokens, type RefreshOptions } from '../refresh/refresh-tokens.ts'
import type { Strategy } from './strategy.ts'
import type { Transport } from './transport.ts'

export interface AuthenticationBackendOptions {
  /** Names the routes (`auth:{name}.login`) and the OpenAPI security scheme. */
  name: string
  transport: Transport
  strategy: Strategy
  /**
   * Opt-in refresh tokens: login also hands out a long-lived refresh token, and
   * `POST {prefix}/refresh` exchanges it for new tokens (see src/refresh/).
   */
  refresh?: RefreshOptions
}

/**
 * @example
 * const jwt = new AuthenticationBackend({
 *   name: 'jwt',
 *   transport: new BearerTransport({ tokenUrl: '/auth/jwt/login' }),
 *   strategy: new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
 * })
 */
export class AuthenticationBackend {
  readonly name: string
  readonly transport: Transport
  readonly strategy: Strategy
  /** `null` unless the backend was given `refresh` options. */
  readonly refresh: RefreshTokens | null

  constructor(options: AuthenticationBackendOptions) {
    if (!/^[0-9A-Za-z_-]+$/.test(options.name)) {
      throw new TypeError(`backend name "${options.name}" may only contain letters, digits, _ and -`)
    }
    this.name = options.name
    this.transport = options.transport
    this.strategy = options.strategy
    this.refresh = options.refresh === undefined ? null : new RefreshTokens(options.refresh, options.strategy)
  }
}
