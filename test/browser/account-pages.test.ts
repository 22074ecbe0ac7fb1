/**
 * The example's account pages in a real browser (Debian's Chromium through playwright-core):
 * every flow end to end through the pages, the mailed links read from the outbox, the OpenID
 * Connect login against the local provider, a form posted from another origin, and the auth
 * cookie as the browser stores it. Fields are found by their labels and buttons by their
 * names, as assistive technology finds them.
 */
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { describeInChromium } from './chromium-suite.ts'
import { startExample, type ExampleServer } from './example-server.ts'
import { WatchedBrowsers } from './page-problems.ts'

const PASSWORD = 'correct horse battery staple'
const ADMIN = 'admin@example.com'

describeInChromium('the account pages in Chromium', () => {
  let server: ExampleServer
  const browsers = new WatchedBrowsers()
  let count = 0

  beforeAll(async () => {
    server = await startExample({ SUPERUSER_EMAIL: ADMIN, SUPERUSER_PASSWORD: PASSWORD })
  })
  afterAll(async () => {
    await browsers.close()
    await server?.close()
  })

  function email(): string {
    return `person${++count}-${Date.now()}@example.com`
  }

  /** Registers through the API (the registration page has its own test); the new user's id. */
  async function register(address: string, password = PASSWORD): Promise<string> {
    const response = await fetch(`${server.base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: address, password }),
    })
    expect(response.status).toBe(201)
    return ((await response.json()) as { id: string }).id
  }

  async function logIn(page: Page, address: string, password = PASSWORD): Promise<void> {
    await page.goto(`${server.base}/login`)
    await page.getByLabel('Email').fill(address)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Log in', exact: true }).click()
    await page.waitForURL(`${server.base}/account`)
    await expect.poll(() => page.locator('#current-email').textContent()).toBe(address)
  }

  /** The answer of the page's next `PATCH /users/me`. */
  function patched(page: Page): Promise<unknown> {
    return page.waitForResponse((response) => response.url() === `${server.base}/users/me` && response.request().method() === 'PATCH')
  }

  async function status(page: Page): Promise<string> {
    const line = page.getByRole('status')
    await line.waitFor({ state: 'visible' })
    return (await line.textContent()) ?? ''
  }

  it('registers, verifies the address from the mailed link, and logs in', async () => {
    const { page, problems } = await browsers.newPage()
    const address = email()
    await page.goto(`${server.base}/register`)
    await page.getByLabel('Email').fill(address)
    await page.getByLabel('Password').fill(PASSWORD)
    const sent = server.outboxLength()
    await page.getByRole('button', { name: 'Create account' }).click()
    expect(await status(page)).toContain('Account created')

    const token = await server.mailedToken('request_verify', address, sent)
    await page.goto(`${server.base}/verify?token=${encodeURIComponent(token)}`)
    expect(await status(page)).toBe(`${address} is verified. Thank you!`)
    // The link works once.
    await page.reload()
    expect(await status(page)).toBe('Your email is already verified.')

    await logIn(page, address)
    expect(await page.locator('#verified-state').textContent()).toBe('Your email is verified.')
    expect(problems).toEqual([])
  })

  it('stores the auth cookie Secure, HttpOnly and SameSite=Lax, out of reach of scripts', async () => {
    const { page, browser } = await browsers.newPage()
    const address = email()
    await register(address)
    await logIn(page, address)
    const cookies = await browser.context.cookies(server.base)
    const auth = cookies.find((cookie) => cookie.name === 'fastapiusersauth')
    expect(auth).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', domain: '127.0.0.1', path: '/' })
    expect(await page.evaluate('document.cookie')).not.toContain('fastapiusersauth')
  })

  it('logs in with the keyboard alone, and says why a login is refused', async () => {
    const { page } = await browsers.newPage()
    const address = email()
    await register(address)
    await page.goto(`${server.base}/login`)
    await page.keyboard.press('Tab')
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('identifier')
    // Without usernames the identifier is an email, and the browser's keyboards and autofill know it.
    expect(await page.getByLabel('Email', { exact: true }).getAttribute('type')).toBe('email')
    expect(await page.getByLabel('Email', { exact: true }).getAttribute('autocomplete')).toBe('username')
    await page.keyboard.type(address)
    await page.keyboard.press('Tab')
    await page.keyboard.type('not the password')
    await page.keyboard.press('Enter')
    expect(await status(page)).toBe('Wrong email or password.')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByLabel('Password').press('Enter')
    await page.waitForURL(`${server.base}/account`)
  })

  it('changes the password and the email on my account, and logs out', async () => {
    const { page } = await browsers.newPage()
    const address = email()
    const changed = email()
    await register(address)
    await logIn(page, address)

    const passwordSection = page.getByRole('region', { name: 'Change password' })
    await passwordSection.getByLabel('Current password').fill('wrong password')
    await passwordSection.getByLabel('New password').fill('a brand new passphrase')
    await passwordSection.getByRole('button', { name: 'Change password' }).click()
    expect(await status(page)).toBe('Current password is incorrect.')
    await passwordSection.getByLabel('Current password').fill(PASSWORD)
    await passwordSection.getByLabel('New password').fill('a brand new passphrase')
    // The status line still says the first answer until the second arrives (hashing is slow on a busy machine).
    await Promise.all([patched(page), passwordSection.getByRole('button', { name: 'Change password' }).click()])
    await expect.poll(() => status(page)).toBe('Your password is changed.')

    const emailSection = page.getByRole('region', { name: 'Change email' })
    await emailSection.getByLabel('New email').fill(changed)
    await emailSection.getByLabel('Current password').fill('a brand new passphrase')
    await Promise.all([patched(page), emailSection.getByRole('button', { name: 'Change email' }).click()])
    await expect.poll(() => status(page)).toBe(`Your email is now ${changed}.`)
    expect(await page.locator('#current-email').textContent()).toBe(changed)

    await page.getByRole('button', { name: 'Log out', exact: true }).click()
    await page.waitForURL(`${server.base}/login`)
    await page.goto(`${server.base}/account`)
    await page.waitForURL(`${server.base}/login`)
    await logIn(page, changed, 'a brand new passphrase')
  })

  it('resets a forgotten password from the mailed link, which works once', async () => {
    const { page } = await browsers.newPage()
    const address = email()
    await register(address)
    await page.goto(`${server.base}/forgot-password`)
    await page.getByLabel('Email').fill(address)
    const sent = server.outboxLength()
    await page.getByRole('button', { name: 'Send the link' }).click()
    expect(await status(page)).toBe(`If an account uses ${address}, a link to choose a new password is on its way.`)

    const token = await server.mailedToken('forgot_password', address, sent)
    await page.goto(`${server.base}/reset-password?token=${encodeURIComponent(token)}`)
    await page.getByLabel('New password').fill('my reset passphrase')
    await page.getByRole('button', { name: 'Set the password' }).click()
    expect(await status(page)).toBe('Your password is changed. You can log in with it now.')

    await page.goto(`${server.base}/reset-password?token=${encodeURIComponent(token)}`)
    await page.getByLabel('New password').fill('another passphrase here')
    await page.getByRole('button', { name: 'Set the password' }).click()
    expect(await status(page)).toBe('This reset link is invalid or has expired. Ask for a new one.')

    await logIn(page, address, 'my reset passphrase')
  })

  it('logs out everywhere: the session of another device ends too', async () => {
    const laptop = await browsers.newPage()
    const phone = await browsers.newPage()
    const address = email()
    await register(address)
    await logIn(laptop.page, address)
    await logIn(phone.page, address)

    await laptop.page.getByRole('button', { name: 'Log out everywhere' }).click()
    await laptop.page.waitForURL(`${server.base}/login`)
    await phone.page.goto(`${server.base}/account`)
    await phone.page.waitForURL(`${server.base}/login`)
  })

  it('logs in with OpenID Connect through the provider and back to my account', async () => {
    const { page, browser } = await browsers.newPage()
    server.op.accounts.set('merlin', { email: 'merlin@camelot.bt', email_verified: true })
    await page.goto(`${server.base}/login`)
    await page.getByRole('button', { name: 'Log in with OpenID Connect' }).click()
    await page.waitForURL(`${server.op.issuer}/interaction/**`)
    await page.locator('input[name="login"]').fill('merlin')
    await page.getByRole('button', { name: 'Continue' }).click()
    // The consent page, then the callback, which sets the cookie and redirects to /account.
    await page.waitForSelector('form[data-prompt="consent"]')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(`${server.base}/account`)
    await expect.poll(() => page.locator('#current-email').textContent()).toBe('merlin@camelot.bt')
    const cookies = await browser.context.cookies(server.base)
    expect(cookies.find((cookie) => cookie.name === 'fastapiusersauth')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' })
  })

  describe('a form posted from another origin', () => {
    let attacker: Server
    let attackerBase: string

    beforeAll(async () => {
      // Another port of the same host: same-site for SameSite cookies, so the browser sends the
      // auth cookie; only the Origin check stands between this page and the example.
      attacker = createServer((request, response) => {
        const target = request.url === '/login' ? '/auth/cookie/login' : '/auth/cookie/logout'
        const inputs = request.url === '/login'
          ? `<input name="username" value="attacker@example.com"><input name="password" value="${PASSWORD}">`
          : ''
        response.writeHead(200, { 'content-type': 'text/html' }).end(
          `<!doctype html><title>Win a prize</title><form method="post" action="${server.base}${target}">${inputs}<button>Claim</button></form>`,
        )
      })
      await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
      attackerBase = `http://127.0.0.1:${(attacker.address() as { port: number }).port}`
    })
    afterAll(async () => {
      // The browsers keep their connections open.
      attacker?.closeAllConnections()
      await new Promise((resolve) => attacker?.close(resolve))
    })

    it('cannot log the visitor out', async () => {
      const { page } = await browsers.newPage()
      const address = email()
      await register(address)
      await logIn(page, address)
      await page.goto(`${attackerBase}/logout`)
      const [answer] = await Promise.all([
        page.waitForResponse(`${server.base}/auth/cookie/logout`),
        page.getByRole('button', { name: 'Claim' }).click(),
      ])
      expect(answer.status()).toBe(403)
      expect(await answer.request().headerValue('cookie')).toContain('fastapiusersauth=')
      await page.goto(`${server.base}/account`)
      await expect.poll(() => page.locator('#current-email').textContent()).toBe(address)
    })

    it('cannot log the visitor into another account', async () => {
      await register('attacker@example.com').catch(() => undefined)
      const { page, browser } = await browsers.newPage()
      await page.goto(`${attackerBase}/login`)
      const [answer] = await Promise.all([
        page.waitForResponse(`${server.base}/auth/cookie/login`),
        page.getByRole('button', { name: 'Claim' }).click(),
      ])
      expect(answer.status()).toBe(403)
      expect((await browser.context.cookies(server.base)).map((cookie) => cookie.name)).not.toContain('fastapiusersauth')
    })
  })

  it('serves every page under a strict policy that its own scripts and styles satisfy', async () => {
    const { page, problems } = await browsers.newPage()
    for (const path of ['/register', '/login', '/forgot-password', '/reset-password?token=x', '/verify?token=x', '/confirm-email?token=x', '/account', '/admin']) {
      const response = await page.goto(`${server.base}${path}`)
      const policy = response!.headers()['content-security-policy']!
      expect(policy).toContain("script-src 'self'")
      expect(policy).not.toContain('unsafe-inline')
      await page.waitForLoadState('networkidle')
      // The stylesheet applied (main is 28rem wide): the policy let it through.
      // 1024px: the admin console's wider page (a visitor not logged in is sent on to /login).
      expect(await page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth")).toMatch(/^(448|1024)px$/)
    }
    expect(problems).toEqual([])
  })
})
