/**
 * Passkeys end to end in a real browser: the full example with PASSKEYS=on, Debian's Chromium
 * through playwright-core, and Chrome's virtual authenticator (DevTools protocol: a CTAP2
 * platform authenticator with resident keys and user verification). A person adds a passkey
 * on /account, logs out, signs in with the passkey on /login without typing an address, sees
 * it used (with the session's refresh cookie, as a password login gives), deletes it, and can
 * no longer sign in with it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { CDPSession, Page } from 'playwright-core'
import { describeInChromium } from './chromium-suite.ts'
import { startExample, type ExampleServer } from './example-server.ts'
import { WatchedBrowsers } from './page-problems.ts'

const PASSWORD = 'correct horse battery staple'

describeInChromium('passkeys in Chromium with a virtual authenticator', () => {
  let server: ExampleServer
  const browsers = new WatchedBrowsers()
  let page: Page
  let cdp: CDPSession
  let authenticatorId: string
  let problems: string[]

  beforeAll(async () => {
    server = await startExample({ PASSKEYS: 'on', REFRESH_LIFETIME: '86400' }, { hostname: 'localhost' })
    ;({ page, problems } = await browsers.newPage())
    cdp = await page.context().newCDPSession(page)
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
    await browsers.close()
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
