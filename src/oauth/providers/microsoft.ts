/**
 * Microsoft Entra ID (arctic's `MicrosoftEntraId`): authorization with PKCE (S256), scopes
 * `openid email profile`; the profile comes from the ID token of the token response (checked
 * by `ArcticClient`: this client's audience, the flow's nonce).
 *
 * The account id is `oid` (the same user across the tenant's applications), else `sub`.
 * Entra's `email` claim is whatever a tenant administrator typed, verified by no one: trusting
 * it let tenants sign in as anyone ("nOAuth"). It counts as verified only with the optional
 * claim `xms_edov` (email domain owner verified) true, which the application registration
 * must add in "Token configuration".
 */
import { MicrosoftEntraId } from 'arctic'
import type { OAuthProfile, OAuthTokens } from '../client.ts'
import { ArcticClient, type ProviderClientOptions } from './arctic.ts'
import { accountIdOf, stringOrNull } from './user-info.ts'

export interface MicrosoftClientOptions extends ProviderClientOptions {
  /** `common` (default), `organizations`, `consumers`, or a tenant id or domain. */
  tenant?: string
}

export class MicrosoftOAuthClient extends ArcticClient {
  readonly pkce = true
  readonly #tenant: string

  /**
   * @example
   * const microsoft = new MicrosoftOAuthClient({ tenant: 'organizations', clientId, clientSecret })
   */
  constructor(options: MicrosoftClientOptions) {
    super(options, { name: 'microsoft', scopes: ['openid', 'email', 'profile'] })
    this.#tenant = options.tenant ?? 'common'
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const claims = tokens.idTokenClaims ?? {}
    return {
      accountId: accountIdOf(claims.oid ?? claims.sub, 'Microsoft ID token `oid`'),
      email: stringOrNull(claims.email),
      emailVerified: claims.xms_edov === true,
    }
  }

  protected provider(redirectUri: string): MicrosoftEntraId {
    return new MicrosoftEntraId(this.#tenant, this.options.clientId, this.options.clientSecret, redirectUri)
  }
}
