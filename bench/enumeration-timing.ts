/**
 * Enumeration timing: how much longer login, forgot-password and request-verify-token take for
 * an existing account than for an unknown address (and an inactive one), measured in-process
 * with app.inject on a fresh SQLite database, with the default argon2id parameters and the
 * limits off. Cases are interleaved round-robin so that drift hits them alike; the output
 * gives each case's median and its ratio to the unknown address (1.00 = indistinguishable).
 *
 *   npx tsx --conditions=source bench/enumeration-timing.ts [requests per case, default 300]
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Fastify from 'fastify'
import { AuthenticationBackend, BearerTransport, JwtStrategy, fastifyUsers } from '../src/index.ts'
import { sqliteUserDatabase } from '../src/db/kysely/index.ts'

const ROUNDS = Number(process.argv[2] ?? 300)
const SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123'
const PASSWORD = 'bench password 1'

const store = await sqliteUserDatabase({ filename: join(mkdtempSync(join(tmpdir(), 'fastify-users-bench-')), 'users.db') })
const backend = new AuthenticationBackend({
  name: 'jwt',
  transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }),
  strategy: new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
})
const users = fastifyUsers({
  db: store.users,
  backends: [backend],
  security: { rateLimit: false, loginThrottle: false },
  manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET, onAfterForgotPassword: () => {}, onAfterRequestVerify: () => {} },
})
const app = Fastify()
await app.register(users.authRoutes(backend), { prefix: '/auth/jwt' })
await app.register(users.resetPasswordRoutes(), { prefix: '/auth' })
await app.register(users.verifyRoutes(), { prefix: '/auth' })
await app.ready()

const create = (email: string, flags: { is_active?: boolean; is_verified?: boolean } = {}) =>
  users.manager.create({ email, password: PASSWORD, ...flags })
const existing = (await create('existing@example.com')).email
const inactive = (await create('inactive@example.com', { is_active: false })).email
const verified = (await create('verified@example.com', { is_verified: true })).email
const unknown = 'unknown@example.com'

const login = (username: string) => () => app.inject({
  method: 'POST', url: '/auth/jwt/login',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ username, password: 'wrong password 1' }).toString(),
})
const post = (url: string, email: string) => () => app.inject({ method: 'POST', url, payload: { email } })

const groups: Record<string, Record<string, () => Promise<unknown>>> = {
  'login (wrong password)': { unknown: login(unknown), existing: login(existing), inactive: login(inactive) },
  'forgot-password': { unknown: post('/auth/forgot-password', unknown), existing: post('/auth/forgot-password', existing), inactive: post('/auth/forgot-password', inactive) },
  'request-verify-token': {
    unknown: post('/auth/request-verify-token', unknown), existing: post('/auth/request-verify-token', existing),
    inactive: post('/auth/request-verify-token', inactive), verified: post('/auth/request-verify-token', verified),
  },
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

console.log(`${ROUNDS} requests per case, interleaved; median time and ratio to the unknown address`)
for (const [route, cases] of Object.entries(groups)) {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]))
  for (const send of Object.values(cases)) await send() // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, send] of Object.entries(cases)) {
      const started = performance.now()
      await send()
      times[name]!.push(performance.now() - started)
      // The work that runs after a forgot/verify response must not land in the next timing.
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
  const baseline = median(times.unknown!)
  const row = Object.entries(times).map(([name, values]) => `${name} ${median(values).toFixed(3)} ms (×${(median(values) / baseline).toFixed(2)})`)
  console.log(`${route.padEnd(24)} ${row.join(', ')}`)
}
await app.close()
await store.destroy()
