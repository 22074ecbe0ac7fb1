/**
 * An authentication backend is a named pair of a transport and a strategy (CONTRACT §1): the
 * transport says where the token travels, the strategy what it is. The backend also starts and
 * ends sessions, as FastAPI Users' `AuthenticationBackend.login/logout` do: it issues the access
 * token (and, with `refresh` options, a refresh token) and describes the transport's answer,
 * refresh cookie included, so that every route that logs a user in (password, OAuth, refresh)
 * issues tokens the same way.
 *
 * Refresh tokens are exchanged at a refresh route whose URL path scopes the refresh cookie;
 * the methods take that path as `refreshRoute`, and without it issue no refresh token (there
 * would be nowhere to exchange it).
 */
import { UnauthorizedError } from '../errors.ts'
import { RefreshTokens, type RefreshOptions } from '../refresh/refresh-tokens.ts'
import type { UserRecord } from '../user.ts'
import type { SessionClient, Sessions } from '../sessions/sessions.ts'
import { refreshCarrier, type RefreshCarrier } from './refresh-carrier.ts'
import { JwtStrategy } from './strategies/jwt.ts'
import type { Strategy, UserLookup } from './strategy.ts'
import type { TokenCarrier, Transport, TransportResponse } from './transport.ts'

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

export interface SessionOptions {
  /** The URL path of this backend's refresh route; without it, no refresh token is involved. */
  refreshRoute?: string
  /** Where sessions are recorded (opt-in, docs/sessions.md); not recorded without it. */
  sessions?: Sessions | null
  /** Who logs in, for the session's record. */
  client?: SessionClient
}

export interface LogoutOptions extends SessionOptions {
  /**
   * The backend whose strategy read the token, when it is another one: any backend's token
   * authorizes a logout (CONTRACT §5.1), and the token ends with the strategy that issued it.
   */
  issuer?: AuthenticationBackend
  /**
   * Every backend whose refresh tokens may have been issued with the token (two backends may
   * share a strategy): the refresh tokens issued with it end too. By default this one and the issuer.
   */
  backends?: readonly AuthenticationBackend[]
}

export interface RefreshExchangeOptions extends SessionOptions {
  refreshRoute: string
  /** Who may have new tokens; a refused user keeps the refresh token (it works again once allowed). */
  accepts(user: UserRecord): boolean
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
  readonly #carriers = new Map<string, RefreshCarrier>()

  constructor(options: AuthenticationBackendOptions) {
    if (!/^[0-9A-Za-z_-]+$/.test(options.name)) {
      throw new TypeError(`backend name "${options.name}" may only contain letters, digits, _ and -`)
    }
    this.name = options.name
    this.transport = options.transport
    this.strategy = options.strategy
    this.refresh = options.refresh === undefined ? null : new RefreshTokens(options.refresh, options.strategy)
  }

  /**
   * Starts a session: a new access token (and refresh token), as the transport answers a login.
   *
   * @example
   * const response = await backend.login(user, { refreshRoute: '/auth/jwt/refresh' })
   */
  async login(user: UserRecord, options: SessionOptions = {}): Promise<TransportResponse> {
    const accessToken = await this.strategy.writeToken(user)
    const response = this.transport.loginResponse(accessToken)
    const carrier = this.#carrier(options)
    const sessions = options.sessions ?? null
    const client = options.client ?? { userAgent: null, address: null }
    const start = { userId: user.id, backend: this.name, accessToken, accessTokenKey: this.strategy.tokenKey?.(accessToken) ?? null, client }
    if (carrier === null) {
      if (sessions !== null && this.#tokensAreSessions(start.accessTokenKey)) {
        await sessions.started({ ...start, familyId: null, lifetimeSeconds: this.strategy.lifetimeSeconds ?? null })
      }
      return response
    }
    const { token, familyId } = await this.refresh!.issueFamily(user.id, accessToken)
    await sessions?.started({ ...start, familyId, lifetimeSeconds: this.refresh!.lifetimeSeconds })
    return carrier.attach(response, token)
  }

