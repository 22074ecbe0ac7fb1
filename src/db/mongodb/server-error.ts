/**
 * MongoDB server errors without the values of the refused document. The adapter rethrows the
 * driver's error, since that is what an application knows how to inspect, but an application
 * logs what it catches, and a server error can quote what was written: a duplicate key error
 * names the key's value in its message ("dup key: { token: "…" }", an access token, an email
 * or, under an application's own index, a password hash) and again in `keyValue`, and a
 * document validation error lists the values it considered in `errInfo`. The driver keeps the
 * server's whole reply in `errorResponse` as well. Those values are removed; the index's name
 * and fields (`keyPattern`) stay, so the error still says which index refused the write.
 */
import { MongoServerError } from 'mongodb'

/** The key's value in a duplicate key message, after the index's name. */
const DUP_KEY_VALUE = /dup key: [\s\S]*$/
const REDACTED_DUP_KEY = 'dup key: { … }'
/** Properties holding values of the refused document. */
const VALUE_PROPERTIES = ['keyValue', 'errInfo'] as const

/**
 * `error` without the values of the refused write, for rethrowing; any other value as it is.
 * The error is changed in place, so that its class and other properties stay the driver's.
 *
 * @example
 * ```ts
 * try { await tokens.insertOne(document) } catch (error) { throw withoutDocumentValues(error) }
 * ```
 */
export function withoutDocumentValues(error: unknown): unknown {
  if (!(error instanceof MongoServerError)) return error
  const response: Record<string, unknown> = error.errorResponse
  for (const name of VALUE_PROPERTIES) {
    Reflect.deleteProperty(error, name)
    Reflect.deleteProperty(response, name)
  }
  if (typeof response['errmsg'] === 'string') response['errmsg'] = response['errmsg'].replace(DUP_KEY_VALUE, REDACTED_DUP_KEY)
  const message = error.message.replace(DUP_KEY_VALUE, REDACTED_DUP_KEY)
  if (message !== error.message) {
    if (typeof error.stack === 'string') error.stack = error.stack.replace(error.message, message)
    error.message = message
  }
  return error
}
