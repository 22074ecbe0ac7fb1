/**
 * `list`: one page of `GET /users` with 1,000 and with 1,000,000 users, on SQLite and
 * PostgreSQL (seeded in bulk, see databases.ts): the first page and a page 90% of the way in,
 * by email and by creation time (newest first), and in both sorts among the holders of a role
 * one user in ten has (`role`, which SQL reads from the role table of migration 14, a seek on
 * its index of the sort; the time migration 14's fill of that table takes is a row too), and
 * in both sorts among the 100 superusers and among the 100 inactive users (the same hundred at
 * every size, so a handful in a million: migration 15's flag indexes seek to them),
 * through the adapter's `listUsers`, in this process, one query at a time. The route adds only the cursor and the serialization to it,
 * which the size of the table does not change. The target (issue 15): a page at a million
 * users costs what it costs at a thousand (p50 within 10%), which keyset pages on an index give
 * and offset pages do not.
 */
import { openUserDatabase } from '../../src/db/kysely/index.ts'
import type { UserListQuery } from '../../src/db/user-listing.ts'
import { median, type Row } from '../report.ts'
import type { BenchContext } from '../servers.ts'
import { createDatabase, grantSeededRole, seededCreatedAt, seededEmail, seededId, seedUsers, setSeededFlag, type Adapter, type BenchDatabase } from '../databases.ts'
import { seedHash } from '../seed-hash.ts'

const SIZES = [1000, 1_000_000]
const LIMIT = 50
const ROLE = 'editor'
/** One seeded user in this many holds ROLE. */
const ROLE_EVERY = 10
/** Seeded users that are superusers, and others that are inactive, at every size. */
const RARE_FLAGS = 100

interface PageQuery {
  name: string
  query: (users: number) => UserListQuery
}

const deep = (users: number) => Math.floor(users * 0.9)
/** Half-way, where a role held by one in ten still has a full page after it at 1,000 users. */
const middle = (users: number) => Math.floor(users * 0.5)

const QUERIES: PageQuery[] = [
  { name: 'first page by email', query: () => ({ sort: 'email', order: 'asc', limit: LIMIT }) },
  {
    name: 'deep page by email',
    query: (users) => ({ sort: 'email', order: 'asc', limit: LIMIT, after: { key: seededEmail(deep(users)), tie: seededId(deep(users)) } }),
  },
  { name: 'first page, newest first', query: () => ({ sort: 'created_at', order: 'desc', limit: LIMIT }) },
  {
    name: 'deep page, newest first',
    query: (users) => ({
      sort: 'created_at',
      order: 'desc',
      limit: LIMIT,
      after: { key: seededCreatedAt(users - deep(users)).toISOString(), tie: seededId(users - deep(users)) },
    }),
  },
  { name: `first page by email, role held by 1 in ${ROLE_EVERY}`, query: () => ({ sort: 'email', order: 'asc', limit: LIMIT, role: ROLE }) },
  {
    name: `middle page by email, role held by 1 in ${ROLE_EVERY}`,
    query: (users) => ({ sort: 'email', order: 'asc', limit: LIMIT, role: ROLE, after: { key: seededEmail(middle(users)), tie: seededId(middle(users)) } }),
  },
  { name: `first page newest first, role held by 1 in ${ROLE_EVERY}`, query: () => ({ sort: 'created_at', order: 'desc', limit: LIMIT, role: ROLE }) },
  {
    // After the user half-way plus one, so that 1,000 users still leave a full page of holders.
    name: `middle page newest first, role held by 1 in ${ROLE_EVERY}`,
    query: (users) => {
      const from = users - middle(users) + 1
      return { sort: 'created_at', order: 'desc', limit: LIMIT, role: ROLE, after: { key: seededCreatedAt(from).toISOString(), tie: seededId(from) } }
    },
  },
  { name: `first page by email, ${RARE_FLAGS} superusers`, query: () => ({ sort: 'email', order: 'asc', limit: LIMIT, is_superuser: true }) },
  { name: `first page newest first, ${RARE_FLAGS} superusers`, query: () => ({ sort: 'created_at', order: 'desc', limit: LIMIT, is_superuser: true }) },
  { name: `first page by email, ${RARE_FLAGS} inactive`, query: () => ({ sort: 'email', order: 'asc', limit: LIMIT, is_active: false }) },
  { name: `first page newest first, ${RARE_FLAGS} inactive`, query: () => ({ sort: 'created_at', order: 'desc', limit: LIMIT, is_active: false }) },
]

/** Milliseconds per page: the median and 99th percentile of `runs` pages, after a warm-up. */
async function timePages(run: () => Promise<unknown>, seconds: number): Promise<{ p50: number; p99: number; count: number }> {
  const warmUntil = performance.now() + 300
  while (performance.now() < warmUntil) await run()
  const times: number[] = []
  const until = performance.now() + seconds * 1000
  while (performance.now() < until && times.length < 5000) {
    const started = performance.now()
    await run()
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return { p50: median(times), p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!, count: times.length }
}

export async function listScenario(context: BenchContext): Promise<Row[]> {
  const rows: Row[] = []
  for (const adapter of ['sqlite', 'postgres'] as Adapter[]) {
    const databases: BenchDatabase[] = []
    try {
      const p50s = new Map<string, number[]>()
      for (const size of SIZES) {
        const database = await createDatabase(adapter, context.tmpDir)
        if ('reason' in database) throw Object.assign(new Error(database.reason), { skipped: true })
        databases.push(database)
        await seedUsers(database.url, size, await seedHash())
        const fillMs = await grantSeededRole(database.url, ROLE, ROLE_EVERY)
        await setSeededFlag(database.url, size, 'is_superuser', true, RARE_FLAGS, 0)
        await setSeededFlag(database.url, size, 'is_active', false, RARE_FLAGS, 1)
        rows.push({
          scenario: `list ${adapter} role table filled from user.roles, ${size.toLocaleString('en')} users, ${(size / ROLE_EVERY).toLocaleString('en')} holders`,
          server: 'migration 14',
          note: `${(fillMs / 1000).toFixed(2)} s`,
        })
        const store = await openUserDatabase(database.url)
        try {
          for (const { name, query } of QUERIES) {
            const page = query(size)
            const timing = await timePages(() => store.users.listUsers(page), Math.max(1, context.seconds / 2))
            const found = await store.users.listUsers(page)
            if (found.entries.length !== LIMIT) throw new Error(`${name}: ${found.entries.length} users instead of ${LIMIT}`)
            p50s.set(name, [...(p50s.get(name) ?? []), timing.p50])
            const ratio = size === SIZES[1] ? timing.p50 / p50s.get(name)![0]! : undefined
            rows.push({
              scenario: `list ${adapter} ${name}, ${size.toLocaleString('en')} users`,
              server: 'listUsers',
              result: { rps: 1000 / timing.p50, p50Ms: timing.p50, p99Ms: timing.p99, errors: 0, requests: timing.count, statuses: {} },
              ...(ratio === undefined
                ? { note: 'req/s column: pages/s, one at a time' }
                : { targets: [{ label: 'p50 vs 1,000 users', value: ratio, max: 1.1 }] }),
            })
          }
        } finally {
          await store.destroy()
        }
      }
    } catch (error) {
      if (!(error as { skipped?: boolean }).skipped) throw error
      rows.push({ scenario: `list ${adapter}`, server: '—', note: `skipped: ${(error as Error).message}` })
    } finally {
      for (const database of databases) await database.drop()
    }
  }
  return rows
}
