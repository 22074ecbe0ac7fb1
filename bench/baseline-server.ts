/**
 * The bare Fastify baseline every scenario is compared with: the same paths, request bodies and
 * response JSON as the full example, with none of the library in between.
 *
 * - `GET /users/me`: a constant-time compare of the Authorization header with one fixed token,
 *   then the same user JSON the example returns (JSON.stringify, no response schema).
 * - `POST /auth/jwt/login` (form) and `POST /auth/register` (JSON): one argon2id hash of the
 *   password with PasswordHelper's parameters, on the libuv pool as the library does it.
 *
 * The logger is the example's (`LOG_LEVEL`, default info), so both servers pay the same for it.
 * Every answer carries BASELINE_HEADERS (a JSON object, default none): the bench passes the
 * example application's own security headers (examples/full/security-headers.ts), which are
 * the application's choice and not the library's, so that both servers answer the same bytes.
 * Started by the bench as a child process: `node --import tsx bench/baseline-server.ts`, with
 * PORT, BASELINE_TOKEN, BASELINE_USER (the JSON to answer) and BASELINE_HEADERS in the environment.
 */
import formbody from '@fastify/formbody'
import { hash } from '@node-rs/argon2'
import Fastify from 'fastify'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { OWASP_ARGON2ID } from '../src/password.ts'

const port = Number(process.env['PORT'] ?? 8001)
const token = process.env['BASELINE_TOKEN'] ?? 'baseline-token'
const user = JSON.parse(process.env['BASELINE_USER'] ?? '{}') as Record<string, unknown>
const expected = Buffer.from(`Bearer ${token}`)
const body = JSON.stringify(user)
const headers = JSON.parse(process.env['BASELINE_HEADERS'] ?? '{}') as Record<string, string>
// The values PasswordHelper passes (argon2id, version 0x13, 16-byte salt, 32-byte output).
const options = { ...OWASP_ARGON2ID, algorithm: 2, version: 1, outputLen: 32 } as const

const app = Fastify({ logger: { level: process.env['LOG_LEVEL'] ?? 'info' } })
await app.register(formbody)

app.get('/users/me', async (request, reply) => {
  reply.headers(headers)
  const given = Buffer.from(request.headers.authorization ?? '')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return reply.code(401).send({ detail: 'Unauthorized' })
  }
  return reply.type('application/json').send(body)
})

async function hashPassword(password: unknown): Promise<string> {
  return hash(Buffer.from(String(password), 'utf8'), { ...options, salt: randomBytes(16) })
}

app.post('/auth/jwt/login', async (request, reply) => {
  reply.headers(headers)
  await hashPassword((request.body as { password?: string }).password)
  return { access_token: token, token_type: 'bearer' }
})

app.post('/auth/register', async (request, reply) => {
  reply.headers(headers)
  const { email, password } = request.body as { email?: string; password?: string }
  await hashPassword(password)
  return reply.code(201).send({ ...user, email })
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)))
}
await app.listen({ port, host: '127.0.0.1' })
