/**
 * GitLab, gitlab.com or a self-managed instance (arctic's `GitLab`, which sends no PKCE
 * challenge), as an OpenID provider: scopes `openid email`, the profile from its user-info
 * endpoint, where `sub` is the numeric user id and `email_verified` GitLab's word on the
 * primary address (an instance may let unconfirmed addresses stand: then it says false).
 */
import { GitLab } from 'arctic'
import type { OAuthProfile, OAuthTokens } from '../client.ts'
import { ArcticClient, withoutPkce, type ArcticProvider, type ProviderClientOptions } from './arctic.ts'
import { accountIdOf, asRecord, fetchUserInfo, stringOrNull } from './user-info.ts'

export interface GitLabClientOptions extends ProviderClientOptions {
  /** The instance's URL; default `https://gitlab.com`. */
  baseUrl?: string
}

export class GitLabOAuthClient extends ArcticClient<GitLabClientOptions> {
  readonly pkce = false

  /**
   * @example
   * const gitlab = new GitLabOAuthClient({ baseUrl: 'https://gitlab.example.com', clientId, clientSecret })
   */
  constructor(options: GitLabClientOptions) {
    super(options, { name: 'gitlab', scopes: ['openid', 'email'] })
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const info = asRecord(await fetchUserInfo(`${this.#baseUrl()}/oauth/userinfo`, tokens.accessToken, 'GitLab user info'))
    return {
      accountId: accountIdOf(info.sub, 'GitLab user info `sub`'),
      email: stringOrNull(info.email),
      emailVerified: info.email_verified === true,
    }
  }

  protected provider(redirectUri: string): ArcticProvider {
    return withoutPkce(new GitLab(this.#baseUrl(), this.options.clientId, this.options.clientSecret, redirectUri))
  }

  #baseUrl(): string {
    return (this.options.baseUrl ?? 'https://gitlab.com').replace(/\/+$/, '')
  }
}
