/**
 * JWT verification cost, idle and during a hashing storm: the library's synchronous verifyJwt
 * (node:crypto HMAC, constant-time compare) against jose's jwtVerify with a pre-imported
 * WebCrypto key. jose 6 verifies through WebCrypto, whose jobs run on the libuv pool that the
 * argon2 hashes fill (16 in flight through the binding, on a pool of UV_THREADPOOL_SIZE); verifyJwt never leaves the event-loop thread. Run by the `jwt` scenario
 * as a child pinned like the server; prints one JSON line per measurement.
 */
import { webcrypto } from 'node:crypto'
import { createHistogram } from 'node:perf_hooks'
import { jwtVerify } from 'jose'
import { importJwtKeys } from '../src/jwt/keys.ts'
import { signJwt } from '../src/jwt/sign.ts'
import { verifyJwt } from '../src/jwt/verify.ts'
import { hash } from '@node-rs/argon2'
import { OWASP_ARGON2ID } from '../src/password.ts'

const SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz'
const AUDIENCE = 'fastapi-users:auth'
const IDLE_OPS = 20_000
const STORM_OPS = 200
const STORM_SECONDS = 5
const STORM_HASHES = 16

const keys = importJwtKeys({ secret: SECRET })
const token = await signJwt({ sub: '2efef7d5-f3ac-4129-9fc2-49b83d1a2e29' }, keys, { audience: [AUDIENCE], lifetimeSeconds: 3600 })
const cryptoKey = await webcrypto.subtle.importKey('raw', Buffer.from(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])

const verifiers = {
  'verifyJwt (node:crypto, sync)': async () => verifyJwt(token, keys, { audience: AUDIENCE, requireExp: true }),
  'jose jwtVerify (WebCrypto)': async () => (await jwtVerify(token, cryptoKey, { audience: AUDIENCE, algorithms: ['HS256'] })).payload,
}

/** Times `ops` verifications one after the other, or as many as fit in `seconds`. */
async function time(verify: () => Promise<unknown>, ops: number, seconds = Infinity) {
  const histogram = createHistogram()
  const started = performance.now()
  let done = 0
  for (; done < ops && performance.now() - started < seconds * 1000; done++) {
    const begun = performance.now()
    await verify()
    histogram.record(Math.max(1, Math.round((performance.now() - begun) * 1e6)))
  }
  const elapsed = (performance.now() - started) / 1000
  return { opsPerSecond: done / elapsed, p50Ms: histogram.percentile(50) / 1e6, p99Ms: histogram.percentile(99) / 1e6 }
}

for (const [name, verify] of Object.entries(verifiers)) {
  await time(verify, 2000)
  console.log(JSON.stringify({ name, when: 'idle', ...(await time(verify, IDLE_OPS)) }))
}

// The binding itself, not PasswordHelper (which would queue all but one hash per CPU): the pool
// full of hashes is what an application hashing without a bound gets during a login storm.
let storming = true
const storm = Array.from({ length: STORM_HASHES }, async () => {
  while (storming) await hash('storm', { ...OWASP_ARGON2ID, algorithm: 2, version: 1 })
})
for (const [name, verify] of Object.entries(verifiers)) {
  console.log(JSON.stringify({ name, when: `${STORM_HASHES} hashes in flight`, ...(await time(verify, STORM_OPS, STORM_SECONDS)) }))
}
storming = false
await Promise.all(storm)
