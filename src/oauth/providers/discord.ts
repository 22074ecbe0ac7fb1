/**
 * Discord (arctic's `Discord`): authorization with PKCE (S256); the profile is `GET /users/@me`,
 * whose `verified` says whether Discord verified the account's email.
 */
import { Discord } from 'arctic'
import { checkClientName, type OAuthAuthorizationRequest, type OAuthClient, type OAuthCodeExchange, type OAuthProfile, type OAuthTokens } from '../client.ts'
import { arcticTokens, type ProviderClientOptions } from './arctic.ts'
import { accountIdOf, asRecord, fetchUserInfo, stringOrNull } from './user-info.ts'

export const DISCORD_USER_URL = 'https://discord.com/api/users/@me'

export class DiscordOAuthClient implements OAuthClient {
  readonly name: string
  readonly pkce = true
  readonly #options: ProviderClientOptions

  /**
   * @example
   * const discord = new DiscordOAuthClient({ clientId: process.env.DISCORD_CLIENT_ID, clientSecret: process.env.DISCORD_CLIENT_SECRET })
   */
  constructor(options: ProviderClientOptions) {
    this.name = checkClientName(options.name ?? 'discord')
    this.#options = options
  }

  async authorizationUrl(request: OAuthAuthorizationRequest): Promise<string> {
    const scopes = request.scopes ?? this.#options.scopes ?? ['identify', 'email']
    return this.#discord(request.redirectUri).createAuthorizationURL(request.state, request.codeVerifier, scopes).toString()
  }

  exchangeCode(exchange: OAuthCodeExchange): Promise<OAuthTokens> {
    return arcticTokens(() => this.#discord(exchange.redirectUri).validateAuthorizationCode(exchange.code, exchange.codeVerifier))
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const user = asRecord(await fetchUserInfo(DISCORD_USER_URL, tokens.accessToken, 'Discord user'))
    return {
      accountId: accountIdOf(user.id, 'Discord user `id`'),
      email: stringOrNull(user.email),
      emailVerified: user.verified === true,
    }
  }

  #discord(redirectUri: string): Discord {
    return new Discord(this.#options.clientId, this.#options.clientSecret, redirectUri)
  }
}
