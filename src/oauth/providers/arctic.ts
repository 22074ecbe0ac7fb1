/**
 * What the clients of well-known providers share: their options, the arctic provider behind
 * each (arctic holds the endpoints and sends the requests with the global `fetch`), the
 * authorization URL and the code exchange, and arctic's tokens and errors in the terms of
 * `OAuthClient`. A client names its provider, its default name and scopes, and reads the
 * profile.
 */
import { OAuth2RequestError, type OAuth2Tokens } from 'arctic'
import { checkClientName, expiresAtFrom, OAuthProviderError } from '../client.ts'
import type { OAuthAuthorizationRequest, OAuthClient, OAuthCodeExchange, OAuthProfile, OAuthTokens } from '../client.ts'

export interface ProviderClientOptions {
  clientId: string
  clientSecret: string
  /** Names the routes and fills `oauth_name`; defaults to the provider's name (`google`…). */
  name?: string
  /** Scopes asked for when `/authorize` names none. */
  scopes?: string[]
}

/** The calls made on an arctic provider, in their PKCE form (`Google`, `Discord`, `MicrosoftEntraId`). */
export interface ArcticProvider {
  createAuthorizationURL(state: string, codeVerifier: string, scopes: string[]): URL
  validateAuthorizationCode(code: string, codeVerifier: string): Promise<OAuth2Tokens>
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
export abstract class ArcticClient implements OAuthClient {
  readonly name: string
  abstract readonly pkce: boolean
  protected readonly options: ProviderClientOptions
  readonly #defaultScopes: string[]

  protected constructor(options: ProviderClientOptions, defaults: { name: string; scopes: string[] }) {
    this.name = checkClientName(options.name ?? defaults.name)
    this.options = options
    this.#defaultScopes = defaults.scopes
  }

  async authorizationUrl(request: OAuthAuthorizationRequest): Promise<string> {
    const scopes = request.scopes ?? this.options.scopes ?? this.#defaultScopes
    return this.provider(request.redirectUri).createAuthorizationURL(request.state, request.codeVerifier, scopes).toString()
  }

  exchangeCode(exchange: OAuthCodeExchange): Promise<OAuthTokens> {
    return arcticTokens(() => this.provider(exchange.redirectUri).validateAuthorizationCode(exchange.code, exchange.codeVerifier))
  }

  abstract profile(tokens: OAuthTokens): Promise<OAuthProfile>

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
