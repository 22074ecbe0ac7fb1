/**
 * Optional OpenID Connect login for the full example, configured by environment. Without
 * OIDC_ISSUER there are no OAuth routes at all.
 *
 * - OIDC_ISSUER: the provider's issuer URL (discovery is read from it at the first login);
 * - OIDC_CLIENT_ID, and OIDC_CLIENT_SECRET (leave it out for a public client: PKCE only);
 * - OIDC_REDIRECT_BASE_URL: this server's public URL, e.g. `https://api.example.com`; the
 *   callbacks registered at the provider are `<base>/auth/oidc/callback` and
 *   `<base>/auth/associate/oidc/callback`. Without it they are built from each request;
 * - OIDC_ASSOCIATE_BY_EMAIL: link a provider account to the user with the same (verified)
 *   email instead of refusing it (default false).
 *
 * Routes: `/auth/oidc/{authorize,callback}` log in through the bearer JWT backend, as FastAPI
 * Users' example does with Google; `/auth/associate/oidc/{authorize,callback}` link a provider
 * account to the current user. The user read model stays the base one. With the account pages,
 * `/auth/cookie/oidc/{authorize,callback}` log in through the cookie backend too, for the
 * "Log in with OpenID Connect" button of /login: the callback sets the cookie and redirects
 * (302) to `<APP_URL>/account` (with `?error=` when it refuses), the library's redirect mode.
 */
import type { FastifyInstance } from 'fastify'
import type { AuthenticationBackend, FastifyUsers } from 'fastify-users'
import { OpenIdConnectClient } from 'fastify-users/oauth'
import { ConfigError } from './config.ts'

export interface OidcConfig {
  issuer: string
  clientId: string
  clientSecret: string | null
  redirectBaseUrl: string | null
  associateByEmail: boolean
}

/** The OIDC settings, or `null` when OIDC_ISSUER is not set. */
export function readOidcConfig(env: NodeJS.ProcessEnv, production: boolean): OidcConfig | null {
  const issuer = env.OIDC_ISSUER ?? ''
  if (issuer === '') return null
  const clientId = env.OIDC_CLIENT_ID ?? ''
  if (clientId === '') throw new ConfigError('OIDC_ISSUER needs OIDC_CLIENT_ID')
  const url = parseUrl(issuer, 'OIDC_ISSUER')
  if (url.protocol !== 'https:' && production) throw new ConfigError('OIDC_ISSUER must be https:// when NODE_ENV=production')
  const redirectBaseUrl = env.OIDC_REDIRECT_BASE_URL ? parseUrl(env.OIDC_REDIRECT_BASE_URL, 'OIDC_REDIRECT_BASE_URL').origin : null
  const associate = (env.OIDC_ASSOCIATE_BY_EMAIL ?? '').toLowerCase()
  if (!['', 'true', 'false', '1', '0'].includes(associate)) throw new ConfigError('OIDC_ASSOCIATE_BY_EMAIL must be true or false')
  return {
    issuer,
    clientId,
    clientSecret: env.OIDC_CLIENT_SECRET || null,
    redirectBaseUrl,
    associateByEmail: associate === 'true' || associate === '1',
  }
}

/** Registers the OIDC login and associate routes. */
export async function registerOidc(
  app: FastifyInstance,
  users: FastifyUsers,
  backend: AuthenticationBackend,
  settings: {
    oidc: OidcConfig
    secret: string
    cookieSecure: boolean
    /** The cookie backend of the account pages, and where they are. */
    pages?: { backend: AuthenticationBackend; appUrl: string }
  },
): Promise<void> {
  const { oidc } = settings
  const client = new OpenIdConnectClient({
    issuer: oidc.issuer,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret ?? undefined,
    name: 'oidc',
    // Only a development issuer on plain HTTP gets here (readOidcConfig refuses it in production).
    allowInsecureRequests: oidc.issuer.startsWith('http:'),
  })
  const common = { stateSecret: settings.secret, csrfCookie: { secure: settings.cookieSecure } }
  const callback = (path: string) => (oidc.redirectBaseUrl === null ? undefined : `${oidc.redirectBaseUrl}${path}/callback`)
  await app.register(
    users.oauthRoutes(client, backend, { ...common, redirectUrl: callback('/auth/oidc'), associateByEmail: oidc.associateByEmail }),
    { prefix: '/auth/oidc' },
  )
  await app.register(
    users.oauthAssociateRoutes(client, { ...common, redirectUrl: callback('/auth/associate/oidc') }),
    { prefix: '/auth/associate/oidc' },
  )
  if (settings.pages) {
    await app.register(
      users.oauthRoutes(client, settings.pages.backend, {
        ...common,
        redirectUrl: callback('/auth/cookie/oidc'),
        associateByEmail: oidc.associateByEmail,
        frontendRedirectUrls: [`${settings.pages.appUrl}/account`],
      }),
      { prefix: '/auth/cookie/oidc' },
    )
  }
}

function parseUrl(value: string, name: string): URL {
  try {
    const url = new URL(value)
    if (url.protocol === 'https:' || url.protocol === 'http:') return url
  } catch {
    // Reported below.
  }
  throw new ConfigError(`${name} must be an http(s) URL, not "${value}"`)
}
