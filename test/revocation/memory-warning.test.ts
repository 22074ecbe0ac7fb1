/**
 * A JWT strategy given no revocation store keeps logouts in this process, and says so once per
 * process: the operator learns that other instances and a restart do not see them.
 */
import { expect, it } from 'vitest'
import { JwtStrategy } from '../../src/index.ts'
import { silencedWarnings } from '../support/quiet-warnings.ts'

it('warns once that JWT logouts stay in the process, for any number of strategies', () => {
  expect(silencedWarnings).toEqual([])
  new JwtStrategy({ secret: 'a-secret-of-at-least-32-characters-long', lifetimeSeconds: 60 })
  new JwtStrategy({ secret: 'another-secret-of-at-least-32-characters', lifetimeSeconds: 60 })
  expect(silencedWarnings).toEqual([expect.stringMatching(/^JWT logouts are kept in this process only/)])
})
