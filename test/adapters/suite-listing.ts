/**
 * The listing half of the adapter suite (`GET /users`, src/db/user-listing.ts): keyset pages
 * in both orders of both sort keys, stable under inserts, the filters (roles and usernames
 * among them), the total.
 */
import { expect, it } from 'vitest'
import { isUserListing, type UserListing, type UserListQuery } from '../../src/db/user-listing.ts'
import { hasUserRoles } from '../../src/db/user-roles.ts'
import type { UserRecord } from '../../src/user.ts'
import { newUser, type StoreRef } from './suite.ts'

function listing(store: StoreRef): UserListing {
  const { users } = store()
  if (!isUserListing(users)) throw new Error('the adapter does not list users')
  return users
}

/** Every page of a query, `limit` users at a time. */
async function allPages(users: UserListing, query: Omit<UserListQuery, 'limit'>, limit: number): Promise<UserRecord[][]> {
  const pages: UserRecord[][] = []
  let after: UserListQuery['after'] = null
  do {
    const page = await users.listUsers({ ...query, limit, after })
    pages.push(page.entries.map((entry) => entry.user))
    after = page.next
  } while (after !== null && pages.length < 50)
  return pages
}

const EMAILS = ['delta@x.io', 'Alpha@x.io', 'charlie@x.io', 'ECHO@x.io', 'bravo@x.io']

export function listingTests(store: StoreRef): void {
  it('lists users by folded email in pages, both ways, each user once', async () => {
    const { users } = store()
    for (const email of EMAILS) await users.create(newUser(email))
    const folded = EMAILS.map((email) => email.toLowerCase()).sort()
    const ascending = await allPages(listing(store), { sort: 'email', order: 'asc' }, 2)
    expect(ascending.map((page) => page.length)).toEqual([2, 2, 1])
    expect(ascending.flat().map((user) => user.email.toLowerCase())).toEqual(folded)
    const descending = await allPages(listing(store), { sort: 'email', order: 'desc' }, 3)
    expect(descending.flat().map((user) => user.email.toLowerCase())).toEqual([...folded].reverse())
    const whole = await listing(store).listUsers({ sort: 'email', order: 'asc', limit: 5 })
    expect(whole.next).toBeNull()
    expect(whole.entries[0]?.user).toEqual(await users.getByEmail('alpha@x.io'))
  })

  it('lists users by creation time, with when each was created', async () => {
    const { users } = store()
    const before = Date.now()
    const created: string[] = []
    for (const email of EMAILS) created.push((await users.create(newUser(email))).id)
    const pages = await allPages(listing(store), { sort: 'created_at', order: 'asc' }, 2)
    const ids = pages.flat().map((user) => user.id)
    expect([...ids].sort()).toEqual([...created].sort())
    const page = await listing(store).listUsers({ sort: 'created_at', order: 'asc', limit: 5 })
    const times = page.entries.map((entry) => entry.created_at?.getTime() ?? Number.NaN)
    for (const time of times) expect(time).toBeGreaterThanOrEqual(before - 1)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    const descending = await allPages(listing(store), { sort: 'created_at', order: 'desc' }, 2)
    expect(descending.flat().map((user) => user.id)).toEqual([...ids].reverse())
  })

  it('continues after a cursor whatever was inserted meanwhile', async () => {
    const { users } = store()
    for (const email of EMAILS) await users.create(newUser(email))
    const first = await listing(store).listUsers({ sort: 'email', order: 'asc', limit: 2 })
    expect(first.entries.map((entry) => entry.user.email)).toEqual(['Alpha@x.io', 'bravo@x.io'])
    await users.create(newUser('aaron@x.io'))
    await users.create(newUser('bob@x.io'))
    const second = await listing(store).listUsers({ sort: 'email', order: 'asc', limit: 2, after: first.next })
    expect(second.entries.map((entry) => entry.user.email)).toEqual(['charlie@x.io', 'delta@x.io'])
    const byTime = await listing(store).listUsers({ sort: 'created_at', order: 'asc', limit: 7 })
    const cut = await listing(store).listUsers({ sort: 'created_at', order: 'asc', limit: 3 })
    await users.create(newUser('late@x.io'))
    const rest = await listing(store).listUsers({ sort: 'created_at', order: 'asc', limit: 10, after: cut.next })
    expect(rest.entries.map((entry) => entry.user.email)).toEqual([
      ...byTime.entries.slice(3).map((entry) => entry.user.email),
      'late@x.io',
    ])
  })

  it('filters by email prefix and substring under ASCII folding, wildcards taken literally', async () => {
    const { users } = store()
    for (const email of ['Ann_1@x.io', 'annb1@x.io', 'bob%@y.io', 'carl@ann.io']) await users.create(newUser(email))
    const emails = async (query: Partial<UserListQuery>) =>
      (await listing(store).listUsers({ sort: 'email', order: 'asc', limit: 10, ...query })).entries.map((entry) => entry.user.email)
    expect(await emails({ emailPrefix: 'ANN' })).toEqual(['Ann_1@x.io', 'annb1@x.io'])
    expect(await emails({ emailPrefix: 'ann_' })).toEqual(['Ann_1@x.io'])
    expect(await emails({ emailContains: 'ANN' })).toEqual(['Ann_1@x.io', 'annb1@x.io', 'carl@ann.io'])
    expect(await emails({ emailContains: '%' })).toEqual(['bob%@y.io'])
    expect(await emails({ emailContains: '!' })).toEqual([])
    expect(await emails({ emailPrefix: 'zz' })).toEqual([])
  })

  it('filters by flags and creation time, and counts the matches', async () => {
    const { users } = store()
    await users.create(newUser('a@x.io', { is_superuser: true, is_verified: true }))
    await users.create(newUser('b@x.io', { is_active: false }))
    await users.create(newUser('c@x.io', { is_verified: true }))
    const emails = async (query: Partial<UserListQuery>) =>
      (await listing(store).listUsers({ sort: 'email', order: 'asc', limit: 10, ...query })).entries.map((entry) => entry.user.email)
    expect(await emails({ is_superuser: true })).toEqual(['a@x.io'])
    expect(await emails({ is_active: false })).toEqual(['b@x.io'])
    expect(await emails({ is_verified: true, is_superuser: false })).toEqual(['c@x.io'])
    expect(await emails({ createdAfter: new Date(Date.now() + 60_000) })).toEqual([])
    expect(await emails({ createdBefore: new Date(Date.now() + 60_000) })).toEqual(['a@x.io', 'b@x.io', 'c@x.io'])
    expect(await emails({ createdAfter: new Date(Date.now() - 60_000), createdBefore: new Date(Date.now() - 30_000) })).toEqual([])
    const counted = await listing(store).listUsers({ sort: 'email', order: 'asc', limit: 1, total: true, is_active: true })
    expect(counted.total).toBe(2)
    expect(counted.entries).toHaveLength(1)
    const uncounted = await listing(store).listUsers({ sort: 'email', order: 'asc', limit: 1 })
    expect(uncounted.total).toBeUndefined()
  })
}

