/**
 * Slack, through "Sign in with Slack" (OpenID Connect; arctic's `Slack`, no PKCE): scopes
 * `openid email profile`, the profile from `openid.connect.userInfo`. A Slack user id is
 * unique within its workspace only, so the account id is `<team id>:<user id>`.
 */
import { Slack } from 'arctic'
import type { OAuthProfile, OAuthTokens } from '../client.ts'
import { ArcticClient, withoutPkce, type ArcticProvider, type ProviderClientOptions } from './arctic.ts'
import { accountIdOf, asRecord, fetchUserInfo, stringOrNull } from './user-info.ts'

export const SLACK_USER_INFO_URL = 'https://slack.com/api/openid.connect.userInfo'

export class SlackOAuthClient extends ArcticClient {
  readonly pkce = false

  /**
   * @example
   * const slack = new SlackOAuthClient({ clientId: process.env.SLACK_CLIENT_ID, clientSecret: process.env.SLACK_CLIENT_SECRET })
   */
  constructor(options: ProviderClientOptions) {
    super(options, { name: 'slack', scopes: ['openid', 'email', 'profile'] })
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const info = asRecord(await fetchUserInfo(SLACK_USER_INFO_URL, tokens.accessToken, 'Slack user info'))
    const team = accountIdOf(info['https://slack.com/team_id'], 'Slack user info `team_id`')
    return {
      accountId: `${team}:${accountIdOf(info.sub, 'Slack user info `sub`')}`,
      email: stringOrNull(info.email),
      emailVerified: info.email_verified === true,
    }
  }

  protected provider(redirectUri: string): ArcticProvider {
    return withoutPkce(new Slack(this.options.clientId, this.options.clientSecret, redirectUri))
  }
}
