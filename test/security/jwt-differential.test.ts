/**
 * Threat: a token that jose would refuse slipping through the synchronous verifier of
 * src/jwt/verify.ts (which replaces jose on the hot path). A differential test: fast-check
 * generates signed tokens with registered claims of every type and timing (wrong types,
 * `1e400`, fractions, past and future dates, odd audiences, extra header parameters, invalid
 * UTF-8), jose's `jwtVerify` and `verifyJwt` check each with the same options, and the verdicts
 * must be equal, except for the rules where `verifyJwt` is deliberately stricter (PyJWT's),
 * which `stricterThanJose` spells out independently.
 */
import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { InvalidTokenError } from '../../src/errors.ts'
import { importJwtKeys } from '../../src/jwt/keys.ts'
import { verifyJwt } from '../../src/jwt/verify.ts'

const SECRET = 'differential-secret-that-is-long-enough-0123456789'
const KEYS = importJwtKeys({ secret: SECRET, algorithm: 'HS256' })
const RAW_KEY = new TextEncoder().encode(SECRET)
const AUDIENCE = 'fastapi-users:auth'
const NOW = 1_800_000_000

/** A JSON value as text, so that `1e400` and `-1e400` can appear as they would on the wire. */
const jsonText = (value: unknown): string => JSON.stringify(value)
// Mostly well-typed values, so that a fair share of the corpus is accepted by both.
const timeValue = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -7200, max: 7200 }).map((offset) => jsonText(NOW + offset)) },
  fc.constantFrom(`${NOW}`, `${NOW + 1}`, `${NOW - 1}`, `${NOW}.5`, `${NOW - 0.5}`, '1e400', '-1e400', '0', '-1', '1.5e9'),
  fc.constantFrom('"1800000000"', 'null', 'true', '[]', '{}', `[${NOW + 60}]`),
)
const stringClaim = fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 8 }).map(jsonText) }, fc.constantFrom('1', 'null', 'false', '["a"]', '{}'))
const audience = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(jsonText(AUDIENCE), jsonText([AUDIENCE]), jsonText(['other', AUDIENCE])) },
  fc.constantFrom(jsonText('other'), jsonText([])),
  fc.constantFrom(`[1,${jsonText(AUDIENCE)}]`, `[null,${jsonText(AUDIENCE)}]`, '1', 'null', '{}', jsonText(AUDIENCE.toUpperCase())),
)
const claimSet = fc.record(
  { exp: timeValue, nbf: timeValue, iat: timeValue, aud: audience, sub: stringClaim, iss: stringClaim, jti: stringClaim },
  { requiredKeys: [] },
)
const header = fc.oneof(
  { weight: 6, arbitrary: fc.constant('{"alg":"HS256","typ":"JWT"}') },
  fc.constantFrom(
    '{"alg":"HS256"}', '{"alg":"HS384","typ":"JWT"}', '{"alg":"none"}', '{"typ":"JWT"}', '{"alg":"HS256","crit":["exp"]}',
    '{"alg":"HS256","crit":["b64"],"b64":false}', '{"alg":"HS256","b64":true}', '[]', '"HS256"', '{"alg":["HS256"]}',
  ),
)

interface Generated {
  header: string
  claims: Record<string, string>
  /** Bytes appended inside the payload's JSON string member, sometimes invalid UTF-8. */
  tail: Buffer
}

const generated = fc.record({
  header,
  claims: claimSet,
  tail: fc.oneof(fc.constant(Buffer.alloc(0)), fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from('é'))),
})

function token({ header, claims, tail }: Generated): string {
  const members = Object.entries(claims).map(([name, value]) => `"${name}":${value}`)
  const payload = Buffer.concat([Buffer.from(`{${[...members, '"x":"'].join(',')}`), tail, Buffer.from('"}')])
  const input = `${Buffer.from(header).toString('base64url')}.${payload.toString('base64url')}`
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`
}

/** The rules `verifyJwt` adds to jose's: PyJWT's, written from the generated parts. */
function stricterThanJose({ header, claims }: Generated): boolean {
  const parsed = (name: string): unknown => (claims[name] === undefined ? undefined : JSON.parse(claims[name]!))
  const headerObject = JSON.parse(header) as Record<string, unknown>
  if (typeof headerObject === 'object' && headerObject !== null && 'crit' in headerObject) return true
  for (const name of ['exp', 'nbf', 'iat']) {
    const value = parsed(name)
    if (typeof value === 'number' && !Number.isFinite(value)) return true
  }
  const iat = parsed('iat')
  if (typeof iat === 'number' && iat > NOW) return true
  for (const name of ['iss', 'sub', 'jti']) {
    const value = parsed(name)
    if (value !== undefined && typeof value !== 'string') return true
  }
  const aud = parsed('aud')
  return Array.isArray(aud) && aud.some((member) => typeof member !== 'string')
}

async function joseAccepts(jwt: string): Promise<boolean> {
  try {
    await jwtVerify(jwt, RAW_KEY, { algorithms: ['HS256'], audience: AUDIENCE, currentDate: new Date(NOW * 1000) })
    return true
  } catch {
    return false
  }
}

function oursAccepts(jwt: string): boolean {
  try {
    verifyJwt(jwt, KEYS, { audience: AUDIENCE, now: NOW })
    return true
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError)
    return false
  }
}

describe('verifyJwt against jose jwtVerify', () => {
  it('refuses every generated token jose refuses, and otherwise only for its documented stricter rules', async () => {
    const verdicts = { accepted: 0, refusedByBoth: 0, refusedByOursOnly: 0 }
    await fc.assert(
      fc.asyncProperty(generated, async (parts) => {
        const jwt = token(parts)
        const jose = await joseAccepts(jwt)
        const ours = oursAccepts(jwt)
        expect(ours).toBe(jose && !stricterThanJose(parts))
        if (ours) verdicts.accepted++
        else if (jose) verdicts.refusedByOursOnly++
        else verdicts.refusedByBoth++
      }),
      { numRuns: 3000, seed: 20261203 },
    )
    // The corpus exercises all three outcomes, so the property is not vacuous.
    expect(verdicts.accepted).toBeGreaterThan(20)
    expect(verdicts.refusedByBoth).toBeGreaterThan(100)
    expect(verdicts.refusedByOursOnly).toBeGreaterThan(20)
  })

  it('refuses an exp of 1e400, which jose takes for a token that never expires', async () => {
    const jwt = token({ header: '{"alg":"HS256","typ":"JWT"}', claims: { aud: jsonText(AUDIENCE), exp: '1e400' }, tail: Buffer.alloc(0) })
    expect(await joseAccepts(jwt)).toBe(true)
    expect(oursAccepts(jwt)).toBe(false)
  })

  it('takes a clock tolerance for exp, nbf and iat', () => {
    const jwt = token({
      header: '{"alg":"HS256","typ":"JWT"}',
      claims: { aud: jsonText(AUDIENCE), exp: `${NOW - 5}`, nbf: `${NOW + 5}`, iat: `${NOW + 5}` },
      tail: Buffer.alloc(0),
    })
    expect(() => verifyJwt(jwt, KEYS, { audience: AUDIENCE, now: NOW })).toThrow(InvalidTokenError)
    expect(verifyJwt(jwt, KEYS, { audience: AUDIENCE, now: NOW, clockTolerance: 10 }).aud).toBe(AUDIENCE)
  })
})
