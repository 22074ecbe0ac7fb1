/**
 * FastAPI Users' "full example", in fastify-users: a bearer JWT backend at /auth/jwt, a cookie
 * JWT backend at /auth/cookie, register, reset-password and verify at /auth, users at /users,
 * Swagger UI at /docs (unless DOCS=off), the OpenAPI document at /openapi.json (and /docs/json), a
 * protected route, health endpoints at /health and /health/ready, the account pages (/login,
 * /register, /account…) and the admin console (/admin, roles from roles.ts; PAGES=off removes
 * them), passkeys with PASSKEYS=on (/auth/passkey, /users/me/passkeys), TOTP two-factor with
 * TWO_FACTOR_KEY (/auth/2fa, and each backend's /2fa/verify), verified email changes with
 * EMAIL_CHANGE (/auth/email-change/confirm), API keys with API_KEYS=on (/users/me/api-keys; a
 * key opens /authenticated-route), and FastAPI's 404 body
 * for any other path. Beyond FastAPI Users, new paths only: the user list, bans and roles of
 * superusers at /users.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyInstance } from 'fastify'
import {
  ApiKeyTransport,
  AuthenticationBackend,
  BearerTransport,
  CookieTransport,
  Mailer,
  PasswordHelper,
  ensureSuperuser,
  fastifyUsers,
  type EmailChangeMessage,
  type User,
  notFoundHandler,
  withNamedSchemas,
  smtpTransport,
} from 'fastify-users'
import { RedisRateLimitStore } from 'fastify-users/redis'
import { ConfigError, type Config } from './config.ts'
import { openExampleStore, type ExampleStore } from './database.ts'
import { exampleErrorHandler } from './errors.ts'
import { healthRoutes } from './health.ts'
import { fileOutbox } from './outbox.ts'
import { registerOAuthProviders } from './oauth-providers.ts'
import { registerOidc } from './oidc.ts'
import { adminFeaturesRoute } from './admin-features.ts'
import { pageRoutes } from './pages.ts'
import { exampleRoles } from './roles.ts'
import { buildSessions } from './sessions.ts'
import { securityHeaders } from './security-headers.ts'

/** The example's server; `given` replaces the database of DATABASE_URL (examples/drizzle passes its own). */
export async function buildApp(config: Config, given?: ExampleStore): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: process.env.LOG_LEVEL ?? 'info',
      // Query strings stay out of the log: an OAuth callback's carries a code and a state.
      serializers: { req: (request) => ({ method: request.method, url: request.url.split('?')[0], remoteAddress: request.ip }) },
    },
  })
  securityHeaders(app, { production: config.production })
  exampleErrorHandler(app)
  const store = given ?? (await openExampleStore(config.databaseUrl, config.databaseReadUrl))
  app.addHook('onClose', () => store.destroy())

  // JWT by default; AUTH_STRATEGY, REDIS_URL and REFRESH_LIFETIME change it (see sessions.ts).
  const { strategy, refresh, redis, users: userDb, sessions } = await buildSessions(config, store, app)
  const bearer = new AuthenticationBackend({
    name: 'jwt',
    transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }),
    strategy,
    refresh,
  })
  const cookie = new AuthenticationBackend({
    name: 'cookie',
    transport: new CookieTransport({ cookieMaxAge: config.jwtLifetime, cookieSecure: config.cookieSecure }),
    strategy,
    refresh,
  })

  const outbox = config.outboxFile ? fileOutbox(config.outboxFile) : null
  // As in FastAPI Users' example, the hooks print what a real app would mail; never in production.
  const showToken = (message: string) => {
    if (!config.production) app.log.info(message)
  }
  const passwordHelper = new PasswordHelper()
  const mail = config.mail
  const mailer =
    mail === null
      ? null
      : new Mailer({
          transport: await smtpTransport(mail.smtpUrl),
          from: mail.from,
          appName: 'fastify-users example',
          links: {
            verify: (token) => `${mail.appUrl}/verify?token=${encodeURIComponent(token)}`,
            resetPassword: (token) => `${mail.appUrl}/reset-password?token=${encodeURIComponent(token)}`,
          },
          onError: (error, kind) => app.log.warn(`the ${kind} mail could not be sent: ${(error as Error).message}`),
        })
  if (config.passkeys !== null && store.passkeys === null) throw new ConfigError('PASSKEYS=on needs a database with passkey tables (SQL or MongoDB)')
  const passkeys = config.passkeys === null || store.passkeys === null
    ? undefined
    : { ...config.passkeys, store: store.passkeys, rpName: 'fastify-users example' }
  // The confirmation link goes to the new address (with SMTP, as the verify mail: it proves the
  // address); the current one hears of the change when it is made, through the mailer's notice.
  const sendEmailChange = async (message: EmailChangeMessage<User>) => {
    if (message.kind !== 'confirm') return
    showToken(`Email change requested for user ${message.user.id}. Confirmation token: ${message.token}`)
    await outbox?.('email_change', message.email, message.token)
    await mailer?.send('verify', message.email, { user: { ...message.user, email: message.email }, link: `${config.appUrl}/confirm-email?token=${encodeURIComponent(message.token)}` })
  }
  if (config.twoFactor !== null && store.twoFactor === null) throw new ConfigError('TWO_FACTOR_KEY needs a database with two-factor tables (SQL or MongoDB)')
  const twoFactor = config.twoFactor === null || store.twoFactor === null
    ? undefined
    : { store: store.twoFactor, encryptionKey: config.twoFactor.encryptionKey, issuer: 'fastify-users example' }
  if (config.apiKeys && store.apiKeys === null) throw new ConfigError('API_KEYS=on needs a database with an API key table (SQL or MongoDB)')
  const users = fastifyUsers({
    db: userDb,
    backends: [bearer, cookie],
    roles: exampleRoles,
    passkeys,
    twoFactor,
    // API_KEYS: personal API keys for scripts, accepted by the app's routes (off by default).
    ...(config.apiKeys && store.apiKeys !== null ? { apiKeys: { store: store.apiKeys } } : {}),
    // USERNAMES: a username beside the email, to log in with either (off by default).
    ...(config.usernames === 'off' ? {} : { usernames: { required: config.usernames === 'required' } }),
    // EMAIL_CHANGE: the new address must be confirmed from the link mailed to it (docs/email-change.md).
    ...(config.emailChange ? { emailChange: { send: sendEmailChange } } : {}),
    // Users list and end their sessions (GET /users/me/sessions): new routes only (docs/sessions.md).
    ...(sessions === null ? {} : { sessions: { store: sessions } }),
    // Security events kept a year for the admin console (GET /users/{id}/events, docs/audit-log.md).
    ...(store.audit === null ? {} : { audit: { store: store.audit, retentionDays: 365 } }),
    // With a Redis, every instance counts attempts in it: N instances limit as one.
    security: {
      ...(redis === null ? {} : { store: new RedisRateLimitStore(redis) }),
      ...(config.rateLimit === null ? {} : { rateLimit: rateLimits(config.rateLimit) }),
    },
    manager: {
      resetPasswordTokenSecret: config.secret,
      verificationTokenSecret: config.secret,
      passwordHelper,
      ...(mailer === null ? {} : { mailer }),
      onAfterRegister: (user) => {
        app.log.info(`User ${user.id} has registered.`)
      },
      onAfterForgotPassword: async (user, token) => {
        showToken(`User ${user.id} has forgot their password. Reset token: ${token}`)
        await outbox?.('forgot_password', user.email, token)
      },
      onAfterRequestVerify: async (user, token) => {
        showToken(`Verification requested for user ${user.id}. Verification token: ${token}`)
        await outbox?.('request_verify', user.email, token)
      },
    },
  })

  const apiKeys = users.apiKeyBackend
  // Its schemes: the `X-API-Key` header, and the bearer form of a key.
  const apiKeyTransport = new ApiKeyTransport()
  if (config.docs) {
    await app.register(swagger, {
      openapi: {
        info: { title: 'fastify-users full example', version: '1.0.0' },
        components: {
          securitySchemes: {
            jwt: bearer.transport.securityScheme(),
            cookie: cookie.transport.securityScheme(),
            ...(apiKeys === null ? {} : { [apiKeys.name]: apiKeyTransport.securityScheme(), api_key_bearer: apiKeyTransport.bearerSecurityScheme() }),
          },
        },
      },
      // UserRead, ErrorModel… as named components, for code generators.
      transformObject: (documents) => ('openapiObject' in documents ? withNamedSchemas(documents.openapiObject) : documents.swaggerObject),
    })
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      // Swagger UI's own policy, with the hashes of its inline scripts; upgrading requests to
      // HTTPS would break it on a plain-HTTP development server.
      staticCSP: true,
      transformStaticCSP: (header) => (config.production ? header : header.replace(/\s*upgrade-insecure-requests;?/, '')),
    })
  }

  await app.register(users.authRoutes(bearer), { prefix: '/auth/jwt' })
  await app.register(users.authRoutes(cookie), { prefix: '/auth/cookie' })
  await app.register(users.registerRoutes(), { prefix: '/auth' })
  await app.register(users.resetPasswordRoutes(), { prefix: '/auth' })
  await app.register(users.verifyRoutes(), { prefix: '/auth' })
  // New routes only (the list, bans, roles, sessions): `GET /users/me` stays FastAPI Users' user object.
  await app.register(users.usersRoutes({
    list: true, bans: true, rolesInMe: false, sessions: sessions !== null, events: store.audit !== null, apiKeys: apiKeys !== null,
  }), { prefix: '/users' })
  if (passkeys !== undefined) {
    await app.register(users.passkeyRoutes(), { prefix: '/auth/passkey' })
    await app.register(users.passkeyAccountRoutes(), { prefix: '/users' })
  }
  if (twoFactor !== undefined) await app.register(users.twoFactorRoutes(), { prefix: '/auth/2fa' })
  if (config.emailChange) await app.register(users.emailChangeRoutes(), { prefix: '/auth' })
  if (config.oidc) {
    await registerOidc(app, users, bearer, {
      oidc: config.oidc,
      secret: config.secret,
      cookieSecure: config.cookieSecure,
      ...(config.pages ? { pages: { backend: cookie, appUrl: config.appUrl } } : {}),
    })
  }
  await registerOAuthProviders(app, users, bearer, { providers: config.oauthProviders, secret: config.secret, cookieSecure: config.cookieSecure })
  // The account list of `/users/me` where a user can have provider accounts at all.
  if (config.oidc || config.oauthProviders.clients.length > 0) await app.register(users.oauthAccountsRoutes(), { prefix: '/users' })

  if (config.pages) {
    pageRoutes(app, {
      oauth: config.oidc ? [{ name: 'oidc', label: 'OpenID Connect' }] : [],
      passkeys: passkeys !== undefined,
      usernames: config.usernames !== 'off',
    })
    adminFeaturesRoute(app, { superuser: users.currentUser({ active: true, superuser: true }), roles: Object.keys(exampleRoles), usernames: config.usernames !== 'off' })
  }

  healthRoutes(app, redis === null ? { database: () => store.ping() } : { database: () => store.ping(), redis: () => redis.ping() })

  // Where FastAPI serves its document; Swagger UI's /docs/json serves the same.
  if (config.docs) app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  app.setNotFoundHandler(notFoundHandler)

  app.get('/authenticated-route', {
    // The app's own routes take API keys too (the library's account routes never do).
    schema: {
      operationId: 'authenticated_route',
      security: [...(apiKeys === null ? [] : [{ [apiKeys.name]: [] }, { api_key_bearer: [] }]), { jwt: [] }, { cookie: [] }],
    },
    onRequest: users.currentUser({ active: true }),
  }, async (request) => ({
    message: `Hello ${request.user.email}!`,
  }))

  if (config.superuser) {
    const { user, created } = await ensureSuperuser(store.users, passwordHelper, config.superuser.email, config.superuser.password)
    app.log.info(`Superuser ${user.email} ${created ? 'created' : 'promoted'}.`)
  }
  return app
}

/** RATE_LIMIT's per-address limits: the same number per minute for every limited action, or none. */
function rateLimits(perMinute: number | 'off') {
  if (perMinute === 'off') return false as const
  const rule = { limit: perMinute, windowSeconds: 60 }
  return {
    'login': rule,
    'register': rule,
    'forgot-password': rule,
    'reset-password': rule,
    'request-verify-token': rule,
    'verify': rule,
    'refresh': rule,
    'passkey': rule,
  }
}
