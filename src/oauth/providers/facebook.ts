/**
 * Facebook (arctic's `Facebook`, no PKCE): scopes `email public_profile`; the profile is the
 * Graph API's `/me?fields=id,email`. Facebook sends an email only when it holds a valid one, but
 * says nothing of having verified it, so the address counts as verified only when the
 * application says that it trusts Facebook on it (`trustEmail`). Without that, accounts already
 * linked log in, and no account is created or linked by email.
 */
import { Facebook } from 'arctic'
import type { OAuthProfile, OAuthTokens } from '../client.ts'
import { ArcticClient, withoutPkce, type ArcticProvider, type ProviderClientOptions } from './arctic.ts'
import { accountIdOf, asRecord, fetchUserInfo, stringOrNull } from './user-info.ts'

export const FACEBOOK_USER_URL = 'https://graph.facebook.com/me?fields=id,email'

export interface FacebookClientOptions extends ProviderClientOptions {
  /** Take Facebook's email as verified. Default false. */
  trustEmail?: boolean
}

export class FacebookOAuthClient extends ArcticClient<FacebookClientOptions> {
  readonly pkce = false

  /**
   * @example
   * const facebook = new FacebookOAuthClient({ clientId: process.env.FACEBOOK_CLIENT_ID, clientSecret: process.env.FACEBOOK_CLIENT_SECRET })
   */
  constructor(options: FacebookClientOptions) {
    super(options, { name: 'facebook', scopes: ['email', 'public_profile'] })
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const user = asRecord(await fetchUserInfo(FACEBOOK_USER_URL, tokens.accessToken, 'Facebook user'))
    const email = stringOrNull(user.email)
    return {
      accountId: accountIdOf(user.id, 'Facebook user `id`'),
      email,
      emailVerified: email !== null && this.options.trustEmail === true,
    }
  }

  protected provider(redirectUri: string): ArcticProvider {
    return withoutPkce(new Facebook(this.options.clientId, this.options.clientSecret, redirectUri))
  }
}
