/**
 * Twitch, as an OpenID provider (arctic's `Twitch`, no PKCE): scopes `openid user:read:email`,
 * and the `claims` parameter that Twitch needs before its user-info endpoint says anything of
 * the email; the profile is that endpoint's `sub`, `email` and `email_verified`.
 */
import { Twitch } from 'arctic'
import type { OAuthProfile, OAuthTokens } from '../client.ts'
import { ArcticClient, withoutPkce, type ArcticProvider, type ProviderClientOptions } from './arctic.ts'
import { accountIdOf, asRecord, fetchUserInfo, stringOrNull } from './user-info.ts'

export const TWITCH_USER_INFO_URL = 'https://id.twitch.tv/oauth2/userinfo'

const CLAIMS = JSON.stringify({ userinfo: { email: null, email_verified: null } })

export class TwitchOAuthClient extends ArcticClient {
  readonly pkce = false

  /**
   * @example
   * const twitch = new TwitchOAuthClient({ clientId: process.env.TWITCH_CLIENT_ID, clientSecret: process.env.TWITCH_CLIENT_SECRET })
   */
  constructor(options: ProviderClientOptions) {
    super(options, { name: 'twitch', scopes: ['openid', 'user:read:email'] })
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const info = asRecord(await fetchUserInfo(TWITCH_USER_INFO_URL, tokens.accessToken, 'Twitch user info'))
    return {
      accountId: accountIdOf(info.sub, 'Twitch user info `sub`'),
      email: stringOrNull(info.email),
      emailVerified: info.email_verified === true,
    }
  }

  protected override addAuthorizationParameters(url: URL): void {
    url.searchParams.set('claims', CLAIMS)
  }

  protected provider(redirectUri: string): ArcticProvider {
    return withoutPkce(new Twitch(this.options.clientId, this.options.clientSecret, redirectUri))
  }
}
