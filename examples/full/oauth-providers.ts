/**
 * The full example's OAuth providers besides OIDC_ISSUER (oidc.ts), configured by environment:
 * every provider whose `<NAME>_CLIENT_ID` and `<NAME>_CLIENT_SECRET` are set is mounted, at
 * `/auth/<name>` (login through the bearer JWT backend) and `/auth/associate/<name>` (linking),
 * side by side. docs/oauth.md has the table.
 *
 * - GOOGLE, GITHUB, MICROSOFT (+ MICROSOFT_TENANT), DISCORD, GITLAB (+ GITLAB_BASE_URL),
 *   LINKEDIN, FACEBOOK (+ FACEBOOK_TRUST_EMAIL), TWITCH, SLACK: `<NAME>_CLIENT_ID`, `<NAME>_CLIENT_SECRET`;
 * - APPLE: APPLE_CLIENT_ID (the Services ID), APPLE_TEAM_ID, APPLE_KEY_ID, APPLE_PRIVATE_KEY
 *   (the `.p8` key's PEM text) or APPLE_PRIVATE_KEY_FILE;
 * - more OpenID Connect providers: OIDC_NAMES=corp,partner, then OIDC_CORP_ISSUER,
 *   OIDC_CORP_CLIENT_ID, OIDC_CORP_CLIENT_SECRET… for each, mounted at `/auth/corp`…;
 * - OAUTH_REDIRECT_BASE_URL (else OIDC_REDIRECT_BASE_URL): this server's public URL, from which
 *   the callbacks registered at the providers are `<base>/auth/<name>/callback`;
 * - OAUTH_ASSOCIATE_BY_EMAIL (else OIDC_ASSOCIATE_BY_EMAIL): link a sign-in to the verified user
 *   of the same verified email.
 */
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { AuthenticationBackend, FastifyUsers, OAuthClient } from 'fastify-users'
import {
  AppleOAuthClient,
  DiscordOAuthClient,
  FacebookOAuthClient,
  GitHubOAuthClient,
  GitLabOAuthClient,
  GoogleOAuthClient,
  LinkedInOAuthClient,
  MicrosoftOAuthClient,
  OpenIdConnectClient,
  SlackOAuthClient,
  TwitchOAuthClient,
  type ProviderClientOptions,
} from 'fastify-users/oauth'
import { ConfigError } from './config.ts'

type Env = NodeJS.ProcessEnv

/** Providers that take a client id and secret, by the prefix of their variables. */
const SECRET_PROVIDERS: Record<string, (credentials: ProviderClientOptions, env: Env) => OAuthClient> = {
  GOOGLE: (credentials) => new GoogleOAuthClient(credentials),
  GITHUB: (credentials) => new GitHubOAuthClient(credentials),
  MICROSOFT: (credentials, env) => new MicrosoftOAuthClient({ ...credentials, tenant: env.MICROSOFT_TENANT || undefined }),
  DISCORD: (credentials) => new DiscordOAuthClient(credentials),
  GITLAB: (credentials, env) => new GitLabOAuthClient({ ...credentials, baseUrl: env.GITLAB_BASE_URL || undefined }),
  LINKEDIN: (credentials) => new LinkedInOAuthClient(credentials),
  FACEBOOK: (credentials, env) => new FacebookOAuthClient({ ...credentials, trustEmail: flag(env.FACEBOOK_TRUST_EMAIL, 'FACEBOOK_TRUST_EMAIL') }),
  TWITCH: (credentials) => new TwitchOAuthClient(credentials),
  SLACK: (credentials) => new SlackOAuthClient(credentials),
}

export interface OAuthProvidersConfig {
  clients: OAuthClient[]
  redirectBaseUrl: string | null
  associateByEmail: boolean
}

