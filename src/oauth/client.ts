/**
 * What the OAuth flow needs from a provider (Google, GitHub, any OpenID Connect issuer…): an
 * authorization URL, the exchange of a code for tokens, and who the tokens belong to. Provider
 * clients wrap maintained libraries (arctic, openid-client) behind this interface, so the flow
 * and the routes never see a provider's quirks.
 *
 * A profile carries the provider's word on the email: `emailVerified` is true only when the
 * provider says that it checked the address. The account logic (`callback.ts`) creates an
 * account, or links one by email, only for a verified address.
 */

export interface OAuthAuthorizationRequest {
  /** The callback URL registered at the provider. */
  redirectUri: string
  state: string
  /** The PKCE code verifier; clients whose provider supports PKCE send its S256 challenge. */
  codeVerifier: string
  /** Scopes asked for; `null` asks for the client's default scopes. */
  scopes: string[] | null
  /** The OpenID Connect `nonce` of this flow; sent by clients whenever they ask for an ID token. */
  nonce: string
}

export interface OAuthCodeExchange {
  code: string
  /** The state the flow already verified (OpenID Connect clients check it again). */
  state: string
  codeVerifier: string
  redirectUri: string
  /** The whole query of the callback request: OpenID Connect clients also check `iss` in it. */
  callbackParams: URLSearchParams
  /** The flow's `nonce`, sent if the authorization request asked for an ID token; an ID token must carry it. */
  nonce: string
  /** The scopes the authorization request asked for; `null` for the client's default scopes. */
  scopes: string[] | null
}

export interface OAuthTokens {
  accessToken: string
  /** Epoch seconds, or `null` when the provider did not say. */
  expiresAt: number | null
  refreshToken: string | null
  /** The ID token's claims, when the provider issued one and the client validated it. */
  idTokenClaims: Record<string, unknown> | null
}

/** Who the tokens belong to, in the provider's words. */
export interface OAuthProfile {
  /** The provider's stable id of the account (stored as `account_id`). */
  accountId: string
  email: string | null
  /** True only when the provider states that it verified `email`. */
  emailVerified: boolean
}

export interface OAuthClient {
  /** The provider's name: in route names and in the `oauth_name` column (e.g. `google`). */
  readonly name: string
  /** Whether this client sends a PKCE (S256) challenge. */
  readonly pkce: boolean
  /**
   * `form_post` when the provider sends the browser back with a form POST (Apple): the routers
   * then also serve `POST /callback`. Default: a redirect with a query string.
   */
  readonly responseMode?: 'query' | 'form_post'
  authorizationUrl(request: OAuthAuthorizationRequest): Promise<string>
  /**
   * Throws `OAuthProviderError` when the provider refuses the code, and a `FastifyUsersError`
   * of `errors.ts` when it knows better (an ID token that does not validate); anything else it
   * throws is read by `providerFailure` (5xx and network failures are 502, the rest 400).
   */
  exchangeCode(exchange: OAuthCodeExchange): Promise<OAuthTokens>
  profile(tokens: OAuthTokens): Promise<OAuthProfile>
}

/**
 * The provider answered with an OAuth error (RFC 6749 §5.2), e.g. `invalid_grant` for a code
 * that is unknown, already used, expired, or whose PKCE verifier does not match.
 *
 * @example
 * if (error instanceof OAuth2RequestError) throw new OAuthProviderError(error.code, { cause: error })
 */
export class OAuthProviderError extends Error {
  override readonly name = 'OAuthProviderError'
  /** The OAuth `error` code. */
  readonly code: string

  constructor(code: string, options?: { cause?: unknown }) {
    super(`the OAuth provider answered ${code}`, options)
    this.code = code
  }
}

/**
 * Checks a client name: it names routes and fills `oauth_name` (at most 100 characters in SQL).
 *
 * @example
 * this.name = checkClientName(options.name ?? 'google')
 */
export function checkClientName(name: string): string {
  if (!/^[0-9A-Za-z_.-]{1,100}$/.test(name)) {
    throw new TypeError(`OAuth client name "${name}" may only contain letters, digits, _ . and - (1 to 100)`)
  }
  return name
}

/**
 * `now + expires_in` in epoch seconds, or `null` for a missing or malformed `expires_in`.
 *
 * @example
 * expiresAtFrom(3600) // Math.floor(Date.now() / 1000) + 3600
 */
export function expiresAtFrom(expiresIn: unknown): number | null {
  const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return null
  return Math.floor(Date.now() / 1000) + Math.floor(seconds)
}
