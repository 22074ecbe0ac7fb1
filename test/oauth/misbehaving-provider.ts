/**
 * Steering the OpenID Provider's answers to the server, per test case: the global `fetch`
 * (which openid-client calls for every request to the provider) is wrapped, and requests to the
 * provider's token or user-info endpoint get the real provider's answer edited, another
 * answer, or a connection refused by a closed port on 127.0.0.1. Browsers in the tests use the
 * same `fetch`, but never call those two endpoints.
 */
import { freePort } from '../support/free-port.ts'

export type Endpoint = 'token' | 'userinfo'

/** Given the provider's real answer (a thunk: not called, nothing reaches the provider), the answer to give. */
export type Answer = (real: () => Promise<Response>) => Promise<Response>

export interface ProviderSteering {
  /** Steers the next requests to `endpoint` (until `reset`). */
  set(endpoint: Endpoint, answer: Answer): void
  reset(): void
  restore(): void
}

const PATHS: Record<string, Endpoint> = { '/token': 'token', '/me': 'userinfo' }

export function steerProvider(issuer: string): ProviderSteering {
  const original = globalThis.fetch
  const answers = new Map<Endpoint, Answer>()
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const endpoint = url.origin === new URL(issuer).origin ? PATHS[url.pathname] : undefined
    const answer = endpoint === undefined ? undefined : answers.get(endpoint)
    return answer === undefined ? original(input, init) : answer(() => original(input, init))
  }) as typeof fetch
  return {
    set: (endpoint, answer) => void answers.set(endpoint, answer),
    reset: () => answers.clear(),
    restore: () => {
      globalThis.fetch = original
    },
  }
}

/** The real answer's JSON, edited. */
export function editJson(edit: (body: Record<string, unknown>) => Record<string, unknown>): Answer {
  return async (real) => {
    const response = await real()
    const body = edit((await response.json()) as Record<string, unknown>)
    return new Response(JSON.stringify(body), { status: response.status, headers: { 'content-type': 'application/json' } })
  }
}

/** Another answer, without asking the provider. */
export function status(code: number, body = '<h1>unavailable</h1>', type = 'text/html'): Answer {
  return async () => new Response(body, { status: code, headers: { 'content-type': type } })
}

/** A connection refused: the request goes to a port nobody listens on. */
export function unreachable(): Answer {
  return async () => globalThis.fetch(`http://127.0.0.1:${await freePort()}/`)
}
