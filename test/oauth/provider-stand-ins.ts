/**
 * Local stand-ins for Google, GitHub, Microsoft Entra ID and Discord. arctic holds their
 * endpoints as constants and sends its requests with the global `fetch`, and so do our
 * user-info requests; `redirectProviderHosts` points that traffic at small HTTP servers on
 * 127.0.0.1 (one per provider host) by wrapping Node's global dispatcher, the hook that undici,
 * hence `fetch`, reads for every request. It is installed for one test file, which vitest runs
 * in a process of its own, and removed after it.
 *
 * The servers behave as the providers document: the token endpoints check the client's Basic
 * credentials, the code, the redirect URI and (where a challenge was sent) the PKCE verifier,
 * and answer tokens or an OAuth error; the user endpoints answer the account of the token.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { SignJWT } from 'jose'

export type ProviderKind = 'google' | 'github' | 'microsoft' | 'discord'

export interface StandInAccount {
  id: string
  email: string | null
  verified: boolean
  /** GitHub: the `/user/emails` list, when it should differ from `[{ email, primary, verified }]`. */
  emails?: Array<{ email: string; primary: boolean; verified: boolean }>
  /** The ID token's audience, when it should differ from the client id. */
  audience?: string
  /** The ID token's nonce, when it should differ from the authorization request's. */
  nonce?: string | null
  /** Misbehaviour: the token endpoint answers this status (with no JSON), or tokens without this field. */
  tokenStatus?: number
  tokenWithout?: 'access_token' | 'id_token'
  /** Misbehaviour: the user endpoints answer this status. */
  userStatus?: number
}

interface IssuedCode {
  kind: ProviderKind
  account: StandInAccount
  redirectUri: string
  challenge: string | null
  /** The authorization request's `nonce`, which the ID token carries. */
  nonce: string | null
}

/** Provider host → the stand-in's origin. */
const HOSTS: Record<string, ProviderKind> = {
  'oauth2.googleapis.com': 'google',
  'openidconnect.googleapis.com': 'google',
  'github.com': 'github',
  'api.github.com': 'github',
  'login.microsoftonline.com': 'microsoft',
  'discord.com': 'discord',
}

export class ProviderStandIns {
  readonly clientId = 'stand-in-client'
  readonly clientSecret = randomBytes(12).toString('hex')
  /** Requests received, as `METHOD host path`. */
  readonly requests: string[] = []
  readonly #codes = new Map<string, IssuedCode>()
  readonly #tokens = new Map<string, StandInAccount>()
  readonly #servers: Server[] = []
  readonly #origins = new Map<string, string>()
  #restore: (() => void) | null = null

