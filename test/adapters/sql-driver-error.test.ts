/**
 * The values MySQL and MariaDB quote in their messages, removed by src/db/sql/driver-error.ts,
 * for the messages a test cannot easily provoke (a charset refusing an email's characters) and
 * for values that hold quotes themselves. The drivers' own errors are in kysely-errors-suite.ts.
 */
import { describe, expect, it } from 'vitest'
import { withoutQueryValues } from '../../src/db/sql/driver-error.ts'
import { uniqueViolation } from '../../src/db/sql/unique-violation.ts'

/** An error as mysql2 raises it: the message twice, and the statement with its values. */
function mysqlError(message: string, statement: string): Error {
  return Object.assign(new Error(message), { code: 'ER_X', errno: 1062, sqlMessage: message, sql: statement })
}

describe('SQL driver errors without the query values', () => {
  it("replaces a quoted value by '…', keeping the key or column it names", () => {
    const cases = [
      ["Duplicate entry 'it''s' for key 'x' for key 'user.ux_user_email_ci'", "Duplicate entry '…' for key 'user.ux_user_email_ci'"],
      ["Incorrect string value: '\\xF0\\x9F\\x98\\x80@x.io' for column `app`.`user`.`email` at row 1",
        "Incorrect string value: '…' for column `app`.`user`.`email` at row 1"],
      ["Truncated incorrect DOUBLE value: 'secret'", "Truncated incorrect DOUBLE value: '…'"],
      ["Column 'is_active' cannot be null", "Column 'is_active' cannot be null"],
    ]
    for (const [message, expected] of cases) {
      const error = mysqlError(message!, "update `user` set `hashed_password` = '$argon2id$secret'")
      expect(withoutQueryValues(error)).toBe(error)
      expect(error.message).toBe(expected)
      expect(error).toMatchObject({ sqlMessage: expected, code: 'ER_X' })
      expect(error).not.toHaveProperty('sql')
      expect(error.stack?.split('\n')[0]).toBe(`Error: ${expected}`)
    }
  })

  it('still lets the adapter tell which unique index refused a write', () => {
    const error = mysqlError("Duplicate entry 'Arthur@camelot.bt' for key 'user.ux_user_email_ci'", 'insert …')
    expect(uniqueViolation(withoutQueryValues(error), 'mysql')).toBe('user.ux_user_email_ci')
  })

  it("drops PostgreSQL's detail and leaves what is not an error alone", () => {
    const error = Object.assign(new Error('null value in column "is_active"'), { code: '23502', detail: 'Failing row contains (…)' })
    expect(withoutQueryValues(error)).not.toHaveProperty('detail')
    expect(withoutQueryValues('text')).toBe('text')
    expect(withoutQueryValues(null)).toBeNull()
  })
})
