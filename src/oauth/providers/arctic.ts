/**
 * What the clients of well-known providers share: their options, and arctic's tokens and
 * errors in the terms of `OAuthClient`. arctic holds each provider's endpoints and sends its
 * requests with the global `fetch`.
 */
import { OAuth2RequestError, type OAuth2Tokens } from 'arctic'
import { expiresAtFrom, OAuthProviderError, type OAuthTokens } from '../client.ts'

export interface ProviderClientOptions {
  clientId: string
  clientSecret: string
  /** Names the routes and fills `oauth_name`; defaults to the provider's name (`google`…). */
  name?: string
  /** Scopes asked for when `/authorize` names none. */
  scopes?: string[]
}

/**
 * Runs an arctic code exchange; a refusal by the provider becomes an `OAuthProviderError`.
 *
 * @example
 * const tokens = await arcticTokens(() => google.validateAuthorizationCode(code, verifier))
 */
export async function arcticTokens(exchange: () => Promise<OAuth2Tokens>): Promise<OAuthTokens> {
  let tokens: OAuth2Tokens
  try {
    tokens = await exchange()
  } catch (error) {
    if (error instanceof OAuth2RequestError) throw new OAuthProviderError(error.code, { cause: error })
    throw error
  }
  const data = tokens.data as Record<string, unknown>
  return {
    accessToken: tokens.accessToken(),
    expiresAt: expiresAtFrom(data.expires_in),
    refreshToken: typeof data.refresh_token === 'string' ? data.refresh_token : null,
    idTokenClaims: null,
  }
}
