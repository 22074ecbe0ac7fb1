/**
 * Sign in with Apple (arctic's `Apple`, which signs the client secret, an ES256 JWT, with the
 * team's key; no PKCE). Apple has no user-info endpoint: the profile is the ID token of the
 * token response, issued by `https://appleid.apple.com` to this client with the flow's nonce
 * (every request carries one, since Apple always issues an ID token); its `email_verified`
 * (`true` or `"true"`) is Apple's word on the address, relay addresses included.
 *
 * Apple sends the browser back with a form POST (`response_mode=form_post`, which it requires
 * when the `email` or `name` scope is asked for): the routers then serve `POST /callback` too.
 */
import { Apple } from 'arctic'
import type { OAuthProfile, OAuthTokens } from '../client.ts'
import { OAuthInvalidResponseError } from '../../errors.ts'
import { ArcticClient, withoutPkce, type ArcticClientOptions, type ArcticProvider } from './arctic.ts'
import { accountIdOf, stringOrNull } from './user-info.ts'

export const APPLE_ISSUER = 'https://appleid.apple.com'

export interface AppleClientOptions extends ArcticClientOptions {
  /** The Services ID (`com.example.web`). */
  clientId: string
  teamId: string
  /** The id of the Sign in with Apple key. */
  keyId: string
  /** The key's `.p8` file: PKCS#8, PEM. */
  privateKey: string
}

export class AppleOAuthClient extends ArcticClient<AppleClientOptions> {
  readonly pkce = false
  readonly responseMode = 'form_post'
  readonly #key: Uint8Array

  /**
   * @example
   * const apple = new AppleOAuthClient({ clientId: 'com.example.web', teamId, keyId, privateKey: readFileSync('AuthKey.p8', 'utf8') })
   */
  constructor(options: AppleClientOptions) {
    super(options, { name: 'apple', scopes: ['name', 'email'] })
    this.#key = pemBytes(options.privateKey)
  }

  async profile(tokens: OAuthTokens): Promise<OAuthProfile> {
    const claims = tokens.idTokenClaims ?? {}
    if (claims.iss !== APPLE_ISSUER) throw new OAuthInvalidResponseError('the Apple ID token has another issuer')
    return {
      accountId: accountIdOf(claims.sub, 'Apple ID token `sub`'),
      email: stringOrNull(claims.email),
      emailVerified: claims.email_verified === true || claims.email_verified === 'true',
    }
  }

  protected override idTokenExpected(): boolean {
    return true
  }

  protected override addAuthorizationParameters(url: URL): void {
    url.searchParams.set('response_mode', 'form_post')
  }

  protected provider(redirectUri: string): ArcticProvider {
    const { clientId, teamId, keyId } = this.options
    return withoutPkce(new Apple(clientId, teamId, keyId, this.#key, redirectUri))
  }
}

/** The DER bytes of a PEM block. */
function pemBytes(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '')
  if (body === '') throw new TypeError('AppleOAuthClient: privateKey is not a PEM key')
  return new Uint8Array(Buffer.from(body, 'base64'))
}
