/**
 * `node --expose-gc --conditions=source --import tsx bench/cache-memory.ts [users]`: the heap an
 * AuthCache holds with `users` users cached (default 1,000,000), each with the two revocation
 * entries a JWT read caches (the user's generation, one token's denial), its `maxEntries` set
 * to hold them all. The users are shaped as the Kysely adapter returns them (UUID id, email, an
 * argon2id hash, the three flags, `created_at`). Heap = V8's heap after two full collections,
 * before and after filling; the ids are made before the first measure.
 */
import { randomUUID } from 'node:crypto'
import { AuthCache, deniedKey, generationKey, userKey } from '../src/cache/auth-cache.ts'

const users = Number(process.argv[2] ?? 1_000_000)
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc')
const heap = () => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$' + 'A'.repeat(22) + '$' + 'B'.repeat(43)
const ids = Array.from({ length: users }, () => randomUUID())
const jtis = Array.from({ length: users }, () => randomUUID().replaceAll('-', '').slice(0, 22))

const before = heap()
const cache = new AuthCache({ channel: null, maxEntries: 3 * users, ttlMs: 3_600_000 })
await cache.open()
const empty = heap()
for (let n = 0; n < users; n++) {
  const id = ids[n]!
  const sequence = cache.sequence
  cache.set(userKey(id), { id, email: `user${n}@bench.example.com`, hashed_password: HASH, is_active: true, is_superuser: false, is_verified: true, created_at: new Date() }, sequence)
  cache.set(generationKey(id), { generation: 0, kept: null }, sequence)
  cache.set(deniedKey(`jti:${jtis[n]}`), false, sequence)
}
const filled = heap()
const mib = (bytes: number) => Number((bytes / 2 ** 20).toFixed(0))
console.log(JSON.stringify({
  users,
  entries: cache.size,
  emptyCacheMiB: mib(empty - before),
  filledCacheMiB: mib(filled - before),
  bytesPerUser: Math.round((filled - before) / users),
}))
