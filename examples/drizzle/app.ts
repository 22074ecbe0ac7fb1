/**
 * FastAPI Users' "full example" on Drizzle: the routes, backends and hooks of examples/full,
 * over the tables of schema-sqlite.ts or schema-pg.ts. Only the store differs from
 * examples/full/app.ts, which opens its own Kysely store; until that file takes the store as a
 * parameter, this one repeats its setup.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyInstance } from 'fastify'
import {
  AuthenticationBackend,
  BearerTransport,
  CookieTransport,
  JwtStrategy,
  PasswordHelper,
  ensureSuperuser,
  fastifyUsers,
} from 'fastify-users'
import type { Config } from '../full/config.ts'
import { fileOutbox } from '../full/outbox.ts'
import { openDatabase } from './database.ts'

/**
 * The example's server, its database migrated and opened.
 *
 * @example
 * ```ts
 * const app = await buildApp(readConfig())
 * await app.listen({ port: 8000 })
 * ```
 */
export async function buildApp(config: Config): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } })
  const database = await openDatabase(config.databaseUrl)
  app.addHook('onClose', () => database.close())

  const strategy = new JwtStrategy({ secret: config.secret, lifetimeSeconds: config.jwtLifetime })
  const bearer = new AuthenticationBackend({
    name: 'jwt',
    transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }),
    strategy,
  })
  const cookie = new AuthenticationBackend({
    name: 'cookie',
    transport: new CookieTransport({ cookieMaxAge: config.jwtLifetime, cookieSecure: config.cookieSecure }),
    strategy,
  })

  const outbox = config.outboxFile ? fileOutbox(config.outboxFile) : null
  // As in FastAPI Users' example, the hooks print what a real app would mail; never in production.
  const showToken = (message: string): void => {
    if (!config.production) app.log.info(message)
  }
  const passwordHelper = new PasswordHelper()
  const users = fastifyUsers({
    db: database.users,
    backends: [bearer, cookie],
    manager: {
      resetPasswordTokenSecret: config.secret,
      verificationTokenSecret: config.secret,
      passwordHelper,
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

  await app.register(swagger, {
    openapi: {
      info: { title: 'fastify-users full example on Drizzle', version: '1.0.0' },
      components: {
        securitySchemes: {
          jwt: bearer.transport.securityScheme(),
          cookie: cookie.transport.securityScheme(),
        },
      },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  await app.register(users.authRoutes(bearer), { prefix: '/auth/jwt' })
  await app.register(users.authRoutes(cookie), { prefix: '/auth/cookie' })
  await app.register(users.registerRoutes(), { prefix: '/auth' })
  await app.register(users.resetPasswordRoutes(), { prefix: '/auth' })
  await app.register(users.verifyRoutes(), { prefix: '/auth' })
  await app.register(users.usersRoutes(), { prefix: '/users' })

  app.get('/authenticated-route', { onRequest: users.currentUser({ active: true }) }, async (request) => ({
    message: `Hello ${request.user.email}!`,
  }))

  if (config.superuser) {
    const { user, created } = await ensureSuperuser(database.users, passwordHelper, config.superuser.email, config.superuser.password)
    app.log.info(`Superuser ${user.email} ${created ? 'created' : 'promoted'}.`)
  }
  return app
}
