/**
 * Google (arctic's `Google`): authorization with PKCE (S256); the profile comes from Google's
 * OpenID Connect user-info endpoint: `sub` is the account id, and `email_verified` is Google's
 * word on the address.
 */
import { Google } from 'arctic'
import { checkClientName, type OAuthAuthorizationRequest, type OAuthClient, type OAuthCodeExchange, type OAuthProfile, type OAuthTokens } from '../client.ts'
import { arcticTokens, type ProviderClientOptions } from './arctic.ts'
import { accountIdOf, asRecord, fetchUserInfo, stringOrNull } from './user-info.ts'

export const GOOGLE_USER_INFO_URL = 'https://openidconnect.googleapis.com/v1/userinfo'

export class GoogleOAuthClient implements OAuthClient {
  readonly name: string
  readonly pkce = true
  readonly #options: ProviderClientOptions

  /**
   * @example
   * const google = new GoogleOAuthClient({ clientId: process.env.GOOGLE_CLIENT_ID, clientSecret: process.env.GOOGLE_CLIENT_SECRET })
   */
  constructor(options: ProviderClientOptions) {
    this.name = checkClientName(options.name ?? 'google')
    this.#options = options
  }

  async authorizationUrl(request: OAuthAuthorizationRequest): Promise<string> {
    const scopes = request.scopes ?? this.#options.scopes ?? ['openid', 'email', 'profile']
    return this.#google(request.redirectUri).createAuthorizationURL(request.state, request.codeVerifier, scopes).toString()
  }

  exchangeCode(exchange: OAuthCodeExchange): Promise<OAuthTokens> {
    return arcticTokens(() => this.#google(exchange.redirectUri).validateAuthorizationCode(exchange.code, exchange.codeVerifier))
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const info = asRecord(await fetchUserInfo(GOOGLE_USER_INFO_URL, tokens.accessToken, 'Google user info'))
    return {
      accountId: accountIdOf(info.sub, 'Google user info `sub`'),
      email: stringOrNull(info.email),
      emailVerified: info.email_verified === true,
    }
  }

  #google(redirectUri: string): Google {
    return new Google(this.#options.clientId, this.#options.clientSecret, redirectUri)
  }
}
