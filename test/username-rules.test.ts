/**
 * The username rules (src/username/rules.ts) and their configuration, without a database.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_RESERVED_USERNAMES, foldUsername, UsernameRules } from '../src/username/rules.ts'
import { Usernames, UsernamesUnsupportedError } from '../src/username/usernames.ts'
import type { UserDatabase } from '../src/db/types.ts'

describe('UsernameRules', () => {
  const rules = new UsernameRules()

  it('accepts letters, digits, dots, hyphens and underscores in any case, between 3 and 32 characters', () => {
    for (const username of ['abc', 'King.Arthur', 'sir_kay-2', 'x'.repeat(32), '007']) {
      expect(rules.check(username)).toEqual({ username })
    }
  })

  it('refuses, in this order: an @, the length, the pattern, a reserved name', () => {
    expect(rules.check('a@b')).toEqual({ reason: 'Username must not contain @' })
    expect(rules.check('@')).toEqual({ reason: 'Username must not contain @' })
    expect(rules.check('ab')).toEqual({ reason: 'Username must be between 3 and 32 characters' })
    expect(rules.check('x'.repeat(33))).toEqual({ reason: 'Username must be between 3 and 32 characters' })
    for (const username of ['.kay', 'kay.', 'sir kay', 'kay\n', 'Élodie', 'ka/y']) {
      expect(rules.check(username)).toHaveProperty('reason', expect.stringContaining('may only contain'))
    }
    for (const username of ['admin', 'ROOT', 'api', 'no-reply']) {
      expect(rules.check(username)).toEqual({ reason: 'Username is reserved' })
    }
    // `me` is shorter than the default minimum; with a shorter one, it is still reserved.
    expect(new UsernameRules({ minLength: 1 }).check('Me')).toEqual({ reason: 'Username is reserved' })
    expect(DEFAULT_RESERVED_USERNAMES).toContain('admin')
  })

  it('checks and stores the NFKC form, and counts code points', () => {
    expect(rules.check('ｋａｙ')).toEqual({ username: 'kay' })
    const unicode = new UsernameRules({ pattern: /^\p{L}+$/u, minLength: 3, maxLength: 3 })
    expect(unicode.check('😀😀😀')).toEqual({ reason: 'Username contains characters that are not allowed' })
    expect(unicode.check('Éla')).toEqual({ username: 'Éla' })
    expect(unicode.check('Élan')).toHaveProperty('reason')
  })

  it('takes its pattern, bounds and reserved names from the options; a global pattern keeps working', () => {
    const custom = new UsernameRules({ pattern: /^[a-z]+$/g, minLength: 2, maxLength: 4, reserved: ['Bob'], required: true })
    expect(custom.required).toBe(true)
    expect(custom.check('ab')).toEqual({ username: 'ab' })
    expect(custom.check('ab')).toEqual({ username: 'ab' })
    expect(custom.check('bob')).toEqual({ reason: 'Username is reserved' })
    expect(custom.check('admin')).toHaveProperty('reason', 'Username must be between 2 and 4 characters')
    expect(custom.check('a1')).toEqual({ reason: 'Username contains characters that are not allowed' })
  })

  it('refuses impossible bounds', () => {
    expect(() => new UsernameRules({ minLength: 0 })).toThrow(TypeError)
    expect(() => new UsernameRules({ minLength: 5, maxLength: 4 })).toThrow(TypeError)
    expect(() => new UsernameRules({ maxLength: 256 })).toThrow(TypeError)
  })

  it('folds ASCII letters only, as the databases do', () => {
    expect(foldUsername('King.ARTHUR')).toBe('king.arthur')
    expect(foldUsername('Élodie')).toBe('Élodie')
  })
})

describe('Usernames', () => {
  it('needs a user database that looks users up by username', () => {
    const db = { getByEmail: async () => null } as unknown as UserDatabase
    expect(() => new Usernames({}, db)).toThrow(UsernamesUnsupportedError)
  })
})
