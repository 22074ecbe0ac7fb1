/**
 * Microsoft Entra ID (arctic's `MicrosoftEntraId`): authorization with PKCE (S256), scopes
 * `openid email profile`; the profile comes from the ID token of the token response, received
 * straight from Microsoft over TLS (OpenID Connect Core §3.1.3.7 lets a client skip its
 * signature then), whose audience must be this client.
 *
 * The account id is `oid` (the same user across the tenant's applications), else `sub`.
 * Entra's `email` claim is whatever a tenant administrator typed, verified by no one: trusting
 * it let tenants sign in as anyone ("nOAuth"). It counts as verified only with the optional
 * claim `xms_edov` (email domain owner verified) true, which the application registration
 * must add in "Token configuration".
 */
import { decodeIdToken, MicrosoftEntraId } from 'arctic'
import type { OAuthCodeExchange, OAuthProfile, OAuthTokens } from '../client.ts'
import { ArcticClient, arcticTokens, type ProviderClientOptions } from './arctic.ts'
import { accountIdOf, asRecord, stringOrNull } from './user-info.ts'

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

  override async exchangeCode(exchange: OAuthCodeExchange): Promise<OAuthTokens> {
    const entra = this.provider(exchange.redirectUri)
    let idToken: string | null = null
    const tokens = await arcticTokens(async () => {
      const result = await entra.validateAuthorizationCode(exchange.code, exchange.codeVerifier)
      const data = result.data as Record<string, unknown>
      idToken = typeof data.id_token === 'string' ? data.id_token : null
      return result
    })
    if (idToken === null) throw new Error('Microsoft sent no ID token: ask for the `openid` scope')
    const claims = asRecord(decodeIdToken(idToken))
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (!audience.includes(this.options.clientId)) throw new Error('the Microsoft ID token is for another client')
    return { ...tokens, idTokenClaims: claims }
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
