/**
 * Passkeys end to end in a real browser: the full example with PASSKEYS=on, Debian's Chromium
 * through playwright-core, and Chrome's virtual authenticator (DevTools protocol: a CTAP2
 * platform authenticator with resident keys and user verification). A person adds a passkey
 * on /account, logs out, signs in with the passkey on /login without typing an address, sees
 * it used (with the session's refresh cookie, as a password login gives), deletes it, and can
 * no longer sign in with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CDPSession, Page } from 'playwright-core'
import { chromiumMissing, inCi, openBrowser, type OpenBrowser } from './chromium.ts'
import { startExample, type ExampleServer } from './example-server.ts'

const missing = chromiumMissing()
if (missing !== null && !inCi) console.warn(`Skipping the browser tests: ${missing}.`)
const suite = missing !== null && !inCi ? describe.skip : describe

const PASSWORD = 'correct horse battery staple'

suite('passkeys in Chromium with a virtual authenticator', () => {
  let server: ExampleServer
  let browser: OpenBrowser
  let page: Page
  let cdp: CDPSession
  let authenticatorId: string
  const problems: string[] = []

  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}: CI must provide it (.ci/run installs the Debian package)`)
    server = await startExample({ PASSKEYS: 'on', REFRESH_LIFETIME: '86400' }, { hostname: 'localhost' })
    browser = await openBrowser()
    page = browser.context.pages()[0] ?? (await browser.context.newPage())
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(message.text())
    })
    cdp = await browser.context.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    const added = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    })
    authenticatorId = added.authenticatorId
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  async function status(): Promise<string> {
    const line = page.getByRole('status')
    await line.waitFor({ state: 'visible' })
    return (await line.textContent()) ?? ''
  }

  it('adds a passkey on /account, signs in with it on /login without an address, then deletes it', async () => {
    const address = `passkey-${Date.now()}@example.com`
    const registered = await fetch(`${server.base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: address, password: PASSWORD }),
    })
    expect(registered.status).toBe(201)

    await page.goto(`${server.base}/login`)
    await page.getByLabel('Email').fill(address)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in', exact: true }).click()
    await page.waitForURL(`${server.base}/account`)
    await expect.poll(() => page.locator('#current-email').textContent()).toBe(address)

    await page.getByLabel('Passkey name').fill('Virtual laptop')
    await page.getByRole('button', { name: 'Add a passkey' }).click()
    expect(await status()).toBe('The passkey Virtual laptop is added.')
    await expect.poll(() => page.getByRole('list', { name: 'Your passkeys' }).textContent()).toContain('never used')
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(credentials).toHaveLength(1)
    expect(credentials[0]!.isResidentCredential).toBe(true)
    expect(credentials[0]!.rpId).toBe('localhost')

    await page.getByRole('button', { name: 'Log out', exact: true }).click()
    await page.waitForURL(`${server.base}/login`)
    expect((await page.context().cookies()).filter((cookie) => cookie.name === 'fastapiusersauth' && cookie.value !== '""')).toEqual([])

    await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await page.waitForURL(`${server.base}/account`)
    await expect.poll(() => page.locator('#current-email').textContent()).toBe(address)
    // The passkey login is the cookie backend's login: its refresh token comes with it.
    const names = (await page.context().cookies()).filter((cookie) => cookie.value !== '""').map((cookie) => cookie.name)
    expect(names).toEqual(expect.arrayContaining(['fastapiusersauth', 'fastapiusersrefresh']))
    await expect.poll(() => page.getByRole('list', { name: 'Your passkeys' }).textContent()).toContain('last used')
    const [used] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials
    expect(used!.signCount).toBeGreaterThan(0)

    await page.getByRole('button', { name: 'Delete Virtual laptop' }).click()
    expect(await status()).toBe('The passkey Virtual laptop is deleted.')
    await expect.poll(() => page.getByRole('list', { name: 'Your passkeys' }).textContent()).toBe('No passkey yet.')

    await page.getByRole('button', { name: 'Log out', exact: true }).click()
    await page.waitForURL(`${server.base}/login`)
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    expect(await status()).toBe('This passkey was not accepted.')
    expect(page.url()).toBe(`${server.base}/login`)
    expect(problems).toEqual([])
  })
})