/** The providers the environment configures (none by default). */
export function readOAuthProviders(env: Env, production: boolean): OAuthProvidersConfig {
  const clients: OAuthClient[] = []
  for (const [prefix, create] of Object.entries(SECRET_PROVIDERS)) {
    const clientId = env[`${prefix}_CLIENT_ID`] ?? ''
    const clientSecret = env[`${prefix}_CLIENT_SECRET`] ?? ''
    if (clientId === '' && clientSecret === '') continue
    if (clientId === '' || clientSecret === '') throw new ConfigError(`${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET go together`)
    clients.push(create({ clientId, clientSecret }, env))
  }
  const apple = readApple(env)
  if (apple !== null) clients.push(apple)
  for (const name of (env.OIDC_NAMES ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    clients.push(readNamedOidc(env, name, production))
  }
  const base = env.OAUTH_REDIRECT_BASE_URL || env.OIDC_REDIRECT_BASE_URL || ''
  return {
    clients,
    redirectBaseUrl: base === '' ? null : httpUrl(base, 'OAUTH_REDIRECT_BASE_URL').origin,
    associateByEmail: flag(env.OAUTH_ASSOCIATE_BY_EMAIL ?? env.OIDC_ASSOCIATE_BY_EMAIL, 'OAUTH_ASSOCIATE_BY_EMAIL'),
  }
}

/** Mounts each provider's login and associate routers, and the account list of `/users/me` when there is any. */
export async function registerOAuthProviders(
  app: FastifyInstance,
  users: FastifyUsers,
  backend: AuthenticationBackend,
  settings: { providers: OAuthProvidersConfig; secret: string; cookieSecure: boolean },
): Promise<void> {
  const { clients, redirectBaseUrl, associateByEmail } = settings.providers
  const common = { stateSecret: settings.secret, csrfCookie: { secure: settings.cookieSecure } }
  const callback = (path: string) => (redirectBaseUrl === null ? undefined : `${redirectBaseUrl}${path}/callback`)
  for (const client of clients) {
    const login = `/auth/${client.name}`
    const associate = `/auth/associate/${client.name}`
    await app.register(users.oauthRoutes(client, backend, { ...common, redirectUrl: callback(login), associateByEmail }), { prefix: login })
    await app.register(users.oauthAssociateRoutes(client, { ...common, redirectUrl: callback(associate) }), { prefix: associate })
  }
}

function readApple(env: Env): OAuthClient | null {
  const clientId = env.APPLE_CLIENT_ID ?? ''
  if (clientId === '') return null
  const { APPLE_TEAM_ID: teamId, APPLE_KEY_ID: keyId } = env
  const privateKey = env.APPLE_PRIVATE_KEY || (env.APPLE_PRIVATE_KEY_FILE ? readFileSync(env.APPLE_PRIVATE_KEY_FILE, 'utf8') : '')
  if (!teamId || !keyId || privateKey === '') {
    throw new ConfigError('APPLE_CLIENT_ID needs APPLE_TEAM_ID, APPLE_KEY_ID and APPLE_PRIVATE_KEY (or APPLE_PRIVATE_KEY_FILE)')
  }
  return new AppleOAuthClient({ clientId, teamId, keyId, privateKey })
}

function readNamedOidc(env: Env, name: string, production: boolean): OAuthClient {
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) throw new ConfigError(`OIDC_NAMES: "${name}" must be lower-case letters, digits and -`)
  const prefix = `OIDC_${name.toUpperCase().replaceAll('-', '_')}`
  const issuer = env[`${prefix}_ISSUER`] ?? ''
  const clientId = env[`${prefix}_CLIENT_ID`] ?? ''
  if (issuer === '' || clientId === '') throw new ConfigError(`OIDC_NAMES names "${name}": set ${prefix}_ISSUER and ${prefix}_CLIENT_ID`)
  const url = httpUrl(issuer, `${prefix}_ISSUER`)
  if (url.protocol !== 'https:' && production) throw new ConfigError(`${prefix}_ISSUER must be https:// when NODE_ENV=production`)
  return new OpenIdConnectClient({
    name,
    issuer,
    clientId,
    clientSecret: env[`${prefix}_CLIENT_SECRET`] || undefined,
    requireIdToken: true,
    allowInsecureRequests: url.protocol === 'http:',
  })
}

function flag(value: string | undefined, name: string): boolean {
  const text = (value ?? '').toLowerCase()
  if (!['', 'true', 'false', '1', '0'].includes(text)) throw new ConfigError(`${name} must be true or false`)
  return text === 'true' || text === '1'
}

function httpUrl(value: string, name: string): URL {
  try {
    const url = new URL(value)
    if (url.protocol === 'https:' || url.protocol === 'http:') return url
  } catch {
    // Reported below.
  }
  throw new ConfigError(`${name} must be an http(s) URL, not "${value}"`)
}
