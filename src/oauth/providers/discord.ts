/**
 * Discord (arctic's `Discord`): authorization with PKCE (S256); the profile is `GET /users/@me`,
 * whose `verified` says whether Discord verified the account's email.
 */
import { Discord } from 'arctic'
import type { OAuthProfile, OAuthTokens } from '../client.ts'
import { ArcticClient, type ProviderClientOptions } from './arctic.ts'
import { accountIdOf, asRecord, fetchUserInfo, stringOrNull } from './user-info.ts'

export const DISCORD_USER_URL = 'https://discord.com/api/users/@me'

export class DiscordOAuthClient extends ArcticClient {
  readonly pkce = true

  /**
   * @example
   * const discord = new DiscordOAuthClient({ clientId: process.env.DISCORD_CLIENT_ID, clientSecret: process.env.DISCORD_CLIENT_SECRET })
   */
  constructor(options: ProviderClientOptions) {
    super(options, { name: 'discord', scopes: ['identify', 'email'] })
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const user = asRecord(await fetchUserInfo(DISCORD_USER_URL, tokens.accessToken, 'Discord user'))
    return {
      accountId: accountIdOf(user.id, 'Discord user `id`'),
      email: stringOrNull(user.email),
      emailVerified: user.verified === true,
    }
  }

  protected provider(redirectUri: string): Discord {
    return new Discord(this.options.clientId, this.options.clientSecret, redirectUri)
  }
}
