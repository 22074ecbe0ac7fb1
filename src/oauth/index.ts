/**
 * `fastify-users/oauth`: OAuth2 and OpenID Connect login. Provider clients for Google, GitHub,
 * Microsoft Entra ID, Discord, Apple, GitLab, LinkedIn, Facebook, Twitch, Slack (through
 * arctic) and any OpenID Connect issuer (through
 * openid-client), the flow and its state tokens, and the account logic; the routes come from
 * `fastifyUsers(…).oauthRoutes()` and `.oauthAssociateRoutes()`.
 *
 * @example
 * ```ts
 * import { GoogleOAuthClient } from 'fastify-users/oauth'
 *
 * const google = new GoogleOAuthClient({ clientId: process.env.GOOGLE_CLIENT_ID!, clientSecret: process.env.GOOGLE_CLIENT_SECRET! })
 * app.register(users.oauthRoutes(google, cookieBackend, { stateSecret: SECRET }), { prefix: '/auth/google' })
 * ```
 */
export {
  OAuthProviderError,
  type OAuthAuthorizationRequest,
  type OAuthClient,
  type OAuthCodeExchange,
  type OAuthProfile,
  type OAuthTokens,
} from './client.ts'
export { oauthAssociateCallback, oauthCallback, type OAuthAccountInput, type OAuthCallbackOptions } from './callback.ts'
export { csrfTokensMatch, OAuthCsrfCookie, type OAuthCsrfCookieOptions } from './csrf-cookie.ts'
export {
  OAuthCallbackError,
  OAuthErrorCode,
  OAuthInvalidResponseError,
  OAuthLastLoginMethodError,
  OAuthProviderRefusedError,
  OAuthProviderUnavailableError,
  OAuthUserNotVerifiedError,
} from '../errors.ts'
export { OAuthFlow, type OAuthCallbackRequest, type OAuthFinish, type OAuthFlowOptions, type OAuthStart } from './flow.ts'
export { NO_PASSWORD_HASH, hasPassword } from './no-password.ts'
export { oidcNonce } from './nonce.ts'
export { pkceChallenge, pkceVerifier } from './pkce.ts'
export { unlinkOAuthAccount } from './unlink.ts'
export { MemoryOAuthStateStore, type OAuthStateStore } from './state-store.ts'
export { OAUTH_STATE_LIFETIME_SECONDS, OAuthStateTokens, type OAuthState, type OAuthStateClaims } from './state.ts'
export type { ArcticClientOptions, ProviderClientOptions } from './providers/arctic.ts'
export { AppleOAuthClient, type AppleClientOptions } from './providers/apple.ts'
export { DiscordOAuthClient } from './providers/discord.ts'
export { FacebookOAuthClient, type FacebookClientOptions } from './providers/facebook.ts'
export { GitHubOAuthClient } from './providers/github.ts'
export { GitLabOAuthClient, type GitLabClientOptions } from './providers/gitlab.ts'
export { GoogleOAuthClient } from './providers/google.ts'
export { LinkedInOAuthClient } from './providers/linkedin.ts'
export { MicrosoftOAuthClient, type MicrosoftClientOptions } from './providers/microsoft.ts'
export { SlackOAuthClient } from './providers/slack.ts'
export { TwitchOAuthClient } from './providers/twitch.ts'
export { OpenIdConnectClient, type OpenIdClientOptions } from './providers/openid.ts'
