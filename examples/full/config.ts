/**
 * The full example's configuration, from the environment (names shared with the conformance
 * suite and CI). A production deployment must bring its own long secret; a development one
 * gets a random secret and a warning.
 */
import { randomBytes } from 'node:crypto'
import { normalizeEmail } from 'fastify-users'
import { readOAuthProviders, type OAuthProvidersConfig } from './oauth-providers.ts'
import { readOidcConfig, type OidcConfig } from './oidc.ts'

export interface Config {
  port: number
  host: string
  databaseUrl: string
  /**
   * DATABASE_READ_URL: a read replica of DATABASE_URL (PostgreSQL or MySQL/MariaDB) for the reads
   * that tolerate lag (a superuser's `GET /users/{id}`); `null`: every read goes to DATABASE_URL.
   */
  databaseReadUrl: string | null
  secret: string
  jwtLifetime: number
  cookieSecure: boolean
  outboxFile: string | null
  /** DOCS: the OpenAPI document at /docs/json and Swagger UI at /docs (default on; `off` hides both). */
  docs: boolean
  superuser: { email: string; password: string } | null
  production: boolean
  /** OIDC_ISSUER and friends: an optional OpenID Connect login (see oidc.ts); `null` without OIDC_ISSUER. */
  oidc: OidcConfig | null
  /** `<NAME>_CLIENT_ID`/`_SECRET` of the other providers, and OIDC_NAMES (see oauth-providers.ts). */
  oauthProviders: OAuthProvidersConfig
  /** AUTH_STRATEGY: how access tokens work (default `jwt`). */
  authStrategy: AuthStrategyName
  /** REDIS_URL: shared session state (JWT logouts, or the tokens of `redis`); none by default. */
  redisUrl: string | null
  /** REDIS_CLUSTER_NODES (`host:port,host:port,…`): a Redis Cluster instead of REDIS_URL. */
  redisClusterNodes: string[] | null
  /** REDIS_SENTINELS (`host:port,…`) and REDIS_SENTINEL_NAME: a Sentinel-managed Redis instead of REDIS_URL. */
  redisSentinel: { sentinels: string[]; name: string } | null
  /** REDIS_KEY_PREFIX: prepended to every Redis key of the example (default none). */
  redisKeyPrefix: string
  /**
   * AUTH_CACHE: the in-process cache of users and revocation state on the authenticated path,
   * invalidated across instances by Redis pub/sub or PostgreSQL LISTEN/NOTIFY (default off).
   */
  authCache: boolean
  /** REFRESH_LIFETIME: seconds; enables refresh tokens on both backends (default off). */
  refreshLifetime: number | null
  /**
   * RATE_LIMIT: requests per minute per client address for each rate-limited action, or `off`;
   * the library's defaults when unset. For load tests (`npm run bench`), never `off` in production.
   */
  rateLimit: number | 'off' | null
  /**
   * SMTP_URL (`smtp://user:password@host:587`): send the verification and reset links and the
   * account notices by mail, from MAIL_FROM, with links to APP_URL (the front end); `null`
   * without SMTP_URL (the outbox file and the log serve in development).
   */
  mail: { smtpUrl: string; from: string; appUrl: string } | null
  /**
   * PASSKEYS (default off): passkey registration and login (docs/passkeys.md), for the pages
   * at APP_URL: its host is the relying party id (PASSKEY_RP_ID overrides it) and its origin
   * the one allowed; `null` when off.
   */
  passkeys: { rpID: string; origins: string[] } | null
  /**
   * USERNAMES: `on` (or `optional`) gives users an optional username they may log in with
   * instead of the email, `required` makes it mandatory at registration; `off` (the default)
   * keeps FastAPI Users' models exactly (docs/usernames.md).
   */
  usernames: 'off' | 'optional' | 'required'
  /**
   * TWO_FACTOR_KEY (32 characters or more, kept apart from the database): TOTP two-factor at
   * /auth/2fa, and the code step of logins (docs/two-factor.md); `null` (the default): off.
   */
  twoFactor: { encryptionKey: string } | null
  /**
   * EMAIL_CHANGE (default off): a new address takes effect only from the link mailed to it
   * (APP_URL/confirm-email?token=…, docs/email-change.md); off, `PATCH /users/me` changes it at
   * once, as in FastAPI Users.
   */
  emailChange: boolean
  /**
   * API_KEYS (default off): users create API keys at `/users/me/api-keys`, and a key
   * (`X-API-Key: fuk_…` or `Authorization: Bearer fuk_…`) authenticates the app's own routes
   * (docs/api-keys.md).
   */
  apiKeys: boolean
  /** PAGES: the account pages (/login, /register, /account…; see pages.ts); default on, `off` leaves the API alone. */
  pages: boolean
  /**
   * APP_URL: where people open the pages, for the mailed links and the OAuth return
   * (default `http://HOST:PORT`).
   */
  appUrl: string
}

