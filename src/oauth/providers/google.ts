/**
 * Google (arctic's `Google`): authorization with PKCE (S256); the profile comes from Google's
 * OpenID Connect user-info endpoint: `sub` is the account id, and `email_verified` is Google's
 * word on the address.
 */
import { Google } from 'arctic'
import type { OAuthProfile, OAuthTokens } from '../client.ts'
import { ArcticClient, type ProviderClientOptions } from './arctic.ts'
import { accountIdOf, asRecord, fetchUserInfo, stringOrNull } from './user-info.ts'

export const GOOGLE_USER_INFO_URL = 'https://openidconnect.googleapis.com/v1/userinfo'

export class GoogleOAuthClient extends ArcticClient {
  readonly pkce = true

  /**
   * @example
   * const google = new GoogleOAuthClient({ clientId: process.env.GOOGLE_CLIENT_ID, clientSecret: process.env.GOOGLE_CLIENT_SECRET })
   */
  constructor(options: ProviderClientOptions) {
    super(options, { name: 'google', scopes: ['openid', 'email', 'profile'] })
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const info = asRecord(await fetchUserInfo(GOOGLE_USER_INFO_URL, tokens.accessToken, 'Google user info'))
    return {
      accountId: accountIdOf(info.sub, 'Google user info `sub`'),
      email: stringOrNull(info.email),
      emailVerified: info.email_verified === true,
    }
  }

  protected provider(redirectUri: string): Google {
    return new Google(this.options.clientId, this.options.clientSecret, redirectUri)
  }
}
