/**
 * Timestamps as text, in the format FastAPI Users (SQLAlchemy) writes to SQLite:
 * `YYYY-MM-DD HH:MM:SS.ffffff` in UTC without an offset. Every value has the same width, so
 * comparing the strings compares the instants, which lets `created_at >= :cutoff` run on the
 * index. MySQL receives the same text for its DATETIME(6) columns, so the session time zone of
 * whoever created the pool cannot shift the stored instant.
 */

const pad = (value: number, width: number): string => String(value).padStart(width, '0')

/**
 * Formats an instant as FastAPI Users stores it on SQLite.
 *
 * @example
 * ```ts
 * formatSqlTimestamp(new Date('2024-05-06T07:08:09.123Z')) // '2024-05-06 07:08:09.123000'
 * ```
 */
export function formatSqlTimestamp(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)} ` +
    `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.` +
    `${pad(date.getUTCMilliseconds(), 3)}000`
  )
}

const SQL_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * Reads a stored timestamp: a Date as the driver gave it, or text in FastAPI Users' format
 * (UTC when it has no offset, as SQLAlchemy means it). Returns `null` for text it cannot read.
 *
 * @example
 * ```ts
 * parseSqlTimestamp('2024-05-06 07:08:09.123456') // Date 2024-05-06T07:08:09.123Z
 * ```
 */
export function parseSqlTimestamp(value: unknown): Date | null {
  if (value instanceof Date) return value
  if (typeof value === 'number') return new Date(value)
  if (typeof value !== 'string') return null
  const match = SQL_TIMESTAMP.exec(value.trim())
  if (match === null) return null
  const [, year, month, day, hour, minute, second, fraction = '', offset = 'Z'] = match
  let millis = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    Number(fraction.padEnd(3, '0').slice(0, 3)),
  )
  if (offset.toUpperCase() !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1
    const digits = offset.slice(1).replace(':', '')
    millis -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000
  }
  return new Date(millis)
}
