/**
 * A bounded mixed load on the example, as an application's clients would send it: each client
 * registers new accounts, logs in to its own account with the right password, reads
 * /users/me, asks for a reset mail and changes its email's letter case, in a loop, until told
 * to stop or until the request or time budget is spent. Every answer is recorded.
 */
import { randomBytes } from 'node:crypto'

export type Operation = 'register' | 'login' | 'me' | 'forgot-password' | 'patch'

export interface Outcome {
  operation: Operation
  /** The HTTP status, or 0 when no answer came (connection refused or reset, timeout). */
  status: number
  body: string
  retryAfter: string | null
  startedAt: number
}

export interface Account {
  email: string
  password: string
  token: string | null
}

export interface Reply {
  status: number
  body: string
  headers: Headers
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string | null; json?: unknown; form?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {}
  let body: string | undefined
  if (options.token) headers['authorization'] = `Bearer ${options.token}`
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  }
  if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = new URLSearchParams(options.form).toString()
  }
  const response = await fetch(base + path, { method, headers, body, signal: AbortSignal.timeout(20_000) })
  return { status: response.status, body: await response.text(), headers: response.headers }
}

export function newEmail(tag: string): string {
  return `${tag}-${randomBytes(6).toString('hex')}@faults.example.com`
}

/** Registers and logs in an account; throws unless both succeed. */
export async function newAccount(base: string, tag: string): Promise<Account> {
  const account: Account = { email: newEmail(tag), password: `pw-${randomBytes(9).toString('base64url')}`, token: null }
  const registered = await call(base, 'POST', '/auth/register', { json: { email: account.email, password: account.password } })
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.body}`)
  account.token = await logIn(base, account)
  return account
}

export async function logIn(base: string, account: Account): Promise<string> {
  const reply = await call(base, 'POST', '/auth/jwt/login', { form: { username: account.email, password: account.password } })
  if (reply.status !== 200) throw new Error(`login: ${reply.status} ${reply.body}`)
  return (JSON.parse(reply.body) as { access_token: string }).access_token
}

export interface Load {
  /** Stops the clients and returns every outcome, once each client's request in flight ended. */
  stop(): Promise<Outcome[]>
}

const OPERATIONS: Operation[] = ['register', 'login', 'me', 'forgot-password', 'patch']

export function startLoad(base: string, accounts: Account[], limits: { maxRequests: number; maxMs: number }): Load {
  const outcomes: Outcome[] = []
  const deadline = Date.now() + limits.maxMs
  let stopped = false
  const client = async (account: Account, index: number) => {
    for (let step = index; !stopped && outcomes.length < limits.maxRequests && Date.now() < deadline; step++) {
      const operation = OPERATIONS[step % OPERATIONS.length]!
      const outcome = await send(base, account, operation)
      outcomes.push(outcome)
      // A store that fails fast would otherwise make the loop spin.
      await new Promise((resolve) => setTimeout(resolve, outcome.status === 503 || outcome.status === 0 ? 100 : 20))
    }
  }
  const running = Promise.all(accounts.map(client))
  return {
    async stop() {
      stopped = true
      await running
      return outcomes
    },
  }
}

async function send(base: string, account: Account, operation: Operation): Promise<Outcome> {
  const startedAt = Date.now()
  let reply: Reply
  try {
    switch (operation) {
      case 'register':
        reply = await call(base, 'POST', '/auth/register', { json: { email: newEmail('load'), password: account.password } })
        break
      case 'login':
        reply = await call(base, 'POST', '/auth/jwt/login', { form: { username: account.email, password: account.password } })
        if (reply.status === 200) account.token = (JSON.parse(reply.body) as { access_token: string }).access_token
        break
      case 'me':
        reply = await call(base, 'GET', '/users/me', { token: account.token })
        break
      case 'forgot-password':
        reply = await call(base, 'POST', '/auth/forgot-password', { json: { email: account.email } })
        break
      case 'patch': {
        // Only the letter case changes: the account keeps logging in with the same address.
        const email = account.email === account.email.toLowerCase() ? account.email.toUpperCase() : account.email.toLowerCase()
        reply = await call(base, 'PATCH', '/users/me', { token: account.token, json: { email } })
        if (reply.status === 200) account.email = email
        break
      }
    }
  } catch (error) {
    return { operation, status: 0, body: String(error), retryAfter: null, startedAt }
  }
  return { operation, status: reply.status, body: reply.body, retryAfter: reply.headers.get('retry-after'), startedAt }
}
