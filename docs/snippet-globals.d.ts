/**
 * What the code blocks of README.md and docs/ use without defining it, as an application has
 * it at hand (scripts/check-doc-blocks.ts compiles each block with these declarations). A block
 * that defines one of these names itself uses its own.
 */
declare const SECRET: string
declare const app: import('fastify').FastifyInstance
declare const bearer: import('fastify-users').AuthenticationBackend
declare const cookie: import('fastify-users').AuthenticationBackend
declare const backends: import('fastify-users').AuthenticationBackend[]
declare const users: import('fastify-users').FastifyUsers
declare const store: import('fastify-users/kysely').KyselyUserStore
declare const redis: import('ioredis').Redis
declare function sendResetMail(email: string, token: string): Promise<void>
declare function sendVerifyMail(email: string, token: string): Promise<void>
declare function loadSession(): import('fastify-users/client').Session | undefined
declare function saveSession(session: import('fastify-users/client').Session): void
