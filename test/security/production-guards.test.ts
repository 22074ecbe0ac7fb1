/**
 * Threat: a production deployment of the full example that leaks through its conveniences:
 * an outbox file holding live reset and verification tokens in clear, an API explorer nobody
 * meant to publish, and a login form in bytes that are not UTF-8 (ASVS 5.0 V13.4: no
 * development features in production).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../examples/full/app.ts'
import { ConfigError, readConfig } from '../../examples/full/config.ts'

const SECRET = 'a-production-secret-of-at-least-32-characters'
const quiet = () => {}

describe('OUTBOX_FILE in production', () => {
  it('refuses to start, unless OUTBOX_FILE_IN_PRODUCTION says the deployment means it', () => {
    const env = { NODE_ENV: 'production', SECRET, OUTBOX_FILE: '/tmp/outbox.jsonl' }
    expect(() => readConfig(env, quiet)).toThrow(ConfigError)
    expect(() => readConfig(env, quiet)).toThrow(/OUTBOX_FILE writes reset and verification tokens in clear/)
    expect(() => readConfig({ ...env, OUTBOX_FILE_IN_PRODUCTION: 'false' }, quiet)).toThrow(ConfigError)
    expect(() => readConfig({ ...env, OUTBOX_FILE_IN_PRODUCTION: 'maybe' }, quiet)).toThrow(/OUTBOX_FILE_IN_PRODUCTION must be true or false/)
    expect(readConfig({ ...env, OUTBOX_FILE_IN_PRODUCTION: 'true' }, quiet).outboxFile).toBe('/tmp/outbox.jsonl')
  })

  it('is allowed in development and without an outbox', () => {
    expect(readConfig({ SECRET, OUTBOX_FILE: '/tmp/outbox.jsonl' }, quiet).outboxFile).toBe('/tmp/outbox.jsonl')
    expect(readConfig({ NODE_ENV: 'production', SECRET }, quiet).outboxFile).toBeNull()
  })
})

describe('the example app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-users-guards-'))
  const build = (env: Record<string, string>) =>
    buildApp(readConfig({ SECRET, DATABASE_URL: `sqlite://${join(dir, `${Object.keys(env).join('-') || 'default'}.db`)}`, ...env }, quiet))
  const savedLevel = process.env.LOG_LEVEL
  let withDocs: FastifyInstance
  let withoutDocs: FastifyInstance
  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent'
    withDocs = await build({})
    withoutDocs = await build({ DOCS: 'off' })
  })
  afterAll(async () => {
    await withDocs.close()
    await withoutDocs.close()
    if (savedLevel === undefined) delete process.env.LOG_LEVEL
    else process.env.LOG_LEVEL = savedLevel
  })

  it('serves /docs by default and nothing there with DOCS=off', async () => {
    expect((await withDocs.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200)
    for (const url of ['/docs', '/docs/json', '/docs/static/index.html']) {
      expect((await withoutDocs.inject({ method: 'GET', url })).statusCode, url).toBe(404)
    }
    expect((await withoutDocs.inject({ method: 'POST', url: '/auth/register', payload: {} })).statusCode).toBe(422)
  })

  it('answers a login form that is not UTF-8 as SECURITY.md says: 400 LOGIN_BAD_CREDENTIALS, as FastAPI Users', async () => {
    const bodies = [
      Buffer.concat([Buffer.from('username=nobody%40example.com&password=ab'), Buffer.from([0xff, 0xfe]), Buffer.from('cdefgh')]),
      Buffer.from('username=nobody%40example.com&password=ab%FF%FEcdefgh'),
      Buffer.concat([Buffer.from('username=nob'), Buffer.from([0xc0, 0xaf]), Buffer.from('ody%40example.com&password=abcdefgh')]),
    ]
    for (const payload of bodies) {
      const res = await withDocs.inject({ method: 'POST', url: '/auth/jwt/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
    }
  })
})
