/**
 * The login page's optional steps in Chromium, against the full example with USERNAMES=on,
 * TWO_FACTOR_KEY and PASSKEYS=on: the identifier field takes a username, and a user with
 * two-factor on is asked for a TOTP code after the password, and after a passkey whose
 * authenticator did not verify the person (Chrome's virtual authenticator with the UV flag of
 * its answers overridden to zero: one factor only), and after an OpenID Connect login, whose
 * challenge comes back in the redirect's fragment. The test plays the authenticator app with
 * the enrolment's secret.
 */
import { decodeBase32IgnorePadding } from '@oslojs/encoding'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { totpCode, totpStep } from '../../src/two-factor/totp.ts'
import { describeInChromium } from './chromium-suite.ts'
import { startExample, type ExampleServer } from './example-server.ts'
import { WatchedBrowsers } from './page-problems.ts'

const PASSWORD = 'correct horse battery staple'
/** How long a poll waits for the page: a browser, a server and other tests share two busy cores. */
const BUSY = { timeout: 20_000 }

describeInChromium('the login page with usernames and two-factor in Chromium', () => {
  let server: ExampleServer
  const browsers = new WatchedBrowsers()
  let count = 0

  beforeAll(async () => {
    server = await startExample(
      { USERNAMES: 'on', TWO_FACTOR_KEY: 'browser-tests-two-factor-key-long-enough-0123', PASSKEYS: 'on' },
      { hostname: 'localhost' },
    )
  })
  afterAll(async () => {
    await browsers.close()
    await server?.close()
  })

  async function register(username: string): Promise<string> {
    const address = `${username}-${Date.now()}@example.com`
    const response = await fetch(`${server.base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: address, password: PASSWORD, username }),
    })
    expect(response.status).toBe(201)
    return address
  }

  async function submitPassword(page: Page, identifier: string): Promise<void> {
    await page.goto(`${server.base}/login`)
    await page.getByLabel('Email or username').fill(identifier)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in', exact: true }).click()
  }

  async function status(page: Page, text: string): Promise<void> {
    await expect.poll(() => page.getByRole('status').textContent(), BUSY).toBe(text)
  }

  /**
   * Turns two-factor on from the logged-in page (same origin, as a settings page would) and
   * returns the authenticator app: the code of the step after the confirmation's, which the
   * server has not seen yet (each step's code works once).
   */
  async function enableTwoFactor(page: Page): Promise<() => string> {
    const secret = await page.evaluate(async () => {
      const enrol = await fetch('/auth/2fa/enrol', { method: 'POST', headers: { accept: 'application/json' } })
      return ((await enrol.json()) as { secret: string }).secret
    })
    const key = decodeBase32IgnorePadding(secret)
    const step = totpStep(Date.now() / 1000)
    const confirmed = await page.evaluate(async (code) => {
      const confirm = await fetch('/auth/2fa/confirm', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) })
      return confirm.status
    }, totpCode(key, step))
    expect(confirmed).toBe(200)
    return () => totpCode(key, step + 1)
  }

  async function logOut(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Log out', exact: true }).click()
    await page.waitForURL(`${server.base}/login`)
  }

  it('offers a text field for an email or a username, and logs in with the username', async () => {
    const { page, problems } = await browsers.newPage()
    const address = await register(`ada${++count}`)
    await page.goto(`${server.base}/login`)
    const field = page.getByLabel('Email or username')
    expect(await field.getAttribute('type')).toBe('text')
    expect(await field.getAttribute('autocomplete')).toBe('username')
    expect(await page.locator('input[type="email"]').count()).toBe(0)
    await submitPassword(page, `ada${count}`)
    await page.waitForURL(`${server.base}/account`)
    await expect.poll(() => page.locator('#current-email').textContent(), BUSY).toBe(address)
    expect(problems).toEqual([])
  })

  it('asks a user with two-factor on for a code after the password, refuses a wrong one, and logs in with the right one', async () => {
    const { page, browser, problems } = await browsers.newPage()
    const username = `grace${++count}`
    const address = await register(username)
    await submitPassword(page, username)
    await page.waitForURL(`${server.base}/account`)
    const nextCode = await enableTwoFactor(page)
    await logOut(page)

    await submitPassword(page, address)
    await status(page, 'One more step: enter a code from your authenticator app.')
    const codeField = page.getByRole('region', { name: 'Two-factor authentication' }).getByLabel('Code from your authenticator app')
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('code')
    expect(await page.locator('#form').isHidden()).toBe(true)
    // The password step set no cookie: the login is not complete yet.
    expect((await browser.context.cookies(server.base)).filter((cookie) => cookie.name === 'fastapiusersauth' && cookie.value !== '""')).toEqual([])

    const right = nextCode()
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0')
    await codeField.fill(wrong)
    await page.getByRole('button', { name: 'Verify' }).click()
    await status(page, 'This code is not right, or was used already. Try the next one.')
    expect(page.url()).toBe(`${server.base}/login`)

    await codeField.fill(right)
    await codeField.press('Enter')
    await page.waitForURL(`${server.base}/account`)
    await expect.poll(() => page.locator('#current-email').textContent(), BUSY).toBe(address)
    expect(problems).toEqual([])
  })

  it('asks for a code after a passkey that did not verify the person, and logs in with it', async () => {
    const { page, browser, problems } = await browsers.newPage()
    const cdp = await browser.context.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    })
    const username = `katherine${++count}`
    const address = await register(username)
    await submitPassword(page, username)
    await page.waitForURL(`${server.base}/account`)
    await page.getByLabel('Passkey name').fill('Security key')
    await page.getByRole('button', { name: 'Add a passkey' }).click()
    await status(page, 'The passkey Security key is added.')
    const nextCode = await enableTwoFactor(page)
    await logOut(page)
    // From now on the authenticator's answers say that it did not verify the person (the UV
    // flag of the signed data is zero): possession of the passkey only, one factor.
    await cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId, isBadUV: true })

    const [answer] = await Promise.all([
      page.waitForResponse(`${server.base}/auth/cookie/passkey/login`),
      page.getByRole('button', { name: 'Sign in with a passkey' }).click(),
    ])
    expect(answer.status()).toBe(202)
    await status(page, 'One more step: enter a code from your authenticator app.')
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).isHidden()).toBe(true)
    await page.getByLabel('Code from your authenticator app').fill(nextCode())
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.waitForURL(`${server.base}/account`)
    await expect.poll(() => page.locator('#current-email').textContent(), BUSY).toBe(address)
    expect(problems).toEqual([])
  })

  it('asks for a code after an OpenID Connect login of a user with two-factor on, and logs in with it', async () => {
    const login = `nimue${++count}`
    const address = `${login}@avalon.example`
    server.op.accounts.set(login, { email: address, email_verified: true })
    async function throughProvider(page: Page): Promise<void> {
      await page.goto(`${server.base}/login`)
      await page.getByRole('button', { name: 'Log in with OpenID Connect' }).click()
      await page.waitForURL(`${server.op.issuer}/interaction/**`)
      await page.locator('input[name="login"]').fill(login)
      await page.getByRole('button', { name: 'Continue' }).click()
      await page.waitForSelector('form[data-prompt="consent"]')
      await page.getByRole('button', { name: 'Continue' }).click()
    }
    // The first login creates the account; two-factor is turned on from it.
    const first = await browsers.newPage()
    await throughProvider(first.page)
    await first.page.waitForURL(`${server.base}/account`)
    const nextCode = await enableTwoFactor(first.page)
    await logOut(first.page)

    // Another browser: the provider's callback answers with a challenge in the fragment, no cookie.
    const { page, browser, problems } = await browsers.newPage()
    await throughProvider(page)
    await status(page, 'One more step: enter a code from your authenticator app.')
    expect(page.url()).toBe(`${server.base}/login`)
    expect((await browser.context.cookies(server.base)).filter((cookie) => cookie.name === 'fastapiusersauth' && cookie.value !== '""')).toEqual([])
    await page.getByLabel('Code from your authenticator app').fill(nextCode())
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.waitForURL(`${server.base}/account`)
    await expect.poll(() => page.locator('#current-email').textContent(), BUSY).toBe(address)
    expect(problems).toEqual([])
  })

  it('starts the login over when asked, with the password step back', async () => {
    const { page } = await browsers.newPage()
    const username = `linus${++count}`
    await register(username)
    await submitPassword(page, username)
    await page.waitForURL(`${server.base}/account`)
    await enableTwoFactor(page)
    await logOut(page)
    await submitPassword(page, username)
    await status(page, 'One more step: enter a code from your authenticator app.')
    await page.getByRole('button', { name: 'Start the login again' }).click()
    expect(await page.getByRole('region', { name: 'Two-factor authentication' }).isHidden()).toBe(true)
    expect(await page.getByLabel('Password').inputValue()).toBe('')
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('identifier')
  })
})
