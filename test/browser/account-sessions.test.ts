/**
 * The Sessions section of /account in Chromium, against the full example with refresh tokens
 * (so that each login is a session the server records): a person logged in on two devices sees
 * both in a captioned table with the current one marked, ends the other one from here, and that
 * device is logged out. Where the server has no sessions route, the table stays hidden.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { describeInChromium } from './chromium-suite.ts'
import { startExample, type ExampleServer } from './example-server.ts'
import { WatchedBrowsers } from './page-problems.ts'

const PASSWORD = 'correct horse battery staple'
/** How long a poll waits for the page: a browser, a server and other tests share two busy cores. */
const BUSY = { timeout: 20_000 }

describeInChromium('the sessions of my account in Chromium', () => {
  let server: ExampleServer
  const browsers = new WatchedBrowsers()
  let count = 0

  beforeAll(async () => {
    server = await startExample({ REFRESH_LIFETIME: '86400' })
  })
  afterAll(async () => {
    await browsers.close()
    await server?.close()
  })

  async function registered(): Promise<string> {
    const address = `sessions${++count}-${Date.now()}@example.com`
    const response = await fetch(`${server.base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: address, password: PASSWORD }),
    })
    expect(response.status).toBe(201)
    return address
  }

  async function logIn(page: Page, address: string): Promise<void> {
    await page.goto(`${server.base}/login`)
    await page.getByLabel('Email').fill(address)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in', exact: true }).click()
    await page.waitForURL(`${server.base}/account`)
    await expect.poll(() => page.locator('#current-email').textContent(), BUSY).toBe(address)
  }

  it('lists my sessions on two devices, marks this one, and ends the other', async () => {
    const laptop = await browsers.newPage()
    const phone = await browsers.newPage()
    const address = await registered()
    await logIn(phone.page, address)
    await logIn(laptop.page, address)

    const table = laptop.page.getByRole('table', { name: 'Where your account is signed in, the most recently used first' })
    await table.waitFor()
    const headers = await table.getByRole('columnheader').allTextContents()
    expect(headers).toEqual(['Device', 'Address', 'Signed in', 'Last used', 'Action'])
    const rows = table.locator('tbody').getByRole('row')
    await expect.poll(() => rows.count(), BUSY).toBe(2)
    const texts = await rows.allTextContents()
    // Both devices are headless Chromium on Linux from 127.0.0.1; only this one is marked.
    expect(texts.filter((text) => text.includes('(this session)'))).toHaveLength(1)
    for (const text of texts) expect(text).toContain('Chrome on Linux')
    for (const text of texts) expect(text).toContain('127.0.0.1')

    const other = rows.filter({ hasNotText: '(this session)' })
    const end = other.getByRole('button')
    expect(await end.getAttribute('aria-label')).toMatch(/^End the session on Chrome on Linux, signed in /)
    await end.click()
    await expect.poll(() => laptop.page.getByRole('status').textContent(), BUSY).toBe('The session on Chrome on Linux is ended.')
    expect(await laptop.page.getByRole('status').getAttribute('aria-live')).toBe('polite')
    await expect.poll(() => rows.count(), BUSY).toBe(1)
    expect(await rows.textContent()).toContain('(this session)')

    // The phone's session is over: its cookie no longer opens the account.
    await phone.page.goto(`${server.base}/account`)
    await phone.page.waitForURL(`${server.base}/login`)
    // The laptop's is not.
    await laptop.page.reload()
    await expect.poll(() => laptop.page.locator('#current-email').textContent(), BUSY).toBe(address)
    expect([...laptop.problems, ...phone.problems]).toEqual([])
  })

  it('ending this session from the list logs this device out', async () => {
    const { page, problems } = await browsers.newPage()
    const address = await registered()
    await logIn(page, address)
    const current = page.getByRole('row').filter({ hasText: '(this session)' })
    await current.getByRole('button', { name: /^End the session on .* \(this session\)/ }).click()
    await page.waitForURL(`${server.base}/login`)
    await page.goto(`${server.base}/account`)
    await page.waitForURL(`${server.base}/login`)
    expect(problems).toEqual([])
  })

  it('keeps the table hidden where the server has no sessions route, and the log-out buttons shown', async () => {
    const { page, problems } = await browsers.newPage()
    const address = await registered()
    // A server without the sessions feature: its route is FastAPI's 404.
    await page.route(`${server.base}/users/me/sessions`, (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: '{"detail":"Not Found"}' }))
    const asked = page.waitForRequest(`${server.base}/users/me/sessions`)
    await logIn(page, address)
    await asked
    await page.waitForLoadState('networkidle')
    expect(await page.locator('#session-list').isHidden()).toBe(true)
    expect(await page.getByRole('table').count()).toBe(0)
    expect(await page.getByRole('status').isHidden()).toBe(true)
    expect(await page.getByRole('button', { name: 'Log out everywhere' }).isVisible()).toBe(true)
    expect(problems).toEqual([])
  })
})
