/**
 * GitHub (arctic's `GitHub`). arctic's GitHub client sends no PKCE challenge, so this one
 * sends none. The account id is the numeric `id` of `GET /user` (logins can be renamed); the
 * email is the primary address of `GET /user/emails` (scope `user:email`), whose `verified`
 * flag is GitHub's word on it. The public profile email is not used: it may be any address.
 */
import { GitHub } from 'arctic'
import { OAuthProviderError, type OAuthCodeExchange, type OAuthProfile, type OAuthTokens } from '../client.ts'
import { ArcticClient, withoutPkce, type ArcticProvider, type ProviderClientOptions } from './arctic.ts'
import { accountIdOf, asRecord, fetchUserInfo, stringOrNull } from './user-info.ts'

export const GITHUB_USER_URL = 'https://api.github.com/user'
export const GITHUB_EMAILS_URL = 'https://api.github.com/user/emails'

const GITHUB_HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' }

export class GitHubOAuthClient extends ArcticClient {
  readonly pkce = false

  /**
   * @example
   * const github = new GitHubOAuthClient({ clientId: process.env.GITHUB_CLIENT_ID, clientSecret: process.env.GITHUB_CLIENT_SECRET })
   */
  constructor(options: ProviderClientOptions) {
    super(options, { name: 'github', scopes: ['user:email'] })
  }

  override async exchangeCode(exchange: OAuthCodeExchange): Promise<OAuthTokens> {
    try {
      return await super.exchangeCode(exchange)
    } catch (error) {
      // GitHub's name for invalid_grant (an unknown, used or expired code).
      if (error instanceof OAuthProviderError && error.code === 'bad_verification_code') {
        throw new OAuthProviderError('invalid_grant', { cause: error })
      }
      throw error
    }
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const [user, emails] = await Promise.all([
      fetchUserInfo(GITHUB_USER_URL, tokens.accessToken, 'GitHub user', GITHUB_HEADERS),
      fetchUserInfo(GITHUB_EMAILS_URL, tokens.accessToken, 'GitHub user emails (scope user:email)', GITHUB_HEADERS),
    ])
    const primary = (Array.isArray(emails) ? emails : []).map(asRecord).find((entry) => entry.primary === true)
    return {
      accountId: accountIdOf(asRecord(user).id, 'GitHub user `id`'),
      email: stringOrNull(primary?.email),
      emailVerified: primary?.verified === true,
    }
  }

  protected provider(redirectUri: string): ArcticProvider {
    return withoutPkce(new GitHub(this.options.clientId, this.options.clientSecret, redirectUri))
  }
}
