/**
 * The full example as a person's browser meets it: listening on 127.0.0.1 with its account
 * pages, a fresh SQLite database, the mail outbox in a file, and an OpenID provider
 * (test/support/oidc-provider.ts) behind its "Log in with OpenID Connect" button. The cookie
 * keeps the example's default `Secure` attribute: Chromium treats 127.0.0.1 as a secure
 * context, so it stores and sends the cookie over plain HTTP there.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../examples/full/app.ts'
import { readConfig } from '../../examples/full/config.ts'
import { OidcTestProvider } from '../support/oidc-provider.ts'
import { freePort } from '../support/free-port.ts'

export interface ExampleServer {
  base: string
  op: OidcTestProvider
  app: FastifyInstance
  /**
   * The token of the last mail of this kind to this address, from the outbox file; waits for
   * it a little, since some routes answer before their mail is written.
   */
  mailedToken(event: 'forgot_password' | 'request_verify' | 'email_change', email: string, after?: number): Promise<string>
  /** How many lines the outbox has now, to read only the mails sent after this point. */
  outboxLength(): number
  close(): Promise<void>
}

/** `hostname`: how the browser names the server (`localhost` for passkeys: a relying party id cannot be an IP address). */
export async function startExample(env: Record<string, string> = {}, options: { hostname?: string } = {}): Promise<ExampleServer> {
  process.env.LOG_LEVEL ??= 'warn'
  const folder = mkdtempSync(join(tmpdir(), 'fastify-users-browser-'))
  const outbox = join(folder, 'outbox.jsonl')
  const op = await OidcTestProvider.listen()
  const port = await freePort()
  const base = `http://${options.hostname ?? '127.0.0.1'}:${port}`
  const config = readConfig({
    SECRET: 'browser-tests-secret-long-enough-for-production-0123',
    DATABASE_URL: `sqlite://${join(folder, 'users.db')}`,
    PORT: String(port),
    APP_URL: base,
    OUTBOX_FILE: outbox,
    DOCS: 'off',
    OIDC_ISSUER: op.issuer,
    OIDC_CLIENT_ID: 'example',
    OIDC_CLIENT_SECRET: 'example-secret',
    OIDC_REDIRECT_BASE_URL: base,
    ...env,
  }, () => {})
  const app = await buildApp(config)
  await app.listen({ port, host: '127.0.0.1' })
  await op.configure({
    clients: [{
      client_id: 'example',
      client_secret: 'example-secret',
      redirect_uris: [`${base}/auth/oidc/callback`, `${base}/auth/associate/oidc/callback`, `${base}/auth/cookie/oidc/callback`],
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'],
    }],
  })
  return {
    base,
    op,
    app,
    async mailedToken(event, email, after = 0) {
      for (let attempt = 0; attempt < 100; attempt++) {
        const mail = readOutbox(outbox).slice(after).reverse().find((entry) => entry.event === event && entry.email === email)
        if (mail !== undefined) return mail.token
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      throw new Error(`no ${event} mail to ${email} in the outbox`)
    },
    outboxLength: () => readOutbox(outbox).length,
    async close() {
      await app.close()
      await op.close()
    },
  }
}

function readOutbox(path: string): { event: string; email: string; token: string }[] {
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { event: string; email: string; token: string })
}
