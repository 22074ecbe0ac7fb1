/**
 * The CSRF rule on its own (src/security/cross-site.ts): which methods are exempt, how an
 * `Origin` is compared with the allowed origins and with the host the request was sent to,
 * `Sec-Fetch-Site` without an `Origin`, and the allowed origins' own validation.
 */
import { describe, expect, it } from 'vitest'
import { isCrossSiteRequest, parseAllowedOrigins } from '../../src/security/cross-site.ts'

const none = new Set<string>()
const post = (host: string | undefined, headers: Record<string, string | string[] | undefined>) => ({ method: 'POST', host, headers })

describe('isCrossSiteRequest', () => {
  it('never calls a safe method cross-site, in any case', () => {
    for (const method of ['GET', 'head', 'Options', 'TRACE']) {
      expect(isCrossSiteRequest({ method, host: 'api.example.com', headers: { origin: 'https://evil.example' } }, none)).toBe(false)
    }
    for (const method of ['POST', 'put', 'PATCH', 'DELETE']) {
      expect(isCrossSiteRequest({ method, host: 'api.example.com', headers: { origin: 'https://evil.example' } }, none)).toBe(true)
    }
  })

  it('without Origin, follows Sec-Fetch-Site: only cross-site (any case) is cross-site', () => {
    expect(isCrossSiteRequest(post('api.example.com', { 'sec-fetch-site': 'cross-site' }), none)).toBe(true)
    expect(isCrossSiteRequest(post('api.example.com', { 'sec-fetch-site': 'Cross-Site' }), none)).toBe(true)
    expect(isCrossSiteRequest(post('api.example.com', { 'sec-fetch-site': ['cross-site', 'same-origin'] }), none)).toBe(true)
    expect(isCrossSiteRequest(post('api.example.com', { 'sec-fetch-site': 'same-site' }), none)).toBe(false)
    expect(isCrossSiteRequest(post('api.example.com', { 'sec-fetch-site': 'same-origin' }), none)).toBe(false)
    expect(isCrossSiteRequest(post('api.example.com', {}), none)).toBe(false)
  })

  it('ignores Sec-Fetch-Site when an Origin is present', () => {
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'https://api.example.com', 'sec-fetch-site': 'cross-site' }), none)).toBe(false)
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }), none)).toBe(true)
  })

  it('calls Origin: null and a malformed Origin cross-site, even on an allowed host', () => {
    const allowed = parseAllowedOrigins(['https://app.example.com'])
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'null' }), allowed)).toBe(true)
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'not a url' }), allowed)).toBe(true)
    // A URL whose origin is opaque: `new URL` parses it, its origin is "null".
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'data:text/plain,x' }), allowed)).toBe(true)
    // An opaque origin with the request's host name: its host would compare equal.
    expect(isCrossSiteRequest(post('api.example.com/', { origin: 'foo://api.example.com' }), none)).toBe(true)
  })

  it('reads the first value of a repeated Origin', () => {
    expect(isCrossSiteRequest(post('api.example.com', { origin: ['https://api.example.com', 'https://evil.example'] }), none)).toBe(false)
    expect(isCrossSiteRequest(post('api.example.com', { origin: ['https://evil.example', 'https://api.example.com'] }), none)).toBe(true)
  })

  it('accepts an allowed origin on any host, and only that origin', () => {
    const allowed = parseAllowedOrigins(['https://app.example.com'])
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'https://app.example.com' }), allowed)).toBe(false)
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'https://APP.example.com:443' }), allowed)).toBe(false)
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'http://app.example.com' }), allowed)).toBe(true)
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'https://app.example.com:8443' }), allowed)).toBe(true)
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'https://evil.app.example.com' }), allowed)).toBe(true)
  })

  it('accepts the origin of the host the request was sent to, name and port', () => {
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'https://api.example.com' }), none)).toBe(false)
    expect(isCrossSiteRequest(post('API.example.com', { origin: 'https://api.example.com' }), none)).toBe(false)
    expect(isCrossSiteRequest(post('api.example.com:443', { origin: 'https://api.example.com' }), none)).toBe(false)
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'http://api.example.com:80' }), none)).toBe(false)
    expect(isCrossSiteRequest(post('localhost:3000', { origin: 'http://localhost:3000' }), none)).toBe(false)
    expect(isCrossSiteRequest(post('api.example.com:8443', { origin: 'https://api.example.com:8443' }), none)).toBe(false)
  })

  it('refuses another host, another port, or a sibling subdomain', () => {
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'https://www.example.com' }), none)).toBe(true)
    expect(isCrossSiteRequest(post('api.example.com', { origin: 'https://api.example.com:8443' }), none)).toBe(true)
    expect(isCrossSiteRequest(post('api.example.com:8443', { origin: 'https://api.example.com' }), none)).toBe(true)
    expect(isCrossSiteRequest(post('localhost:3000', { origin: 'http://localhost:3001' }), none)).toBe(true)
    // Default ports differ by scheme: https's 443 is not http's 80.
    expect(isCrossSiteRequest(post('api.example.com:80', { origin: 'https://api.example.com' }), none)).toBe(true)
    expect(isCrossSiteRequest(post('api.example.com:443', { origin: 'http://api.example.com' }), none)).toBe(true)
  })

  it('refuses when the host is missing, empty, malformed, or smuggles a user or a path', () => {
    expect(isCrossSiteRequest(post(undefined, { origin: 'https://api.example.com' }), none)).toBe(true)
    // A missing host is not the host "undefined".
    expect(isCrossSiteRequest(post(undefined, { origin: 'https://undefined' }), none)).toBe(true)
    expect(isCrossSiteRequest(post('', { origin: 'https://api.example.com' }), none)).toBe(true)
    expect(isCrossSiteRequest(post('api.example.com:99999', { origin: 'https://api.example.com' }), none)).toBe(true)
    expect(isCrossSiteRequest(post('[::1', { origin: 'http://[::1]' }), none)).toBe(true)
    expect(isCrossSiteRequest(post('evil@api.example.com', { origin: 'https://api.example.com' }), none)).toBe(true)
    expect(isCrossSiteRequest(post('api.example.com/x', { origin: 'https://api.example.com' }), none)).toBe(true)
  })
})

describe('parseAllowedOrigins', () => {
  it('normalizes each origin: case, default port', () => {
    expect(parseAllowedOrigins(['https://App.Example.com:443', 'http://localhost:3000', 'http://x.example:80'])).toEqual(
      new Set(['https://app.example.com', 'http://localhost:3000', 'http://x.example']),
    )
    expect(parseAllowedOrigins([])).toEqual(new Set())
  })

  it('rejects what is not a URL, naming it', () => {
    expect(() => parseAllowedOrigins(['app.example.com'])).toThrow(new TypeError('allowed origin "app.example.com" is not a URL'))
  })

  it('rejects a path, a query, a trailing slash, or an opaque origin, naming it', () => {
    // `foo://bar/?` has the path `/` and no query, but an opaque origin: only that check refuses it.
    for (const origin of ['https://app.example.com/app', 'https://app.example.com?x=1', 'https://app.example.com/', 'data:text/plain,x', 'foo://bar/?']) {
      expect(() => parseAllowedOrigins([origin])).toThrow(new TypeError(`allowed origin "${origin}" must be scheme://host[:port], without a path`))
    }
  })
})
