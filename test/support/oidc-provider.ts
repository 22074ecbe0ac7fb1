/**
 * A real OpenID Provider for the OAuth tests: panva's certified `oidc-provider` (v8, the last
 * major that supports Node 20), on 127.0.0.1 with a random port, serving discovery, authorize,
 * token and userinfo. PKCE (S256) is required of every client.
 *
 * Logging in happens at the provider as a person would do it: the authorization URL leads to
 * an interaction page with a login form, then (after the provider's resume redirect) to a
 * consent page; `Browser` posts both forms with its cookie jar. The pages are ours, a few lines
 * of HTML on oidc-provider's documented interaction API (`interactionDetails`,
 * `interactionFinished`), rather than its development pages, whose markup is not an interface.
 *
 * Start-up is in two steps, because the clients' redirect URIs name the application's port and
 * the application needs the issuer's: `listen()` binds the port, `configure()` starts serving.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { exportJWK, generateKeyPair } from 'jose'
import Provider, { type ClientMetadata, type KoaContextWithOIDC } from 'oidc-provider'

/** What the provider knows of an account: its claims besides `sub`. */
export interface TestAccount {
  email?: string
  email_verified?: boolean
}

export class OidcTestProvider {
  readonly issuer: string
  /** Accounts by id (`sub`), read at each request: tests add and change them freely. */
  readonly accounts = new Map<string, TestAccount>()
  /** Token requests the provider answered (successful code exchanges). */
  tokenGrants = 0
  readonly #server: Server
  #provider: Provider | null = null

  private constructor(server: Server, issuer: string) {
    this.#server = server
    this.issuer = issuer
  }

  /** Binds a random port on 127.0.0.1; requests wait for `configure()`. */
  static async listen(): Promise<OidcTestProvider> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    const provider = new OidcTestProvider(server, `http://127.0.0.1:${address.port}`)
    server.on('request', (req, res) => void provider.#handle(req, res))
    return provider
  }

  async configure(options: { clients: ClientMetadata[] }): Promise<void> {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true })
    const provider = new Provider(this.issuer, {
      clients: options.clients,
      jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test' }] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      pkce: { methods: ['S256'], required: () => true },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      scopes: ['openid', 'offline_access', 'email'],
      issueRefreshToken: async () => true,
      // Explicit lifetimes (the defaults print a notice each).
      ttl: { AccessToken: 3600, AuthorizationCode: 60, Grant: 3600, IdToken: 3600, Interaction: 600, RefreshToken: 86_400, Session: 3600 },
      findAccount: (_ctx: KoaContextWithOIDC, sub: string) => {
        const account = this.accounts.get(sub)
        if (!account) return undefined
        return { accountId: sub, claims: async () => ({ sub, ...this.accounts.get(sub) }) }
      },
    })
    provider.on('grant.success', () => {
      this.tokenGrants++
    })
    this.#provider = provider
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()))
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const provider = this.#provider
    if (provider === null) {
      res.writeHead(503).end()
      return
    }
    try {
      const match = /^\/interaction\/([^/?]+)(\/login|\/confirm)?/.exec(req.url ?? '')
      if (!match) return provider.callback()(req, res)
      if (req.method === 'GET') return await this.#page(provider, req, res)
      if (match[2] === '/login') return await this.#login(provider, req, res)
      return await this.#confirm(provider, req, res)
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error))
    }
  }

  async #page(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { uid, prompt } = await provider.interactionDetails(req, res)
    const action = prompt.name === 'login' ? 'login' : 'confirm'
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><title>${prompt.name}</title>` +
        `<form method="post" action="/interaction/${uid}/${action}" data-prompt="${prompt.name}">` +
        (action === 'login' ? '<input name="login"><input name="password" type="password">' : '') +
        '<button>Continue</button></form>',
    )
  }

  async #login(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req))
    const accountId = form.get('login') ?? ''
    if (!this.accounts.has(accountId)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('unknown account')
      return
    }
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false })
  }

  async #confirm(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
    await readBody(req)
    const { prompt, params, session, grantId } = await provider.interactionDetails(req, res)
    const grant = grantId
      ? (await provider.Grant.find(grantId))!
      : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) })
    const details = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] }
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '))
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims)
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true })
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

/**
 * A browser as far as these flows need one: a cookie jar shared by every server on 127.0.0.1
 * (browsers do not separate cookies by port), redirects followed by hand, forms posted.
 */
export class Browser {
  readonly cookies = new Map<string, string>()

  /** One request, with the jar's cookies; `Set-Cookie` answers update the jar. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0 && !headers.has('cookie')) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) this.#store(line)
    return response
  }

  /**
   * Follows an authorization URL through the provider: logs in as `account` and consents,
   * then returns the URL the provider sends the browser back to (the client's callback),
   * without requesting it.
   */
  async authorize(authorizationUrl: string, account: string): Promise<string> {
    let url = authorizationUrl
    const origin = new URL(authorizationUrl).origin
    for (let step = 0; step < 20; step++) {
      if (new URL(url).origin !== origin) return url
      const response = await this.fetch(url)
      const location = response.headers.get('location')
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel()
        url = new URL(location, url).toString()
        continue
      }
      const page = await response.text()
      const form = /<form method="post" action="([^"]+)" data-prompt="(\w+)"/.exec(page)
      if (response.status !== 200 || !form) throw new Error(`the provider answered ${response.status} at ${url}: ${page.slice(0, 300)}`)
      const body = form[2] === 'login' ? new URLSearchParams({ login: account, password: 'any' }) : new URLSearchParams()
      const posted = await this.fetch(new URL(form[1]!, url).toString(), { method: 'POST', body })
      await posted.body?.cancel()
      url = new URL(posted.headers.get('location') ?? url, url).toString()
    }
    throw new Error('too many redirects at the provider')
  }

  #store(line: string): void {
    const [pair, ...attributes] = line.split(';')
    const eq = pair!.indexOf('=')
    const name = pair!.slice(0, eq).trim()
    const value = pair!.slice(eq + 1).trim()
    const expired = attributes.some((attribute) => {
      const [key, val] = attribute.split('=').map((part) => part.trim().toLowerCase())
      return (key === 'max-age' && Number(val) <= 0) || (key === 'expires' && Date.parse(val ?? '') < Date.now())
    })
    if (expired || value === '' || value === '""') this.cookies.delete(name)
    else this.cookies.set(name, value)
  }
}
