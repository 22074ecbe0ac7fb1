/**
 * Custom user fields, as in FastAPI Users' "User schemas" page: the application adds a first
 * name and a newsletter flag to the user, declares the columns to the adapter and the schemas
 * to the routes, and gets them validated, stored, returned and typed.
 *
 * Run it with `npx tsx --conditions=source examples/custom-fields/server.ts`
 * (PORT, DATABASE_URL and SECRET as in examples/full).
 */
import Fastify from 'fastify'
import { Type } from 'typebox'
import {
  AuthenticationBackend,
  BearerTransport,
  JwtStrategy,
  fastifyUsers,
  type UserRecord,
} from 'fastify-users'
import { openUserDatabase } from 'fastify-users/kysely'

declare module 'fastify-users' {
  interface Register {
    user: UserRecord & { first_name: string | null; newsletter: boolean }
  }
}

const SECRET = process.env.SECRET ?? 'development-only-secret-change-me-0123456789'

const store = await openUserDatabase(process.env.DATABASE_URL ?? 'sqlite://./custom-fields.db', {
  fields: {
    first_name: { type: 'text' },
    newsletter: { type: 'boolean', nullable: false, default: false },
  },
})

const jwt = new AuthenticationBackend({
  name: 'jwt',
  transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }),
  strategy: new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
})

const users = fastifyUsers({
  db: store.users,
  backends: [jwt],
  manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET },
  fields: {
    read: { first_name: Type.Union([Type.String(), Type.Null()]), newsletter: Type.Boolean() },
    create: {
      first_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      newsletter: Type.Optional(Type.Boolean()),
    },
    update: {
      first_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      newsletter: Type.Optional(Type.Boolean()),
    },
  },
})

const app = Fastify({ logger: true })
app.addHook('onClose', () => store.destroy())
await app.register(users.authRoutes(jwt), { prefix: '/auth/jwt' })
await app.register(users.registerRoutes(), { prefix: '/auth' })
await app.register(users.usersRoutes(), { prefix: '/users' })

app.get('/greeting', { onRequest: users.currentUser({ active: true }) }, async (request) => ({
  message: `Hello ${request.user.first_name ?? request.user.email}!`,
  newsletter: request.user.newsletter,
}))

await app.listen({ port: Number(process.env.PORT ?? 8001), host: process.env.HOST ?? '127.0.0.1' })
