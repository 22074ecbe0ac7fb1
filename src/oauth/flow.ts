/**
 * The OAuth2 authorization-code flow, from the authorization URL to the provider's profile,
 * shared by the login and the associate routers (CONTRACT §5.6, §5.7).
 *
 * `start`: a fresh CSRF token (32 random bytes, base64url: 43 characters, as Python's
 * `token_urlsafe(32)`), a state carrying it and the client's name, the authorization URL with
 * that state, a `nonce` (which clients send whenever they ask for an ID token) and, where the
 * provider supports it, a PKCE S256 challenge; the CSRF token also goes into a cookie. A
 * provider that cannot be reached makes it a 502 `OAUTH_PROVIDER_UNAVAILABLE`.
 *
 * `finish`, in this order, every check before anything is sent to the provider (deliberate
 * difference 4; upstream exchanges the code first):
 * 1. an `error` from the provider → 400 with that error; no `code` → 400 `Bad Request`;
 * 2. the state verifies (`ACCESS_TOKEN_DECODE_ERROR`, `ACCESS_TOKEN_ALREADY_EXPIRED`);
 * 3. the CSRF cookie matches the state's token, and the state was issued by this client, not
 *    by another provider's router sharing the secret (`OAUTH_INVALID_STATE`);
 * 4. in the associate flow, the state's `sub` is the current user (400 `Bad Request`);
 * 5. the state was never used (`OAUTH_INVALID_STATE`), and is now recorded as used;
 * 6. the code is exchanged and the profile fetched; whatever goes wrong there is a refusal of
 *    `src/errors.ts` (provider-failure.ts: 400 for a refusal or an invalid answer, 502 for an
 *    unreachable provider), never a 500.
 */
import { randomBytes } from 'node:crypto'
import type { TokenCarrier } from '../authentication/transport.ts'
import { ErrorCode, OAuthCallbackError, OAuthProviderUnavailableError, UsersError } from '../errors.ts'
import type { KeyMaterial } from '../jwt/keys.ts'
import type { OAuthClient, OAuthProfile, OAuthTokens } from './client.ts'
import { csrfTokensMatch, OAuthCsrfCookie, type OAuthCsrfCookieOptions } from './csrf-cookie.ts'
import { oidcNonce } from './nonce.ts'
import { pkceVerifier } from './pkce.ts'
import { providerFailure } from './provider-failure.ts'
import { MemoryOAuthStateStore, type OAuthStateStore } from './state-store.ts'
import { OAuthStateTokens, type OAuthState } from './state.ts'

export interface OAuthFlowOptions {
  client: OAuthClient
  stateSecret: KeyMaterial
  csrfCookie?: OAuthCsrfCookieOptions
  /** Where used states are remembered; one process's memory by default. */
  stateStore?: OAuthStateStore
  /** How long a state (and its CSRF cookie) lives; default 600 seconds. */
  stateLifetimeSeconds?: number
}

export interface OAuthStart {
  authorizationUrl: string
  /** The `Set-Cookie` value of the CSRF cookie. */
  setCookie: string
}

export interface OAuthFinish {
  state: OAuthState
  tokens: OAuthTokens
  profile: OAuthProfile
}

export interface OAuthCallbackRequest extends TokenCarrier {
  /** The callback's query string, as received (the provider may add `iss` and others). */
  query: URLSearchParams
  /** The callback URL that the authorization request named. */
  redirectUri: string
  /** In the associate flow: the id of the authenticated user, which the state's `sub` must be. */
  subject?: string
}

/** OAuth error codes (RFC 6749 §4.1.2.1 syntax) are echoed; anything else is not. */
const OAUTH_ERROR_CODE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,100}$/

export class OAuthFlow {
  readonly client: OAuthClient
  readonly states: OAuthStateTokens
  readonly cookie: OAuthCsrfCookie
  readonly #store: OAuthStateStore

  /**
   * @example
   * const flow = new OAuthFlow({ client: new GoogleOAuthClient({ clientId, clientSecret }), stateSecret: SECRET })
   */
  constructor(options: OAuthFlowOptions) {
    this.client = options.client
    this.states = new OAuthStateTokens(options.stateSecret, { lifetimeSeconds: options.stateLifetimeSeconds })
    this.cookie = new OAuthCsrfCookie({ ...options.csrfCookie, maxAge: this.states.lifetimeSeconds })
    this.#store = options.stateStore ?? new MemoryOAuthStateStore()
  }

  async start(options: { redirectUri: string; scopes: string[] | null; sub?: string; redirectTo?: string }): Promise<OAuthStart> {
    const csrftoken = randomBytes(32).toString('base64url')
    const state = await this.states.issue({
      csrftoken,
      oauthName: this.client.name,
      scopes: options.scopes ?? undefined,
      sub: options.sub,
      redirectTo: options.redirectTo,
    })
    let authorizationUrl: string
    try {
      authorizationUrl = await this.client.authorizationUrl({
        redirectUri: options.redirectUri,
        state,
        codeVerifier: pkceVerifier(csrftoken, this.states.keys),
        scopes: options.scopes,
        nonce: oidcNonce(csrftoken, this.states.keys),
      })
    } catch (error) {
      // Only discovery talks to the provider here; whatever fails, the client is not to blame.
      throw new OAuthProviderUnavailableError('authorization URL', { cause: error })
    }
    return { authorizationUrl, setCookie: this.cookie.set(csrftoken) }
  }

  /**
   * The state, the provider's tokens and profile of a callback request. Throws a
   * `FastifyUsersError`: a `UsersError`, or one of `src/errors.ts`.
   */
  async finish(request: OAuthCallbackRequest): Promise<OAuthFinish> {
    const { query } = request
    const error = query.get('error')
    if (error !== null) throw new OAuthCallbackError(OAUTH_ERROR_CODE.test(error) ? error : 'Bad Request')
    const code = query.get('code')
    if (code === null || code === '') throw new OAuthCallbackError('Bad Request')

    const stateToken = query.get('state')
    const state = this.states.read(stateToken)
    if (!csrfTokensMatch(state.csrftoken, this.cookie.read(request))) throw new UsersError(ErrorCode.OAUTH_INVALID_STATE)
    // Routers of several providers may share the secret and the cookie: a state only counts
    // where it was issued, or provider A's code would be sent to provider B.
    if (state.oauthName !== this.client.name) throw new UsersError(ErrorCode.OAUTH_INVALID_STATE)
    if (request.subject !== undefined && state.sub !== request.subject) throw new OAuthCallbackError('Bad Request')
    if (!(await this.#store.consume(state.csrftoken!, state.exp))) throw new UsersError(ErrorCode.OAUTH_INVALID_STATE)

    let tokens: OAuthTokens
    try {
      tokens = await this.client.exchangeCode({
        code,
        state: stateToken!,
        codeVerifier: pkceVerifier(state.csrftoken!, this.states.keys),
        redirectUri: request.redirectUri,
        callbackParams: query,
        nonce: oidcNonce(state.csrftoken!, this.states.keys),
        scopes: state.scopes,
      })
    } catch (error) {
      throw providerFailure(error, 'code exchange')
    }
    let profile: OAuthProfile
    try {
      profile = await this.client.profile(tokens)
    } catch (error) {
      throw providerFailure(error, 'profile')
    }
    return { state, tokens, profile }
  }
}
