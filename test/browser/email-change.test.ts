/**
 * The verified email change in Chromium, against the full example with EMAIL_CHANGE=on: on
 * /account the new address is only requested, the link mailed to it (read from the outbox)
 * opens /confirm-email, which makes the change, verified; the link works once, and the old
 * address no longer logs in.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { describeInChromium } from './chromium-suite.ts'
import { startExample, type ExampleServer } from './example-server.ts'
import { WatchedBrowsers } from './page-problems.ts'

const PASSWORD = 'correct horse battery staple'
/** How long a poll waits for the page: a browser, a server and other tests share two busy cores. */
const BUSY = { timeout: 20_000 }

describeInChromium('the verified email change in Chromium', () => {
  let server: ExampleServer
  const browsers = new WatchedBrowsers()
  let page: Page
  let problems: string[]

  beforeAll(async () => {
    server = await startExample({ EMAIL_CHANGE: 'on' })
    ;({ page, problems } = await browsers.newPage())
  })
  afterAll(async () => {
    await browsers.close()
    await server?.close()
  })

  async function status(text: string): Promise<void> {
    await expect.poll(() => page.getByRole('status').textContent(), BUSY).toBe(text)
  }

  async function logIn(address: string): Promise<void> {
    await page.goto(`${server.base}/login`)
    await page.getByLabel('Email').fill(address)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in', exact: true }).click()
  }

  it('changes the address only from the link mailed to the new one, once', async () => {
    const address = `before-${Date.now()}@example.com`
    const changed = `after-${Date.now()}@example.com`
    const registered = await fetch(`${server.base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: address, password: PASSWORD }),
    })
    expect(registered.status).toBe(201)
    await logIn(address)
    await page.waitForURL(`${server.base}/account`)
    await expect.poll(() => page.locator('#current-email').textContent(), BUSY).toBe(address)

    const section = page.getByRole('region', { name: 'Change email' })
    await section.getByLabel('New email').fill(changed)
    await section.getByLabel('Current password').fill(PASSWORD)
    const sent = server.outboxLength()
    await section.getByRole('button', { name: 'Change email' }).click()
    await status(`A confirmation link is on its way to ${changed}. Your email changes when you open it.`)
    expect(await page.locator('#current-email').textContent()).toBe(address)

    const token = await server.mailedToken('email_change', changed, sent)
    await page.goto(`${server.base}/confirm-email?token=${encodeURIComponent(token)}`)
    await status(`Your email is now ${changed}, and it is verified.`)
    await page.reload()
    await status('This confirmation link is invalid, used or expired. Change your email again for a new one.')

    await page.goto(`${server.base}/account`)
    await expect.poll(() => page.locator('#current-email').textContent(), BUSY).toBe(changed)
    expect(await page.locator('#verified-state').textContent()).toBe('Your email is verified.')
    await page.getByRole('button', { name: 'Log out', exact: true }).click()
    await page.waitForURL(`${server.base}/login`)
    await logIn(address)
    await status('Wrong email or password.')
    await logIn(changed)
    await page.waitForURL(`${server.base}/account`)
    expect(problems).toEqual([])
  })
})
