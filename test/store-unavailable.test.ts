/**
 * Which errors mean that a store is unavailable (answered 503), and which stay what they are.
 */
import { describe, expect, it } from 'vitest'
import { DuplicateEmailError, ServiceUnavailableError, UsersError } from '../src/errors.ts'
import { asServiceUnavailable, isStoreUnavailable } from '../src/store-unavailable.ts'

const withFields = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields)

describe('isStoreUnavailable', () => {
  it.each([
    ['a refused socket', withFields('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['a reset socket', withFields('read ECONNRESET', { code: 'ECONNRESET' })],
    ['several refused addresses', new AggregateError([withFields('x', { code: 'ECONNREFUSED' })], 'connect failed')],
    ['a refused socket as a cause', new Error('query failed', { cause: withFields('x', { code: 'ECONNREFUSED' }) })],
    ['pg: a dropped connection', new Error('Connection terminated unexpectedly')],
    ['pg: a query timeout', new Error('Query read timeout')],
    ['pg: a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['PostgreSQL shutting down', withFields('terminating connection due to administrator command', { code: '57P01' })],
    ['PostgreSQL starting up', withFields('the database system is starting up', { code: '57P03' })],
    ['PostgreSQL connection exception', withFields('connection failure', { code: '08006' })],
    ['mysql2: connection lost', withFields('Connection lost: The server closed the connection.', { code: 'PROTOCOL_CONNECTION_LOST', fatal: true })],
    ['mysql2: query timeout', withFields('Query inactivity timeout', { code: 'PROTOCOL_SEQUENCE_TIMEOUT', fatal: true })],
    ['MariaDB: connection killed at shutdown', withFields('Connection was killed', { code: 'ER_CONNECTION_KILLED' })],
    ['MongoDB: no server', Object.assign(new Error('Server selection timed out'), { name: 'MongoServerSelectionError' })],
    ['MongoDB: network', Object.assign(new Error('connection closed'), { name: 'MongoNetworkError' })],
    ['MongoDB: shutdown in progress', Object.assign(new Error('shutting down'), { name: 'MongoServerError', code: 91 })],
    ['ioredis: closed', new Error('Connection is closed.')],
    ['ioredis: offline queue off', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['ioredis: command timeout', new Error('Command timed out')],
    ['ioredis: retries exhausted', Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' })],
    ['a ServiceUnavailableError', new ServiceUnavailableError()],
  ])('%s is an outage', (_, error) => {
    expect(isStoreUnavailable(error)).toBe(true)
  })

  it.each([
    ['a unique violation', withFields('duplicate key value violates unique constraint', { code: '23505' })],
    ['a MySQL duplicate', withFields("Duplicate entry '…' for key 'ix_user_email'", { code: 'ER_DUP_ENTRY', errno: 1062 })],
    ['a syntax error', withFields('syntax error at or near "SELEC"', { code: '42601' })],
    ['a MongoDB duplicate key', Object.assign(new Error('E11000 duplicate key'), { name: 'MongoServerError', code: 11000 })],
    ['a wire error of the library', new UsersError('LOGIN_BAD_CREDENTIALS')],
    ['a duplicate email', new DuplicateEmailError()],
    ['a plain bug', new TypeError('x is not a function')],
    ['not an error', 'ECONNREFUSED'],
  ])('%s is not', (_, error) => {
    expect(isStoreUnavailable(error)).toBe(false)
  })
})

describe('asServiceUnavailable', () => {
  it('wraps an outage, keeping the driver error as the cause only', () => {
    const driver = withFields('connect ECONNREFUSED 10.0.0.5:5432', { code: 'ECONNREFUSED' })
    const error = asServiceUnavailable(driver)
    expect(error).toBeInstanceOf(ServiceUnavailableError)
    expect((error as ServiceUnavailableError).detail).toBe('SERVICE_UNAVAILABLE')
    expect((error as ServiceUnavailableError).headers).toEqual({ 'retry-after': '1' })
    expect((error as Error).cause).toBe(driver)
    expect((error as Error).message).not.toContain('10.0.0.5')
  })

  it('leaves any other error as it is', () => {
    const error = new TypeError('bug')
    expect(asServiceUnavailable(error)).toBe(error)
  })
})
