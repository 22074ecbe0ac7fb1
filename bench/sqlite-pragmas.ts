/**
 * `npx tsx --conditions=source bench/sqlite-pragmas.ts [--rounds 3] [--dir /tmp/fastify-users-sqlite-pragmas]`:
 * what SQLite's `cache_size` and `mmap_size` change in the adapter's reads at 1,000,000 users
 * (and at 1,000, for comparison). The two files are seeded once with the bench's seeding
 * (databases.ts) and kept in `--dir` for the next run.
 *
 * For every setting, in every round, a fresh store (`sqliteUserDatabase`, so a fresh
 * connection with an empty page cache) is opened, every pragma set explicitly (so that the
 * adapter's own default does not leak into the "better-sqlite3 default" row), and timed:
 * - cold: the first 1,000 `users.get(id)`, then 1,000 `getByEmail`, then 100 `listUsers`
 *   pages (50 users by email, starting at a random user) on that connection;
 * - warm: after 50,000 gets, 20,000 getByEmail and 500 pages, 20,000 gets, 10,000 getByEmail and
 *   500 pages.
 * Ids and emails are random over the whole table, the same sequence for every setting of a
 * round. The settings are interleaved within each round, so that the machine's other load
 * falls on all of them alike; the summary gives each figure's median over the rounds and its
 * range. "Cold" is SQLite's page cache only: the file stays in the operating system's cache.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { sqliteUserDatabase, type KyselyUserStore } from '../src/db/kysely/index.ts'
import { createDatabase, seededEmail, seededId, seedUsers } from './databases.ts'
import { median } from './report.ts'
import { seedHash } from './seed-hash.ts'

const MiB = 1024 * 1024

interface Setting {
  name: string
  /** KiB of page cache (SQLite's `cache_size = -N`); better-sqlite3's build default is 16000. */
  cacheKiB: number
  /** Bytes of the file mapped into memory; 0, SQLite's default, maps nothing. */
  mmapBytes: number
}

const SETTINGS: Setting[] = [
  { name: 'better-sqlite3 default (16,000 KiB cache, no mmap)', cacheKiB: 16_000, mmapBytes: 0 },
  { name: 'cache 16 MiB', cacheKiB: 16 * 1024, mmapBytes: 0 },
  { name: 'cache 64 MiB', cacheKiB: 64 * 1024, mmapBytes: 0 },
  { name: 'cache 256 MiB', cacheKiB: 256 * 1024, mmapBytes: 0 },
  { name: 'default cache + mmap 256 MiB', cacheKiB: 16_000, mmapBytes: 256 * MiB },
  { name: 'default cache + mmap 1 GiB', cacheKiB: 16_000, mmapBytes: 1024 * MiB },
  { name: 'cache 64 MiB + mmap 256 MiB', cacheKiB: 64 * 1024, mmapBytes: 256 * MiB },
  { name: 'cache 64 MiB + mmap 1 GiB', cacheKiB: 64 * 1024, mmapBytes: 1024 * MiB },
]

/** At 1,000 users every page fits the default cache; two settings show whether anything changes. */
const SMALL_SETTINGS = [SETTINGS[0]!, SETTINGS[7]!]

const COLD = { get: 1000, email: 1000, page: 100 }
const WARM_UP = { get: 50_000, email: 20_000, page: 500 }
const WARM = { get: 20_000, email: 10_000, page: 500 }
const PAGE_SIZE = 50

type Operation = 'get' | 'email' | 'page'
const OPERATIONS: Operation[] = ['get', 'email', 'page']
const LABELS: Record<Operation, string> = { get: 'get(id)', email: 'getByEmail', page: `listUsers page (${PAGE_SIZE})` }

/** The times of one batch, in µs, and how many per second it ran. */
interface Batch {
  p50: number
  p99: number
  perSecond: number
}

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    dir: { type: 'string', default: join(tmpdir(), 'fastify-users-sqlite-pragmas') },
  },
})
const rounds = Math.max(1, Number(values.rounds))
const dir = values.dir

/** A small seeded generator, so that every setting of a round looks up the same users. */
function randomUsers(seed: number, users: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return 1 + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * users)
  }
}

/** The file of `users` seeded users in `dir`, seeded now if it is not there yet. */
async function seededFile(users: number): Promise<string> {
  const file = join(dir, `users-${users}.db`)
  if (existsSync(file)) return file
  const database = await createDatabase('sqlite', dir)
  if ('reason' in database) throw new Error(database.reason)
  const started = performance.now()
  await seedUsers(database.url, users, await seedHash())
  renameSync(database.url.slice('sqlite://'.length), file)
  console.log(`seeded ${users} users in ${((performance.now() - started) / 1000).toFixed(1)} s: ${file}`)
  return file
}