  /**
   * Whether an access token alone is a session: it is state on the server (not a JWT) that its
   * strategy can end by its key. A JWT without a refresh token leaves nothing to list.
   */
  #tokensAreSessions(accessTokenKey: string | null): boolean {
    return !(this.strategy instanceof JwtStrategy) && accessTokenKey !== null && this.strategy.revokeTokenKey !== undefined
  }

  /**
   * Ends the access token that authenticated a logout, and the refresh tokens issued with it;
   * returns this backend's logout answer.
   *
   * @example
   * const response = await backend.logout(token, user, { issuer, backends })
   */
  async logout(token: string, user: UserRecord, options: LogoutOptions = {}): Promise<TransportResponse> {
    const issuer = options.issuer ?? this
    // Refresh tokens first: if a store fails in between, the access token still works, so the
    // client can repeat the logout after its 503.
    const seen = new Set<RefreshTokens>()
    for (const { refresh } of options.backends ?? [this, issuer]) {
      if (refresh === null || seen.has(refresh)) continue
      seen.add(refresh)
      await refresh.revokeByAccessToken(token)
    }
    await issuer.strategy.destroyToken(token, user)
    await options.sessions?.loggedOut(user.id, token)
    return this.logoutResponse(options)
  }

  /**
   * What this backend answers when a session ends: the transport's logout response (or an
   * empty 204), clearing the refresh cookie too.
   */
  logoutResponse(options: SessionOptions = {}): TransportResponse {
    const response = this.transport.logoutResponse() ?? { statusCode: 204 }
    return this.#carrier(options)?.clear(response) ?? response
  }

  /** Whether refresh tokens of this backend travel in a cookie rather than in bodies. */
  get refreshTravelsInCookie(): boolean {
    return this.transport.travelsInCookie
  }

  /** The refresh token a refresh request presents (cookie or `refresh_token` body field), or `null`. */
  readRefreshToken(request: TokenCarrier, body: unknown, options: { refreshRoute: string }): string | null {
    return this.#carrier(options)?.read(request, body) ?? null
  }

  /**
   * Exchanges a refresh token for a new access token and its successor (rotation), answered as
   * a login. An unknown, expired or reused token, or a refused user, is an `UnauthorizedError`.
   *
   * @example
   * return send(await backend.exchangeRefreshToken(token, manager, { refreshRoute, accepts: (user) => user.is_active }))
   */
  async exchangeRefreshToken(token: string | null, users: UserLookup, options: RefreshExchangeOptions): Promise<TransportResponse> {
    const refresh = this.refresh
    const carrier = this.#carrier(options)
    if (refresh === null || carrier === null) throw new UnauthorizedError()
    const sessions = options.sessions ?? null
    const found = token === null ? null : await refresh.check(token)
    if (found?.status === 'reused') await sessions?.familyEnded(found.userId, found.familyId)
    if (found?.status !== 'valid') throw new UnauthorizedError()
    const { userId, familyId } = found.record
    const user = await users.get(userId)
    if (!user || !options.accepts(user)) throw new UnauthorizedError()
    const accessToken = await this.strategy.writeToken(user)
    const next = await refresh.rotate(found.record, accessToken)
    if (next === null) {
      await this.strategy.destroyToken(accessToken, user)
      await sessions?.familyEnded(userId, familyId)
      throw new UnauthorizedError()
    }
    await sessions?.refreshed(userId, familyId, accessToken, this.strategy.tokenKey?.(accessToken) ?? null, refresh.lifetimeSeconds)
    return carrier.attach(this.transport.loginResponse(accessToken), next)
  }

  #carrier(options: SessionOptions): RefreshCarrier | null {
    if (this.refresh === null || options.refreshRoute === undefined) return null
    let carrier = this.#carriers.get(options.refreshRoute)
    if (carrier === undefined) {
      carrier = refreshCarrier(this.transport, this.refresh, options.refreshRoute)
      this.#carriers.set(options.refreshRoute, carrier)
    }
    return carrier
  }
}
