/**
 * The user half of the adapter suite: lookups, case-insensitive uniqueness (ASCII folding,
 * enforced atomically by the database), updates, deletes and custom fields.
 */
import { expect, it } from 'vitest'
import { DuplicateEmailError } from '../../src/errors.ts'
import { newUser, UUID, type StoreRef, type SuiteOptions } from './suite.ts'

/** `email` with the letters chosen by the bits of `variant` in upper case. */
function caseVariant(email: string, variant: number): string {
  let letter = 0
  return email.replace(/[a-z]/g, (c) => ((variant >> letter++) & 1 ? c.toUpperCase() : c))
}

export function userTests(store: StoreRef, options: SuiteOptions = {}): void {
  const reason = options.uniqueIndexesUnenforced
  const itWithUniqueIndex = reason === undefined ? it : (title: string, test: () => Promise<void>) => it.skip(`${title} (skipped: ${reason})`, test)
  it('creates a user with a new lower-case UUID and reads it back by id', async () => {
    const { users } = store()
    const created = await users.create(newUser('King.Arthur@camelot.bt', { is_superuser: true }))
    expect(created.id).toMatch(UUID)
    expect(created).toMatchObject({
      email: 'King.Arthur@camelot.bt',
      is_active: true,
      is_superuser: true,
      is_verified: false,
      hashed_password: newUser('x').hashed_password,
    })
    expect(Object.keys(created).slice(0, 6)).toEqual([
      'id', 'email', 'is_active', 'is_superuser', 'is_verified', 'hashed_password',
    ])
    expect(await users.get(created.id)).toEqual(created)
    expect(await users.get(created.id.toUpperCase())).toEqual(created)
  })

  it('returns null for an unknown or malformed id', async () => {
    const { users } = store()
    await users.create(newUser('someone@example.com'))
    expect(await users.get('00000000-0000-4000-8000-000000000000')).toBeNull()
    expect(await users.get('not-a-uuid')).toBeNull()
    expect(await users.get('')).toBeNull()
  })

  it('returns JavaScript booleans for every flag combination', async () => {
    const { users } = store()
    const inactive = await users.create(newUser('inactive@example.com', { is_active: false, is_verified: true }))
    const fetched = await users.get(inactive.id)
    expect(fetched?.is_active).toBe(false)
    expect(fetched?.is_superuser).toBe(false)
    expect(fetched?.is_verified).toBe(true)
  })

  it('finds a user by email in any ASCII letter case, keeping the stored spelling', async () => {
    const { users } = store()
    const created = await users.create(newUser('King.Arthur@camelot.bt'))
    expect((await users.getByEmail('king.arthur@camelot.bt'))?.id).toBe(created.id)
    expect((await users.getByEmail('KING.ARTHUR@CAMELOT.BT'))?.email).toBe('King.Arthur@camelot.bt')
    expect(await users.getByEmail('king.arthur@camelot.b')).toBeNull()
    expect(await users.getByEmail('king.arthur@camelot.bt ')).toBeNull()
    expect(await users.getByEmail('nobody@camelot.bt')).toBeNull()
  })

  it('folds only ASCII letters, the same in every database', async () => {
    const { users } = store()
    const accented = await users.create(newUser('Élodie@example.com'))
    expect((await users.getByEmail('Élodie@EXAMPLE.com'))?.id).toBe(accented.id)
    expect(await users.getByEmail('élodie@example.com')).toBeNull()
    // So `é` and `É` are different addresses, and both may register.
    const other = await users.create(newUser('élodie@example.com'))
    expect(other.id).not.toBe(accented.id)
    expect((await users.getByEmail('élodie@example.com'))?.id).toBe(other.id)
  })

  itWithUniqueIndex('refuses a taken email, in the same or another letter case', async () => {
    const { users } = store()
    await users.create(newUser('King.Arthur@camelot.bt'))
    await expect(users.create(newUser('King.Arthur@camelot.bt'))).rejects.toBeInstanceOf(DuplicateEmailError)
    await expect(users.create(newUser('king.arthur@camelot.bt'))).rejects.toBeInstanceOf(DuplicateEmailError)
    await expect(users.create(newUser('KING.ARTHUR@CAMELOT.BT'))).rejects.toBeInstanceOf(DuplicateEmailError)
  })

  itWithUniqueIndex('lets exactly one of 50 concurrent registrations of one email in varying case succeed', async () => {
    const { users } = store()
    const emails = Array.from({ length: 50 }, (_, i) => caseVariant('race.condition@example.com', i))
    const results = await Promise.allSettled(emails.map((email) => users.create(newUser(email))))
    const created = results.filter((result) => result.status === 'fulfilled')
    const refused = results.filter((result) => result.status === 'rejected')
    expect(created).toHaveLength(1)
    expect(refused).toHaveLength(49)
    for (const result of refused) expect(result.reason).toBeInstanceOf(DuplicateEmailError)
    const winner = created[0]?.value
    expect((await users.getByEmail('RACE.CONDITION@example.com'))?.id).toBe(winner?.id)
  })

  it('updates the given fields only and returns the stored user', async () => {
    const { users } = store()
    const user = await users.create(newUser('lancelot@camelot.bt', { nickname: 'Lance' }))
    const updated = await users.update(user, { is_verified: true, hashed_password: 'new-hash' })
    expect(updated).toEqual({ ...user, is_verified: true, hashed_password: 'new-hash' })
    expect(await users.get(user.id)).toEqual(updated)
    expect(await users.update(updated, {})).toEqual(updated)
    const deactivated = await users.update(updated, { is_active: false, is_superuser: true })
    expect(deactivated.is_active).toBe(false)
    expect(deactivated.is_superuser).toBe(true)
  })

  it('replaces the password hash only while the stored one is the expected one', async () => {
    const { users } = store()
    const user = await users.create(newUser('tristan@cornwall.bt', { nickname: 'Tris' }))
    const changed = await users.updatePassword(user, user.hashed_password, 'new-hash')
    expect(changed).toEqual({ ...user, hashed_password: 'new-hash' })
    expect(await users.get(user.id)).toEqual(changed)
    // The old hash is stored no more: a change from it is refused, and changes nothing.
    expect(await users.updatePassword(user, user.hashed_password, 'stale-hash')).toBeNull()
    expect(await users.updatePassword(user, 'NEW-HASH', 'stale-hash')).toBeNull()
    expect(await users.get(user.id)).toEqual(changed)
    const gone = { ...user, id: '00000000-0000-4000-8000-000000000000' }
    expect(await users.updatePassword(gone, 'new-hash', 'other-hash')).toBeNull()
    expect(await users.updatePassword({ ...user, id: 'not-a-uuid' }, 'new-hash', 'other-hash')).toBeNull()
  })

  it('lets exactly one of 20 concurrent password changes from one hash succeed', async () => {
    const { users } = store()
    const user = await users.create(newUser('isolde@cornwall.bt'))
    const other = await users.create(newUser('mark@cornwall.bt'))
    const hashes = Array.from({ length: 20 }, (_, i) => `hash-${i}`)
    const results = await Promise.all(hashes.map((hash) => users.updatePassword(user, user.hashed_password, hash)))
    const winners = results.filter((result) => result !== null)
    expect(winners).toHaveLength(1)
    expect(hashes).toContain(winners[0]?.hashed_password)
    expect((await users.get(user.id))?.hashed_password).toBe(winners[0]?.hashed_password)
    expect(await users.get(other.id)).toEqual(other)
  })

  itWithUniqueIndex('changes the email, refusing one another user holds in any letter case', async () => {
    const { users } = store()
    const arthur = await users.create(newUser('arthur@camelot.bt'))
    const lancelot = await users.create(newUser('lancelot@camelot.bt'))
    await expect(users.update(lancelot, { email: 'Arthur@camelot.bt' })).rejects.toBeInstanceOf(DuplicateEmailError)
    await expect(users.update(lancelot, { email: 'arthur@camelot.bt' })).rejects.toBeInstanceOf(DuplicateEmailError)
    expect((await users.get(lancelot.id))?.email).toBe('lancelot@camelot.bt')
    // Changing only the letter case of one's own email is an update (CONTRACT, difference 2).
    const recased = await users.update(arthur, { email: 'Arthur@camelot.bt' })
    expect(recased.email).toBe('Arthur@camelot.bt')
    const moved = await users.update(lancelot, { email: 'sir.lancelot@camelot.bt' })
    expect((await users.getByEmail('SIR.LANCELOT@camelot.bt'))?.id).toBe(moved.id)
    expect(await users.getByEmail('lancelot@camelot.bt')).toBeNull()
  })

  it('deletes a user, leaving the others', async () => {
    const { users } = store()
    const gone = await users.create(newUser('mordred@camelot.bt'))
    const kept = await users.create(newUser('gawain@camelot.bt'))
    await users.delete(gone)
    expect(await users.get(gone.id)).toBeNull()
    expect(await users.getByEmail('mordred@camelot.bt')).toBeNull()
    expect(await users.get(kept.id)).toEqual(kept)
    // The email is free again.
    await expect(users.create(newUser('Mordred@camelot.bt'))).resolves.toMatchObject({ email: 'Mordred@camelot.bt' })
  })

  it('stores and returns custom fields of every type', async () => {
    const { users } = store()
    const birthday = new Date('1990-02-03T04:05:06.789Z')
    const preferences = { theme: 'dark', tags: ['a', 'b'], nested: { n: 1, ok: true, none: null } }
    const user = await users.create(
      newUser('galahad@camelot.bt', { nickname: 'Gal', age: 42, newsletter: true, score: 3.25, birthday, preferences }),
    )
    const expected = { nickname: 'Gal', age: 42, newsletter: true, score: 3.25, birthday, preferences }
    expect(user).toMatchObject(expected)
    expect(await users.get(user.id)).toMatchObject(expected)
    expect(await users.getByEmail('GALAHAD@camelot.bt')).toMatchObject(expected)
    expect((await users.get(user.id))?.birthday).toBeInstanceOf(Date)

    const changed = await users.update(user, { newsletter: false, age: 43, preferences: ['x'], nickname: null })
    expect(changed).toMatchObject({ newsletter: false, age: 43, preferences: ['x'], nickname: null, score: 3.25 })
    expect(await users.get(user.id)).toEqual(changed)
  })

  it('fills absent custom fields with their default or null', async () => {
    const { users } = store()
    const user = await users.create(newUser('percival@camelot.bt'))
    expect(user).toMatchObject({
      nickname: null,
      age: null,
      newsletter: false,
      score: null,
      birthday: null,
      preferences: null,
    })
  })
}