async function open(file: string, setting: Setting): Promise<KyselyUserStore> {
  const store = await sqliteUserDatabase({ filename: file })
  await sql.raw(`PRAGMA cache_size = -${setting.cacheKiB}`).execute(store.db)
  await sql.raw(`PRAGMA mmap_size = ${setting.mmapBytes}`).execute(store.db)
  const mmap = await sql.raw<{ mmap_size: number }>('PRAGMA mmap_size').execute(store.db)
  if (Number(mmap.rows[0]?.mmap_size) !== setting.mmapBytes) throw new Error(`mmap_size ${setting.mmapBytes} was not taken: ${JSON.stringify(mmap.rows)}`)
  return store
}

function operation(store: KyselyUserStore, kind: Operation, next: () => number): () => Promise<unknown> {
  switch (kind) {
    case 'get':
      return () => store.users.get(seededId(next()))
    case 'email':
      return () => store.users.getByEmail(seededEmail(next()))
    case 'page':
      return () => {
        const n = next()
        return store.users.listUsers({ sort: 'email', order: 'asc', limit: PAGE_SIZE, after: { key: seededEmail(n), tie: seededId(n) } })
      }
  }
}

async function time(run: () => Promise<unknown>, count: number): Promise<Batch> {
  const times = new Float64Array(count)
  const started = performance.now()
  for (let i = 0; i < count; i++) {
    const begun = performance.now()
    await run()
    times[i] = (performance.now() - begun) * 1000
  }
  const elapsed = (performance.now() - started) / 1000
  times.sort()
  return { p50: times[Math.floor(count / 2)]!, p99: times[Math.min(count - 1, Math.floor(count * 0.99))]!, perSecond: count / elapsed }
}

type Phase = 'cold' | 'warm'
type Measurement = Record<Phase, Record<Operation, Batch>>

async function measure(file: string, users: number, setting: Setting, seed: number): Promise<Measurement> {
  const store = await open(file, setting)
  try {
    const next = randomUsers(seed, users)
    const run = (counts: Record<Operation, number>) =>
      OPERATIONS.reduce<Promise<Record<Operation, Batch>>>(
        async (done, kind) => ({ ...(await done), [kind]: await time(operation(store, kind, next), counts[kind]) }),
        Promise.resolve({} as Record<Operation, Batch>),
      )
    const cold = await run(COLD)
    await run(WARM_UP)
    const warm = await run(WARM)
    return { cold, warm }
  } finally {
    await store.destroy()
  }
}

const load = () => loadavg().map((value) => value.toFixed(2)).join(' ')
const format = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1))
const spread = (values: number[]) => `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`

mkdirSync(dir, { recursive: true })
const files = new Map([
  [1000, await seededFile(1000)],
  [1_000_000, await seededFile(1_000_000)],
])
const plan: Array<{ users: number; setting: Setting }> = [
  ...SMALL_SETTINGS.map((setting) => ({ users: 1000, setting })),
  ...SETTINGS.map((setting) => ({ users: 1_000_000, setting })),
]
// The JIT warms on the small file first, so that the first setting measured pays no compilation.
await measure(files.get(1000)!, 1000, SETTINGS[0]!, 0)

const results = new Map<string, Measurement[]>()
console.log(`${new Date().toISOString()} load average ${load()}; ${rounds} rounds`)
for (let round = 0; round < rounds; round++) {
  for (const { users, setting } of plan) {
    const key = `${users}\t${setting.name}`
    const measurement = await measure(files.get(users)!, users, setting, 1 + round)
    results.set(key, [...(results.get(key) ?? []), measurement])
    const cells = OPERATIONS.map((kind) => `${kind} ${format(measurement.cold[kind].p50)}/${format(measurement.warm[kind].p50)}`)
    console.log(`round ${round + 1} ${users} users, ${setting.name}: p50 µs cold/warm ${cells.join(', ')}; load ${load()}`)
  }
}
console.log(`${new Date().toISOString()} load average ${load()}`)

console.log('\nmedian over the rounds (min–max); µs per call, calls/s')
console.log('| users | setting | phase | operation | p50 µs | p99 µs | per s |')
console.log('|---|---|---|---|---|---|---|')
for (const [key, measurements] of results) {
  const [users, name] = key.split('\t')
  for (const phase of ['cold', 'warm'] as Phase[]) {
    for (const kind of OPERATIONS) {
      const batches = measurements.map((measurement) => measurement[phase][kind])
      const cells = [spread(batches.map((b) => b.p50)), spread(batches.map((b) => b.p99)), spread(batches.map((b) => b.perSecond))]
      console.log(`| ${Number(users).toLocaleString('en')} | ${name} | ${phase} | ${LABELS[kind]} | ${cells.join(' | ')} |`)
    }
  }
}