  static async start(): Promise<ProviderStandIns> {
    const standIns = new ProviderStandIns()
    for (const host of Object.keys(HOSTS)) {
      const server = createServer((req, res) => void standIns.#handle(host, req, res))
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const address = server.address()
      if (address === null || typeof address === 'string') throw new Error('no port')
      standIns.#servers.push(server)
      standIns.#origins.set(host, `http://127.0.0.1:${address.port}`)
    }
    await standIns.#redirectProviderHosts()
    return standIns
  }

  /** What the provider's authorization page does once the user consents: a code for the redirect URI. */
  issueCode(kind: ProviderKind, authorizationUrl: string, account: StandInAccount): string {
    const url = new URL(authorizationUrl)
    const code = randomBytes(16).toString('hex')
    this.#codes.set(code, {
      kind,
      account,
      redirectUri: url.searchParams.get('redirect_uri') ?? '',
      challenge: url.searchParams.get('code_challenge'),
      nonce: url.searchParams.get('nonce'),
    })
    const callback = new URL(url.searchParams.get('redirect_uri')!)
    callback.searchParams.set('code', code)
    callback.searchParams.set('state', url.searchParams.get('state')!)
    return callback.toString()
  }

  async close(): Promise<void> {
    this.#restore?.()
    await Promise.all(this.#servers.map((server) => new Promise((resolve) => server.close(resolve))))
  }

  async #redirectProviderHosts(): Promise<void> {
    const key = Symbol.for('undici.globalDispatcher.1')
    const global = globalThis as unknown as Record<symbol, { dispatch(options: { origin?: string | URL }, handler: unknown): boolean } | undefined>
    // Node creates its dispatcher at the first fetch.
    if (global[key] === undefined) await (await fetch(this.#origins.get('github.com')!)).body?.cancel()
    const original = global[key]!
    global[key] = Object.assign(Object.create(original) as object, {
      dispatch: (options: { origin?: string | URL }, handler: unknown) => {
        const host = options.origin === undefined ? '' : new URL(options.origin).hostname
        const target = this.#origins.get(host)
        return original.dispatch(target === undefined ? options : { ...options, origin: target }, handler)
      },
    }) as typeof original
    this.#restore = () => {
      global[key] = original
    }
  }

  async #handle(host: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0]!
    this.requests.push(`${req.method} ${host} ${path}`)
    const body = await readBody(req)
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))
    }
    if (req.method === 'POST') return this.#token(HOSTS[host]!, req, res, new URLSearchParams(body), json)
    const account = this.#tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''))
    if (!account) return json(401, { message: 'Bad credentials' })
    if (account.userStatus !== undefined) return json(account.userStatus, { message: 'misbehaving' })
    if (path === '/v1/userinfo') return json(200, { sub: account.id, email: account.email, email_verified: account.verified })
    if (path === '/user') return json(200, { id: Number(account.id), login: 'octocat', email: null })
    if (path === '/user/emails') {
      return json(200, account.emails ?? (account.email === null ? [] : [{ email: account.email, primary: true, verified: account.verified }]))
    }
    if (path === '/api/users/@me') return json(200, { id: account.id, username: 'wumpus', email: account.email, verified: account.verified })
    json(404, { message: 'Not Found' })
  }

  async #token(
    kind: ProviderKind,
    req: IncomingMessage,
    res: ServerResponse,
    form: URLSearchParams,
    json: (status: number, value: unknown) => void,
  ): Promise<void> {
    // GitHub reports errors with a 200, as the real one does.
    const refuse = (error: string): void => {
      if (kind === 'github') json(200, { error: error === 'invalid_grant' ? 'bad_verification_code' : error })
      else json(400, { error })
    }
    const credentials = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString()
    if (credentials !== `${this.clientId}:${this.clientSecret}`) return refuse('invalid_client')
    const issued = this.#codes.get(form.get('code') ?? '')
    if (form.get('grant_type') !== 'authorization_code' || !issued || issued.kind !== kind) return refuse('invalid_grant')
    if (form.get('redirect_uri') !== issued.redirectUri) return refuse('invalid_grant')
    const verifier = form.get('code_verifier')
    if (issued.challenge !== null && createHash('sha256').update(verifier ?? '').digest('base64url') !== issued.challenge) {
      return refuse('invalid_grant')
    }
    this.#codes.delete(form.get('code')!)
    if (issued.account.tokenStatus !== undefined) {
      res.writeHead(issued.account.tokenStatus, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>')
      return
    }
    const accessToken = `${kind}-access-${randomBytes(8).toString('hex')}`
    this.#tokens.set(accessToken, issued.account)
    const tokens: Record<string, unknown> = { access_token: accessToken, token_type: 'Bearer', expires_in: 3599 }
    if (kind !== 'github') tokens.refresh_token = `${kind}-refresh-${randomBytes(8).toString('hex')}`
    if (kind === 'microsoft' || kind === 'google') tokens.id_token = await this.#idToken(issued)
    if (issued.account.tokenWithout !== undefined) delete tokens[issued.account.tokenWithout]
    json(200, tokens)
  }

  #idToken({ account, nonce }: IssuedCode): Promise<string> {
    const claims: Record<string, unknown> = { oid: account.id, sub: `pairwise-${account.id}`, tid: 'tenant' }
    if (account.email !== null) claims.email = account.email
    if (account.verified) claims.xms_edov = true
    const sent = account.nonce === undefined ? nonce : account.nonce
    if (sent !== null) claims.nonce = sent
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience(account.audience ?? this.clientId)
      .setIssuer('https://login.microsoftonline.com/tenant/v2.0')
      .setExpirationTime('1h')
      .sign(randomBytes(32))
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
