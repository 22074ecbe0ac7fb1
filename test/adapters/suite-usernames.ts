/**
 * The username half of the adapter suite (issue 16): lookups under ASCII case folding,
 * uniqueness across letter case enforced by the database, any number of users without a
 * username, and records that carry `username` only for users who have one.
 */
import { expect, it } from 'vitest'
import { DuplicateEmailError, DuplicateUsernameError } from '../../src/errors.ts'
import { newUser, type StoreRef, type SuiteOptions } from './suite.ts'

export function usernameTests(store: StoreRef, options: SuiteOptions = {}): void {
  const reason = options.uniqueIndexesUnenforced
  const itWithUniqueIndex = reason === undefined ? it : (title: string, test: () => Promise<void>) => it.skip(`${title} (skipped: ${reason})`, test)
  const lookup = (username: string) => {
    const { users } = store()
    if (users.getByUsername === undefined) throw new Error('the adapter has no getByUsername')
    return users.getByUsername(username)
  }

  it('stores a username and finds its user in any ASCII letter case, keeping the stored spelling', async () => {
    const { users } = store()
    const created = await users.create(newUser('arthur@camelot.bt', { username: 'King.Arthur' }))
    expect(created['username']).toBe('King.Arthur')
    expect(await users.get(created.id)).toEqual(created)
    expect((await lookup('king.arthur'))?.id).toBe(created.id)
    expect((await lookup('KING.ARTHUR'))?.username).toBe('King.Arthur')
    expect(await lookup('king.arthu')).toBeNull()
    expect(await lookup('king.arthur ')).toBeNull()
    expect(await lookup('arthur@camelot.bt')).toBeNull()
  })

  it('gives records no username key for users without one, and lets any number of them exist', async () => {
    const { users } = store()
    const first = await users.create(newUser('first@example.com'))
    const second = await users.create(newUser('second@example.com', { username: null }))
    expect('username' in first).toBe(false)
    expect('username' in second).toBe(false)
    expect('username' in ((await users.getByEmail('second@example.com')) ?? {})).toBe(false)
  })

  it('sets, changes and removes a username by update', async () => {
    const { users } = store()
    const user = await users.create(newUser('lancelot@camelot.bt'))
    const named = await users.update(user, { username: 'lancelot' })
    expect(named['username']).toBe('lancelot')
    const renamed = await users.update(named, { username: 'Lancelot-du-Lac' })
    expect(renamed['username']).toBe('Lancelot-du-Lac')
    expect(await lookup('lancelot')).toBeNull()
    expect((await lookup('lancelot-du-lac'))?.id).toBe(user.id)
    const removed = await users.update(renamed, { username: null })
    expect('username' in removed).toBe(false)
    expect(await lookup('lancelot-du-lac')).toBeNull()
  })

  it('folds only ASCII letters, as for emails', async () => {
    const { users } = store()
    const accented = await users.create(newUser('e1@example.com', { username: 'Élodie' }))
    expect((await lookup('Élodie'))?.id).toBe(accented.id)
    expect(await lookup('élodie')).toBeNull()
  })

  itWithUniqueIndex('refuses a taken username in any letter case, on create and update', async () => {
    const { users } = store()
    await users.create(newUser('gawain@camelot.bt', { username: 'Gawain' }))
    await expect(users.create(newUser('other@camelot.bt', { username: 'gawain' }))).rejects.toBeInstanceOf(DuplicateUsernameError)
    await expect(users.create(newUser('other2@camelot.bt', { username: 'GAWAIN' }))).rejects.toBeInstanceOf(DuplicateUsernameError)
    const other = await users.create(newUser('other3@camelot.bt', { username: 'percival' }))
    await expect(users.update(other, { username: 'gAwAiN' })).rejects.toBeInstanceOf(DuplicateUsernameError)
    expect((await lookup('percival'))?.id).toBe(other.id)
    // A taken email still says so, whatever the username.
    await expect(users.create(newUser('GAWAIN@camelot.bt', { username: 'bors' }))).rejects.toBeInstanceOf(DuplicateEmailError)
  })

  itWithUniqueIndex('lets one of several concurrent claims of a username win', async () => {
    const { users } = store()
    const claims = ['Tristan', 'tristan', 'TRISTAN', 'tRISTAN'].map((username, index) =>
      users.create(newUser(`tristan${index}@camelot.bt`, { username })),
    )
    const results = await Promise.allSettled(claims)
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1)
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(DuplicateUsernameError)
    }
  })
}
