/**
 * Any OpenID Connect provider, by its issuer URL, through openid-client: the endpoints come from
 * the issuer's discovery document (fetched at the first use, and again after a failure, so
 * that a provider that is down at start-up does not keep the server from starting).
 *
 * openid-client checks the authorization response (`state`, and `iss` where the provider
 * advertises it, RFC 9207: then a missing or foreign `iss` is refused, which defeats mix-up
 * attacks), sends the PKCE verifier, and validates the ID token (signature, issuer, audience,
 * expiry). Whenever the scopes ask for an ID token (`openid`), the request carries the flow's
 * `nonce` and the token response must hold an ID token carrying it: an OpenID provider always
 * issues one, so a response without is refused rather than trusted on user info alone.
 * `requireIdToken` adds `openid` to any scopes that lack it, so that no login goes without.
 *
 * The profile is the ID token's `sub` and the user-info endpoint's `email` and
 * `email_verified` (whose `sub` must be the same), else the ID token's own claims. Only
 * `email_verified: true` counts.
 */
import type * as OpenIdClient from 'openid-client'
import { importOptional } from '../../optional-dependency.ts'
import {
  checkClientName,
  expiresAtFrom,
  OAuthProviderError,
  type OAuthAuthorizationRequest,
  type OAuthClient,
  type OAuthCodeExchange,
  type OAuthProfile,
  type OAuthTokens,
} from '../client.ts'
import { pkceChallenge } from '../pkce.ts'
import { accountIdOf, stringOrNull } from './user-info.ts'

export interface OpenIdClientOptions {
  /** The issuer identifier, e.g. `https://accounts.example.com/realms/main`. */
  issuer: string
  clientId: string
  /** Omit for a public client (PKCE only). */
  clientSecret?: string
  /** How the secret reaches the token endpoint; `client_secret_basic` by default. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post'
  /** Names the routes and fills `oauth_name`; default `openid`. */
  name?: string
  /** Default `openid email profile`. */
  scopes?: string[]
  /** Allow `http://` issuers: for local development and tests only. */
  allowInsecureRequests?: boolean
  /** Always ask for `openid`, so that every login carries a validated ID token. Default false. */
  requireIdToken?: boolean
}

export class OpenIdConnectClient implements OAuthClient {
  readonly name: string
  readonly pkce = true
  readonly #options: OpenIdClientOptions
  #configuration: Promise<OpenIdClient.Configuration> | null = null

  /**
   * @example
   * const oidcClient = new OpenIdConnectClient({ issuer: process.env.OIDC_ISSUER, clientId, clientSecret, name: 'oidc' })
   */
  constructor(options: OpenIdClientOptions) {
    this.name = checkClientName(options.name ?? 'openid')
    this.#options = options
  }

  async authorizationUrl(request: OAuthAuthorizationRequest): Promise<string> {
    const scopes = this.#scopes(request.scopes)
    const oidc = await loadOpenIdClient()
    const parameters: Record<string, string> = {
      redirect_uri: request.redirectUri,
      scope: scopes.join(' '),
      state: request.state,
      code_challenge: pkceChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
    }
    if (scopes.includes('openid')) parameters.nonce = request.nonce
    return oidc.buildAuthorizationUrl(await this.#config(), parameters).toString()
  }

  async exchangeCode(exchange: OAuthCodeExchange): Promise<OAuthTokens> {
    const oidc = await loadOpenIdClient()
    const config = await this.#config()
    const currentUrl = new URL(exchange.redirectUri)
    currentUrl.search = exchange.callbackParams.toString()
    // The nonce is expected exactly when it was sent: when the request asked for `openid`.
    const askedOpenId = this.#scopes(exchange.scopes).includes('openid')
    let response: Awaited<ReturnType<typeof OpenIdClient.authorizationCodeGrant>>
    try {
      response = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: exchange.codeVerifier,
        expectedState: exchange.state,
        expectedNonce: askedOpenId ? exchange.nonce : undefined,
      })
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError) throw new OAuthProviderError(error.error, { cause: error })
      throw error
    }
    const claims = response.claims()
    return {
      accessToken: response.access_token,
      expiresAt: expiresAtFrom(response.expires_in),
      refreshToken: response.refresh_token ?? null,
      idTokenClaims: claims ? { ...claims } : null,
    }
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const oidc = await loadOpenIdClient()
    const config = await this.#config()
    const fromIdToken = tokens.idTokenClaims ?? {}
    const subject = stringOrNull(fromIdToken.sub)
    const claims: Record<string, unknown> = config.serverMetadata().userinfo_endpoint
      ? { ...(await oidc.fetchUserInfo(config, tokens.accessToken, subject ?? oidc.skipSubjectCheck)) }
      : fromIdToken
    return {
      accountId: accountIdOf(subject ?? claims.sub, 'OpenID Connect `sub`'),
      email: stringOrNull(claims.email),
      emailVerified: claims.email_verified === true,
    }
  }

  #scopes(requested: string[] | null): string[] {
    const scopes = requested ?? this.#options.scopes ?? ['openid', 'email', 'profile']
    return this.#options.requireIdToken && !scopes.includes('openid') ? ['openid', ...scopes] : scopes
  }

  #config(): Promise<OpenIdClient.Configuration> {
    if (this.#configuration === null) {
      this.#configuration = loadOpenIdClient().then((oidc) => this.#discover(oidc))
      // Forget a failed discovery, so that the next request tries again.
      this.#configuration.catch(() => {
        this.#configuration = null
      })
    }
    return this.#configuration
  }

  #discover(oidc: typeof OpenIdClient): Promise<OpenIdClient.Configuration> {
    const { issuer, clientId, clientSecret, tokenEndpointAuthMethod, allowInsecureRequests } = this.#options
    const authentication = clientSecret === undefined
      ? oidc.None()
      : tokenEndpointAuthMethod === 'client_secret_post'
        ? oidc.ClientSecretPost(clientSecret)
        : oidc.ClientSecretBasic(clientSecret)
    return oidc.discovery(new URL(issuer), clientId, undefined, authentication, {
      execute: allowInsecureRequests ? [oidc.allowInsecureRequests] : [],
    })
  }
}

/** openid-client is an optional peer dependency: only this client needs it. */
function loadOpenIdClient(): Promise<typeof OpenIdClient> {
  return importOptional('openid-client', 'OpenIdConnectClient', () => import('openid-client'))
}
