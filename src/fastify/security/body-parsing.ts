/**
 * How the routes of fastify-users read bodies, on top of Fastify's defaults (which already
 * refuse `__proto__` and `constructor.prototype` keys in JSON, cap bodies at 1 MiB, and read
 * `text/plain` as a string, which no JSON route's schema accepts, so a "simple" cross-site
 * request cannot carry JSON):
 *
 * - a JSON body must be valid UTF-8: Fastify would decode stray bytes to U+FFFD and store
 *   them, in an email say; it is a 422 instead;
 * - a JSON body may nest arrays and objects at most `maxJsonDepth` levels deep (default 32;
 *   the bodies of FastAPI Users have one): a deeper one is a 422 before it is parsed, so
 *   thousands of levels cost neither the parser's stack nor a handler's time, even in a key
 *   the schema would drop;
 * - an error while the body is read (a multipart body without its boundary, a truncated part)
 *   is the client's fault: the error handler answers it as a 422 instead of a 500
 *   (`failedReadingBody`);
 * - responses are `Cache-Control: no-store`: they carry tokens and users' data, which no
 *   shared cache may keep.
 */
import { isUtf8 } from 'node:buffer'
import type { FastifyInstance, FastifyRequest } from 'fastify'

const readingBody = new WeakSet<FastifyRequest>()

/** Levels of arrays and objects a JSON body may nest by default. */
export const DEFAULT_MAX_JSON_DEPTH = 32

/** Installs the body rules above on a route plugin's scope. */
export function installBodyRules(app: FastifyInstance, maxJsonDepth: number = DEFAULT_MAX_JSON_DEPTH): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer
    if (!isUtf8(bytes)) {
      done(Object.assign(new Error('the body is not valid UTF-8'), { statusCode: 400 }), undefined)
      return
    }
    if (nestingExceeds(bytes, maxJsonDepth)) {
      done(Object.assign(new Error('the JSON body is nested too deeply'), { statusCode: 400 }), undefined)
      return
    }
    parseJson(request, bytes.toString('utf8'), done)
  })
  // Callback hooks, not async ones: they run on every request of the scope, reads included,
  // and an async hook costs a promise and a microtask turn each time for nothing it awaits.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    readingBody.add(request)
    done(null, payload)
  })
  // Not `preValidation`: @fastify/multipart reads a multipart body in a preValidation hook of its
  // own, registered after this one, and its errors must count as the body's.
  app.addHook('preHandler', (request, _reply, done) => {
    readingBody.delete(request)
    done()
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
    done(null, payload)
  })
}

/**
 * Makes a scope's routes ignore their request bodies, as FastAPI ignores the body of a route
 * that declares none: whatever its content type, a body is never parsed, so it cannot turn the
 * answer into a 422. It is left unread (Node discards it once the response is sent), as
 * Fastify leaves a GET's.
 */
export function ignoreBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined))
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPENERS = new Set([0x5b, 0x7b])
const CLOSERS = new Set([0x5d, 0x7d])

/**
 * Whether arrays and objects nest deeper than `limit` in a JSON text, brackets inside strings
 * not counting. One pass over the bytes, without parsing; malformed text is left to the parser.
 */
export function nestingExceeds(json: Uint8Array, limit: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < json.length; i++) {
    const byte = json[i]!
    if (inString) {
      if (byte === BACKSLASH) i++
      else if (byte === QUOTE) inString = false
    } else if (byte === QUOTE) {
      inString = true
    } else if (OPENERS.has(byte)) {
      if (++depth > limit) return true
    } else if (CLOSERS.has(byte)) {
      depth--
    }
  }
  return false
}

/** Whether an error came up while the request's body was being read (and so is the client's). */
export function failedReadingBody(request: FastifyRequest): boolean {
  return readingBody.has(request)
}