export type AuthStrategyName = 'jwt' | 'database' | 'redis'

/** A configuration that cannot start the server; the message says what to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

export function readConfig(env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = console.warn): Config {
  const production = env.NODE_ENV === 'production'
  let secret = env.SECRET ?? ''
  if (secret.length < 32) {
    if (production) {
      throw new ConfigError('SECRET must be set to at least 32 characters when NODE_ENV=production (e.g. `openssl rand -base64 48`)')
    }
    if (secret !== '') warn('SECRET is shorter than 32 characters; use a longer one in production.')
    else {
      secret = randomBytes(32).toString('base64url')
      warn('SECRET is not set: using a random development secret; tokens will not survive a restart.')
    }
  }
  const superuserEmail = env.SUPERUSER_EMAIL ?? ''
  const superuserPassword = env.SUPERUSER_PASSWORD ?? ''
  if ((superuserEmail === '') !== (superuserPassword === '')) {
    throw new ConfigError('SUPERUSER_EMAIL and SUPERUSER_PASSWORD go together: set both or neither')
  }
  const email = superuserEmail === '' ? null : normalizeEmail(superuserEmail)
  if (superuserEmail !== '' && email === null) throw new ConfigError(`SUPERUSER_EMAIL is not a valid address: "${superuserEmail}"`)
  // The outbox holds live reset and verification tokens in clear: anyone who reads the file can
  // take over the accounts. Production refuses it unless the deployment says it means it (CI
  // runs the conformance suite against a production build, which reads its tokens there).
  if (production && env.OUTBOX_FILE && !boolean(env.OUTBOX_FILE_IN_PRODUCTION, false, 'OUTBOX_FILE_IN_PRODUCTION')) {
    throw new ConfigError('OUTBOX_FILE writes reset and verification tokens in clear: refused when NODE_ENV=production (set OUTBOX_FILE_IN_PRODUCTION=true only for a test deployment)')
  }
  const authStrategy = (env.AUTH_STRATEGY || 'jwt') as AuthStrategyName
  if (!['jwt', 'database', 'redis'].includes(authStrategy)) {
    throw new ConfigError(`AUTH_STRATEGY must be jwt, database or redis, not "${authStrategy}"`)
  }
  // ioredis puts the prefix before every key: a brace in it would become every key's hash tag.
  if (/[{}]/.test(env.REDIS_KEY_PREFIX ?? '')) throw new ConfigError('REDIS_KEY_PREFIX cannot contain "{" or "}"')
  const redisClusterNodes = list(env.REDIS_CLUSTER_NODES)
  const redisSentinels = list(env.REDIS_SENTINELS)
  if ([env.REDIS_URL || null, redisClusterNodes, redisSentinels].filter((given) => given !== null).length > 1) {
    throw new ConfigError('REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS are alternatives: set one of them')
  }
  if ((redisSentinels === null) !== !env.REDIS_SENTINEL_NAME) {
    throw new ConfigError('REDIS_SENTINELS and REDIS_SENTINEL_NAME go together: set both or neither')
  }
  if (authStrategy === 'redis' && !env.REDIS_URL && redisClusterNodes === null && redisSentinels === null) {
    throw new ConfigError('AUTH_STRATEGY=redis needs REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS')
  }
  const databaseUrl = env.DATABASE_URL || 'sqlite://./users.db'
  if (env.DATABASE_READ_URL && !/^(postgres(ql)?|mysql|mariadb):\/\//i.test(databaseUrl)) {
    throw new ConfigError('DATABASE_READ_URL needs a PostgreSQL or MySQL/MariaDB DATABASE_URL')
  }
  const appUrl = (env.APP_URL || `http://${env.HOST || '127.0.0.1'}:${env.PORT || 8000}`).replace(/\/$/, '')
  return {
    port: integer(env.PORT, 8000, 'PORT'),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    databaseReadUrl: env.DATABASE_READ_URL || null,
    secret,
    jwtLifetime: integer(env.JWT_LIFETIME, 3600, 'JWT_LIFETIME'),
    cookieSecure: boolean(env.COOKIE_SECURE, true, 'COOKIE_SECURE'),
    outboxFile: env.OUTBOX_FILE || null,
    docs: boolean(env.DOCS, true, 'DOCS'),
    superuser: email === null ? null : { email, password: superuserPassword },
    production,
    oidc: readOidcConfig(env, production),
    oauthProviders: readOAuthProviders(env, production),
    authStrategy,
    redisUrl: env.REDIS_URL || null,
    redisClusterNodes,
    redisSentinel: redisSentinels === null ? null : { sentinels: redisSentinels, name: env.REDIS_SENTINEL_NAME! },
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? '',
    authCache: boolean(env.AUTH_CACHE, false, 'AUTH_CACHE'),
    refreshLifetime: env.REFRESH_LIFETIME ? integer(env.REFRESH_LIFETIME, 0, 'REFRESH_LIFETIME') : null,
    rateLimit: env.RATE_LIMIT === 'off' ? 'off' : env.RATE_LIMIT ? integer(env.RATE_LIMIT, 0, 'RATE_LIMIT') : null,
    mail: env.SMTP_URL
      ? {
          smtpUrl: env.SMTP_URL,
          from: env.MAIL_FROM || 'fastify-users example <no-reply@localhost>',
          appUrl,
        }
      : null,
    pages: boolean(env.PAGES, true, 'PAGES'),
    passkeys: boolean(env.PASSKEYS, false, 'PASSKEYS')
      ? { rpID: env.PASSKEY_RP_ID || new URL(appUrl).hostname, origins: [new URL(appUrl).origin] }
      : null,
    usernames: usernameMode(env.USERNAMES),
    twoFactor: twoFactorKey(env.TWO_FACTOR_KEY),
    emailChange: boolean(env.EMAIL_CHANGE, false, 'EMAIL_CHANGE'),
    apiKeys: boolean(env.API_KEYS, false, 'API_KEYS'),
    appUrl,
  }
}

function usernameMode(value: string | undefined): Config['usernames'] {
  if (value === undefined || value === '' || /^(off|false|0|no)$/i.test(value)) return 'off'
  if (/^(on|true|1|yes|optional)$/i.test(value)) return 'optional'
  if (/^required$/i.test(value)) return 'required'
  throw new ConfigError(`USERNAMES must be on, off or required, not "${value}"`)
}

function twoFactorKey(value: string | undefined): Config['twoFactor'] {
  if (value === undefined || value === '') return null
  if (value.length < 32) throw new ConfigError('TWO_FACTOR_KEY must be at least 32 characters (e.g. `openssl rand -base64 48`)')
  return { encryptionKey: value }
}

/** A comma-separated list, `null` when unset or empty. */
function list(value: string | undefined): string[] | null {
  const items = (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '')
  return items.length === 0 ? null : items
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback
  const parsed = Number(value)
  if (!Number.isSafeInteger(parsed) || parsed <= 0) throw new ConfigError(`${name} must be a positive whole number, not "${value}"`)
  return parsed
}

function boolean(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback
  if (/^(true|1|yes|on)$/i.test(value)) return true
  if (/^(false|0|no|off)$/i.test(value)) return false
  throw new ConfigError(`${name} must be true or false, not "${value}"`)
}
