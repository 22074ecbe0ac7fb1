/**
 * LinkedIn, through "Sign In with LinkedIn using OpenID Connect" (arctic's `LinkedIn`, no PKCE):
 * scopes `openid profile email`, the profile from its user-info endpoint (`sub`, `email`,
 * `email_verified`). LinkedIn ignores the `nonce` parameter and issues ID tokens without one, so
 * none is sent and its ID token is not used: the profile comes from user info, asked with the
 * access token that the code (bound to this flow by the state) was exchanged for.
 */
import { LinkedIn } from 'arctic'
import type { OAuthProfile, OAuthTokens } from '../client.ts'
import { ArcticClient, withoutPkce, type ArcticProvider, type ProviderClientOptions } from './arctic.ts'
import { accountIdOf, asRecord, fetchUserInfo, stringOrNull } from './user-info.ts'

export const LINKEDIN_USER_INFO_URL = 'https://api.linkedin.com/v2/userinfo'

export class LinkedInOAuthClient extends ArcticClient {
  readonly pkce = false

  /**
   * @example
   * const linkedin = new LinkedInOAuthClient({ clientId: process.env.LINKEDIN_CLIENT_ID, clientSecret: process.env.LINKEDIN_CLIENT_SECRET })
   */
  constructor(options: ProviderClientOptions) {
    super(options, { name: 'linkedin', scopes: ['openid', 'profile', 'email'] })
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const info = asRecord(await fetchUserInfo(LINKEDIN_USER_INFO_URL, tokens.accessToken, 'LinkedIn user info'))
    return {
      accountId: accountIdOf(info.sub, 'LinkedIn user info `sub`'),
      email: stringOrNull(info.email),
      emailVerified: info.email_verified === true,
    }
  }

  protected override idTokenExpected(): boolean {
    return false
  }

  protected provider(redirectUri: string): ArcticProvider {
    return withoutPkce(new LinkedIn(this.options.clientId, this.options.clientSecret, redirectUri))
  }
}