export function listingFilterTests(store: StoreRef): void {
  const emails = async (query: Partial<UserListQuery>) =>
    (await listing(store).listUsers({ sort: 'email', order: 'asc', limit: 10, ...query })).entries.map((entry) => entry.user.email)

  it('filters by role, exactly, in pages of both sorts that a later grant does not shift', async () => {
    const { users } = store()
    if (!hasUserRoles(users)) throw new Error('the adapter does not store roles')
    const grants: Record<string, string[]> = {
      'a@x.io': ['admin'],
      'b@x.io': ['Admin'],
      'c@x.io': ['admin', 'editor'],
      'd@x.io': ['editor'],
      'e@x.io': [],
      'f@x.io': ['administrator'],
      'g@x.io': ['admin'],
    }
    for (const [email, roles] of Object.entries(grants)) await users.setRoles(await users.create(newUser(email)), roles)
    expect(await emails({ role: 'admin' })).toEqual(['a@x.io', 'c@x.io', 'g@x.io'])
    expect(await emails({ role: 'Admin' })).toEqual(['b@x.io'])
    expect(await emails({ role: 'editor', emailPrefix: 'C' })).toEqual(['c@x.io'])
    expect(await emails({ role: 'admi' })).toEqual([])
    const first = await listing(store).listUsers({ sort: 'email', order: 'asc', limit: 2, role: 'admin', total: true })
    expect(first.entries.map((entry) => entry.user.email)).toEqual(['a@x.io', 'c@x.io'])
    expect(first.total).toBe(3)
    await users.setRoles((await users.getByEmail('b@x.io'))!, ['admin'])
    const second = await listing(store).listUsers({ sort: 'email', order: 'asc', limit: 2, role: 'admin', after: first.next })
    expect(second.entries.map((entry) => entry.user.email)).toEqual(['g@x.io'])
    expect(second.next).toBeNull()
    const admins = new Set(['a@x.io', 'b@x.io', 'c@x.io', 'g@x.io'])
    const everyone = (await listing(store).listUsers({ sort: 'created_at', order: 'desc', limit: 10 })).entries.map((entry) => entry.user.email)
    const byTime = (await allPages(listing(store), { sort: 'created_at', order: 'desc', role: 'admin' }, 1)).flat()
    expect(byTime.map((user) => user.email)).toEqual(everyone.filter((email) => admins.has(email)))
  })

  it('keeps a page of one role right as roles change, an email changes and a user goes, its positions those of the whole list', async () => {
    const { users } = store()
    if (!hasUserRoles(users)) throw new Error('the adapter does not store roles')
    const granted = async (email: string, roles: string[], extra: Partial<UserRecord> = {}) => {
      const user = await users.create(newUser(email, extra))
      await users.setRoles(user, roles)
      return user
    }
    const a = await granted('a@x.io', ['admin'])
    const b = await granted('b@x.io', ['admin', 'editor'])
    const c = await granted('c@x.io', ['editor'], { is_active: false })
    const d = await granted('d@x.io', ['admin'])
    expect(await emails({ role: 'admin' })).toEqual(['a@x.io', 'b@x.io', 'd@x.io'])
    await users.setRoles(b, ['editor'])
    await users.setRoles(c, ['editor', 'admin'])
    expect(await emails({ role: 'admin' })).toEqual(['a@x.io', 'c@x.io', 'd@x.io'])
    expect(await emails({ role: 'editor' })).toEqual(['b@x.io', 'c@x.io'])
    expect(await emails({ role: 'admin', is_active: false })).toEqual(['c@x.io'])
    const renamed = await users.update(a, { email: 'Zed@x.io' })
    expect(await emails({ role: 'admin' })).toEqual(['c@x.io', 'd@x.io', 'Zed@x.io'])
    expect(await emails({ role: 'admin', emailPrefix: 'z' })).toEqual(['Zed@x.io'])
    const descending = await allPages(listing(store), { sort: 'email', order: 'desc', role: 'admin' }, 2)
    expect(descending.flat().map((user) => user.email)).toEqual(['Zed@x.io', 'd@x.io', 'c@x.io'])
    // A position in the whole list is one in the role's list, in both sorts.
    const everyone = await listing(store).listUsers({ sort: 'email', order: 'asc', limit: 2 })
    expect(everyone.entries.map((entry) => entry.user.email)).toEqual(['b@x.io', 'c@x.io'])
    const rest = await listing(store).listUsers({ sort: 'email', order: 'asc', limit: 10, role: 'admin', after: everyone.next })
    expect(rest.entries.map((entry) => entry.user.email)).toEqual(['d@x.io', 'Zed@x.io'])
    const byTime = (await listing(store).listUsers({ sort: 'created_at', order: 'asc', limit: 10 })).entries.map((entry) => entry.user.id)
    const firstTwo = await listing(store).listUsers({ sort: 'created_at', order: 'asc', limit: 2 })
    const later = await listing(store).listUsers({ sort: 'created_at', order: 'asc', limit: 10, role: 'admin', after: firstTwo.next })
    const admins = new Set([a.id, c.id, d.id])
    expect(later.entries.map((entry) => entry.user.id)).toEqual(byTime.slice(2).filter((id) => admins.has(id)))
    await users.delete(d)
    expect(await emails({ role: 'admin' })).toEqual(['c@x.io', 'Zed@x.io'])
    const counted = await listing(store).listUsers({ sort: 'created_at', order: 'desc', limit: 10, role: 'admin', total: true })
    expect(counted.entries.map((entry) => entry.user.id)).toEqual(byTime.filter((id) => id === a.id || id === c.id).reverse())
    expect(counted.total).toBe(2)
    await users.setRoles(renamed, [])
    expect(await emails({ role: 'admin' })).toEqual(['c@x.io'])
    expect(await emails({ role: 'editor' })).toEqual(['b@x.io', 'c@x.io'])
  })

  it('searches usernames by prefix and substring under ASCII folding, leaving out users without one', async () => {
    const { users } = store()
    await users.create(newUser('a@x.io', { username: 'King.Arthur' }))
    await users.create(newUser('b@x.io', { username: 'kingsley_b' }))
    await users.create(newUser('c@x.io', { username: 'Lancelot' }))
    await users.create(newUser('king@x.io'))
    expect(await emails({ usernamePrefix: 'KING' })).toEqual(['a@x.io', 'b@x.io'])
    expect(await emails({ usernamePrefix: 'king.' })).toEqual(['a@x.io'])
    expect(await emails({ usernameContains: 'LOT' })).toEqual(['c@x.io'])
    expect(await emails({ usernameContains: '_' })).toEqual(['b@x.io'])
    expect(await emails({ usernameContains: 'ar', emailPrefix: 'a' })).toEqual(['a@x.io'])
    expect(await emails({ usernamePrefix: '%' })).toEqual([])
  })
}
