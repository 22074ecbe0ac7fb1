/**
 * What the clients of well-known providers share: their options, the arctic provider behind
 * each (arctic holds the endpoints and sends the requests with the global `fetch`), the
 * authorization URL and the code exchange, and arctic's tokens and errors in the terms of
 * `OAuthClient`. A client names its provider, its default name and scopes, and reads the
 * profile.
 *
 * ID tokens: whenever the scopes ask for `openid`, the authorization URL carries the flow's
 * `nonce`, and the token response must hold an ID token whose audience is this client and whose
 * `nonce` is the flow's. The token comes straight from the provider's token endpoint over TLS,
 * which lets a client skip its signature (OpenID Connect Core §3.1.3.7); arctic decodes it.
 */
import { decodeIdToken, OAuth2RequestError, type OAuth2Tokens } from 'arctic'
import { checkClientName, expiresAtFrom, OAuthProviderError } from '../client.ts'
import type { OAuthAuthorizationRequest, OAuthClient, OAuthCodeExchange, OAuthProfile, OAuthTokens } from '../client.ts'
import { OAuthInvalidResponseError } from '../../errors.ts'
import { asRecord } from './user-info.ts'

/** What every provider client takes. */
export interface ArcticClientOptions {
  clientId: string
  /** Names the routes and fills `oauth_name`; defaults to the provider's name (`google`…). */
  name?: string
  /** Scopes asked for when `/authorize` names none. */
  scopes?: string[]
}

/** A provider client authenticated by a client secret (all but Apple). */
export interface ProviderClientOptions extends ArcticClientOptions {
  clientSecret: string
}

/** The calls made on an arctic provider, in their PKCE form (`Google`, `Discord`, `MicrosoftEntraId`). */
export interface ArcticProvider {
  createAuthorizationURL(state: string, codeVerifier: string, scopes: string[]): URL
  validateAuthorizationCode(code: string, codeVerifier: string): Promise<OAuth2Tokens>
}

/** The calls of an arctic provider without PKCE (`GitHub`, `GitLab`, `Apple`…). */
export interface ArcticProviderWithoutPkce {
  createAuthorizationURL(state: string, scopes: string[]): URL
  validateAuthorizationCode(code: string): Promise<OAuth2Tokens>
}

/**
 * An arctic provider without PKCE in the PKCE form: the code verifier is dropped, and no
 * challenge is sent (such clients declare `pkce = false`).
 *
 * @example
 * protected provider(redirectUri: string) { return withoutPkce(new GitHub(clientId, clientSecret, redirectUri)) }
 */
export function withoutPkce(provider: ArcticProviderWithoutPkce): ArcticProvider {
  return {
    createAuthorizationURL: (state, _codeVerifier, scopes) => provider.createAuthorizationURL(state, scopes),
    validateAuthorizationCode: (code) => provider.validateAuthorizationCode(code),
  }
}

/**
 * A client whose provider arctic knows.
 *
 * @example
 * class DiscordOAuthClient extends ArcticClient {
 *   readonly pkce = true
 *   constructor(options: ProviderClientOptions) { super(options, { name: 'discord', scopes: ['identify', 'email'] }) }
 *   protected provider(redirectUri: string) { return new Discord(this.options.clientId, this.options.clientSecret, redirectUri) }
 *   async profile(tokens: OAuthTokens) { … }
 * }
 */
export abstract class ArcticClient<O extends ArcticClientOptions = ProviderClientOptions> implements OAuthClient {
  readonly name: string
  abstract readonly pkce: boolean
  protected readonly options: O
  readonly #defaultScopes: string[]

  protected constructor(options: O, defaults: { name: string; scopes: string[] }) {
    this.name = checkClientName(options.name ?? defaults.name)
    this.options = options
    this.#defaultScopes = defaults.scopes
  }

  async authorizationUrl(request: OAuthAuthorizationRequest): Promise<string> {
    const scopes = this.scopes(request.scopes)
    const url = this.provider(request.redirectUri).createAuthorizationURL(request.state, request.codeVerifier, scopes)
    if (this.idTokenExpected(scopes)) url.searchParams.set('nonce', request.nonce)
    this.addAuthorizationParameters(url)
    return url.toString()
  }

  async exchangeCode(exchange: OAuthCodeExchange): Promise<OAuthTokens> {
    const provider = this.provider(exchange.redirectUri)
    let idToken: unknown = null
    const tokens = await arcticTokens(async () => {
      const result = await provider.validateAuthorizationCode(exchange.code, exchange.codeVerifier)
      idToken = (result.data as Record<string, unknown>).id_token ?? null
      return result
    })
    if (!this.idTokenExpected(this.scopes(exchange.scopes))) return tokens
    return { ...tokens, idTokenClaims: this.idTokenClaims(idToken, exchange.nonce) }
  }

  abstract profile(tokens: OAuthTokens): Promise<OAuthProfile>

  /** The scopes of a request: those asked for, else the application's, else the provider's defaults. */
  protected scopes(requested: string[] | null): string[] {
    return requested ?? this.options.scopes ?? this.#defaultScopes
  }

  /** Whether the provider issues an ID token for these scopes: OpenID Connect's `openid` scope. */
  protected idTokenExpected(scopes: string[]): boolean {
    return scopes.includes('openid')
  }

  /** Provider-specific parameters of the authorization URL (Apple's `response_mode`…). */
  protected addAuthorizationParameters(_url: URL): void {}

  /** The claims of the ID token a response to `openid` must carry: for this client, with the flow's nonce. */
  protected idTokenClaims(idToken: unknown, nonce: string): Record<string, unknown> {
    if (typeof idToken !== 'string') throw new OAuthInvalidResponseError(`${this.name}: no ID token in the answer to an openid request`)
    let claims: Record<string, unknown>
    try {
      claims = asRecord(decodeIdToken(idToken))
    } catch (error) {
      throw new OAuthInvalidResponseError(`${this.name}: the ID token cannot be decoded`, { cause: error })
    }
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (!audience.includes(this.options.clientId)) throw new OAuthInvalidResponseError(`${this.name}: the ID token is for another client`)
    if (claims.nonce !== nonce) throw new OAuthInvalidResponseError(`${this.name}: the ID token's nonce is not this flow's`)
    return claims
  }

  /** The arctic provider for one callback URL (arctic binds the redirect URI at construction). */
  protected abstract provider(redirectUri: string): ArcticProvider
}

/**
 * Runs an arctic code exchange; a refusal by the provider becomes an `OAuthProviderError`.
 *
 * @example
 * const tokens = await arcticTokens(() => google.validateAuthorizationCode(code, verifier))
 */
export async function arcticTokens(exchange: () => Promise<OAuth2Tokens>): Promise<OAuthTokens> {
  let tokens: OAuth2Tokens
  try {
    tokens = await exchange()
  } catch (error) {
    if (error instanceof OAuth2RequestError) throw new OAuthProviderError(error.code, { cause: error })
    throw error
  }
  const data = tokens.data as Record<string, unknown>
  return {
    accessToken: tokens.accessToken(),
    expiresAt: expiresAtFrom(data.expires_in),
    refreshToken: typeof data.refresh_token === 'string' ? data.refresh_token : null,
    idTokenClaims: null,
  }
}
