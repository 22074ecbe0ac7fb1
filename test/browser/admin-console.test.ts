/**
 * The example's admin console (/admin) in a real browser (Debian's Chromium through
 * playwright-core), on the library's routes with cookie authentication: a superuser searches
 * and pages through users (by role too), opens one, deactivates it (its session is then refused), sets its
 * roles, bans it (its login then answers LOGIN_USER_BANNED) and lifts the ban, deletes it after
 * a confirmation; all of it with the keyboard alone too. Anyone else is refused every call the
 * console makes, and a request from another site with the superuser's cookie is refused. On a
 * server with usernames, the list searches and shows them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { describeInChromium } from './chromium-suite.ts'
import { startExample, type ExampleServer } from './example-server.ts'
import { WatchedBrowsers } from './page-problems.ts'

const PASSWORD = 'correct horse battery staple'
const ADMIN = 'admin@example.com'
/** Each test drives one or two browsers through many steps: more than the default 30 s on a busy machine. */
const SLOW = { timeout: 120_000 }

describeInChromium('the admin console in Chromium', () => {
  let server: ExampleServer
  let adminToken: string
  const browsers = new WatchedBrowsers()
  let count = 0

  beforeAll(async () => {
    // Refresh tokens on: a login is then a session the console lists (pure JWT keeps none, docs/sessions.md).
    server = await startExample({ SUPERUSER_EMAIL: ADMIN, SUPERUSER_PASSWORD: PASSWORD, REFRESH_LIFETIME: '3600' })
    adminToken = await bearerToken(ADMIN)
  })
  afterAll(async () => {
    await browsers.close()
    await server?.close()
  })

  /** A tag shared by the emails of one test, so that its search finds only them. */
  function tag(): string {
    return `t${++count}x${Date.now().toString(36)}`
  }

  async function register(address: string): Promise<string> {
    const response = await fetch(`${server.base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: address, password: PASSWORD }),
    })
    expect(response.status).toBe(201)
    return ((await response.json()) as { id: string }).id
  }

  async function bearerToken(address: string): Promise<string> {
    const response = await fetch(`${server.base}/auth/jwt/login`, { method: 'POST', body: new URLSearchParams({ username: address, password: PASSWORD }) })
    expect(response.status).toBe(200)
    return ((await response.json()) as { access_token: string }).access_token
  }

  /** Calls the API as the superuser, with a bearer token (no browser involved). */
  async function asAdmin(method: string, path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${server.base}${path}`, { method, headers: { authorization: `Bearer ${adminToken}` } })
    const text = await response.text()
    return { status: response.status, body: text === '' ? null : JSON.parse(text) }
  }

  async function logIn(page: Page, address: string): Promise<void> {
    await page.goto(`${server.base}/login`)
    await page.getByLabel('Email').fill(address)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in', exact: true }).click()
    await page.waitForURL(`${server.base}/account`)
  }

  /** The superuser's console, with its first page of users loaded. */
  async function openConsole(): Promise<{ page: Page; problems: string[] }> {
    const opened = await browsers.newPage()
    await logIn(opened.page, ADMIN)
    await opened.page.goto(`${server.base}/admin`)
    await expect.poll(() => opened.page.locator('#users-caption').textContent()).toMatch(/^Users \d/)
    return opened
  }

  async function status(page: Page): Promise<string> {
    const line = page.getByRole('status')
    await line.waitFor({ state: 'visible' })
    return (await line.textContent()) ?? ''
  }

  /** Searches the emails containing `text`, `perPage` at a time. */
  async function search(page: Page, text: string, perPage = '25'): Promise<void> {
    await page.getByRole('searchbox', { name: 'Email' }).fill(text)
    await filters(page).getByLabel('Per page').selectOption(perPage)
    await page.getByRole('button', { name: 'Search' }).click()
  }

  const filters = (page: Page) => page.getByRole('search', { name: 'Search users' })
  const rowEmails = (page: Page) => page.locator('#users-rows th').allTextContents()
  const caption = (page: Page) => page.locator('#users-caption').textContent()

  /** Searches for the user's exact email and opens it from the list. */
  async function openUser(page: Page, address: string): Promise<void> {
    await search(page, address)
    await page.getByRole('button', { name: address, exact: true }).click()
    await expect.poll(() => status(page)).toBe(`Opened ${address}.`)
  }

  it('searches, pages forward and back, sorts, filters, and opens a user', async () => {
    const { page, problems } = await openConsole()
    const t = tag()
    const addresses = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((letter) => `${t}-${letter}@example.com`)
    const ids = []
    for (const address of addresses) ids.push(await register(address))

    await search(page, t, '5')
    await expect.poll(() => status(page)).toBe('7 users found.')
    expect(await caption(page)).toBe('Users 1–5 of 7')
    expect(await rowEmails(page)).toEqual(addresses.slice(0, 5))
    expect(await page.locator('#page-number').textContent()).toBe('Page 1 of 2')
    expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true)

    await page.getByRole('button', { name: 'Next page' }).click()
    await expect.poll(() => caption(page)).toBe('Users 6–7 of 7')
    expect(await rowEmails(page)).toEqual(addresses.slice(5))
    expect(await status(page)).toBe('Page 2 of 2: users 6–7 of 7.')
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true)
    // The focused button went disabled: the table has the focus, and its caption is read out.
    expect(await page.evaluate('document.activeElement?.id')).toBe('users-table')
    await page.getByRole('button', { name: 'Previous page' }).click()
    await expect.poll(() => caption(page)).toBe('Users 1–5 of 7')
    expect(await rowEmails(page)).toEqual(addresses.slice(0, 5))

    await filters(page).getByLabel('Sort').selectOption({ label: 'Email, Z to A' })
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => rowEmails(page)).toEqual(addresses.slice(2).reverse())

    // Filters: the one inactive user among them, then the emails that start with the tag.
    expect((await fetch(`${server.base}/users/${ids[2]}`, {
      method: 'PATCH',
      headers: { 'authorization': `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ is_active: false }),
    })).status).toBe(200)
    await filters(page).getByLabel('Active').selectOption({ label: 'No' })
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => rowEmails(page)).toEqual([addresses[2]])
    await filters(page).getByLabel('Active').selectOption({ label: 'Any' })
    await filters(page).getByLabel('Match').selectOption({ label: 'starts with' })
    await search(page, `${t}-g`)
    await expect.poll(() => rowEmails(page)).toEqual([addresses[6]])
    await search(page, `nobody-${t}`)
    await expect.poll(() => page.locator('#users-rows td').textContent()).toBe('No user matches this search.')
    expect(await caption(page)).toBe('Users none of 0')

    await filters(page).getByLabel('Match').selectOption({ label: 'contains' })
    await openUser(page, addresses[0]!)
    expect(await page.getByRole('heading', { name: `User ${addresses[0]}` }).isVisible()).toBe(true)
    expect(await page.evaluate('document.activeElement?.id')).toBe('user-title')
    expect(await page.locator('#user-id-value').textContent()).toBe(ids[0])
    expect(await page.getByRole('table').isVisible()).toBe(false)
    await page.getByRole('button', { name: 'Back to the list' }).click()
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(addresses[0])
    expect(problems).toEqual([])
  })

  it('deactivates a user, whose session is then refused, and verifies and promotes another', async () => {
    const { page, problems } = await openConsole()
    const t = tag()
    const address = `${t}@example.com`
    await register(address)
    const { page: theirs } = await browsers.newPage()
    await logIn(theirs, address)

    await openUser(page, address)
    await page.getByRole('checkbox', { name: 'Active' }).uncheck()
    await page.getByRole('button', { name: 'Save status' }).click()
    await expect.poll(() => status(page)).toBe(`Saved ${address}.`)
    expect((await theirs.request.get(`${server.base}/users/me`)).status()).toBe(401)
    await theirs.goto(`${server.base}/account`)
    await theirs.waitForURL(`${server.base}/login`)

    const other = `${t}-other@example.com`
    const otherId = await register(other)
    await page.getByRole('button', { name: 'Back to the list' }).click()
    await openUser(page, other)
    await page.getByRole('checkbox', { name: 'Verified' }).check()
    await page.getByRole('checkbox', { name: 'Superuser' }).check()
    await page.getByRole('button', { name: 'Save status' }).click()
    await expect.poll(() => status(page)).toBe(`Saved ${other}.`)
    expect((await asAdmin('GET', `/users/${otherId}`)).body).toMatchObject({ is_active: true, is_verified: true, is_superuser: true })
    expect(problems).toEqual([])
  })

  it('sets roles, which GET /users/{id}/roles then reads, while GET /users/me stays FastAPI Users\' user', async () => {
    const { page, problems } = await openConsole()
    const address = `${tag()}@example.com`
    const id = await register(address)
    await openUser(page, address)
    const panel = page.getByRole('region', { name: 'Roles' })
    expect(await panel.getByRole('checkbox').count()).toBe(4)
    await panel.getByRole('checkbox', { name: 'reader' }).check()
    await panel.getByRole('checkbox', { name: 'editor' }).check()
    await panel.getByRole('button', { name: 'Save roles' }).click()
    await expect.poll(() => status(page)).toBe(`${address} holds editor, reader.`)
    expect((await asAdmin('GET', `/users/${id}/roles`)).body).toEqual({ roles: ['editor', 'reader'] })

    await page.reload()
    await openUser(page, address)
    expect(await panel.getByRole('checkbox', { name: 'editor' }).isChecked()).toBe(true)
    expect(await panel.getByRole('checkbox', { name: 'admin' }).isChecked()).toBe(false)
    await panel.getByRole('checkbox', { name: 'editor' }).uncheck()
    await panel.getByRole('button', { name: 'Save roles' }).click()
    await expect.poll(() => status(page)).toBe(`${address} holds reader.`)

    const token = await bearerToken(address)
    const me = await fetch(`${server.base}/users/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(Object.keys((await me.json()) as object)).toEqual(['id', 'email', 'is_active', 'is_superuser', 'is_verified'])
    expect(problems).toEqual([])
  })

  it('filters the list by role, page by page, and offers no username search while usernames are off', async () => {
    const { page, problems } = await openConsole()
    const t = tag()
    const addresses = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((letter) => `${t}-${letter}@example.com`)
    const grants = [['editor'], ['reader'], ['editor', 'reader'], ['editor'], ['editor'], ['editor'], ['editor']]
    for (const [at, address] of addresses.entries()) {
      const id = await register(address)
      const response = await fetch(`${server.base}/users/${id}/roles`, {
        method: 'PUT',
        headers: { 'authorization': `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ roles: grants[at] }),
      })
      expect(response.status).toBe(200)
    }
    const editors = addresses.filter((_, at) => grants[at]!.includes('editor'))
    const role = filters(page).getByLabel('Role')
    expect(await role.locator('option').allTextContents()).toEqual(['Any', 'admin', 'support', 'editor', 'reader'])
    expect(await filters(page).getByLabel('Username').isVisible()).toBe(false)
    expect(await page.locator('#users-table thead th:visible').allTextContents()).toEqual(['Email', 'Active', 'Verified', 'Superuser', 'Created (UTC)'])

    await role.selectOption('editor')
    await search(page, t, '5')
    await expect.poll(() => status(page)).toBe('6 users found.')
    expect(await rowEmails(page)).toEqual(editors.slice(0, 5))
    await page.getByRole('button', { name: 'Next page' }).click()
    await expect.poll(() => caption(page)).toBe('Users 6–6 of 6')
    expect(await rowEmails(page)).toEqual(editors.slice(5))

    await role.selectOption('reader')
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => status(page)).toBe('2 users found.')
    expect(await rowEmails(page)).toEqual([addresses[1], addresses[2]])
    await role.selectOption('admin')
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => caption(page)).toBe('Users none of 0')
    await role.selectOption('')
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => status(page)).toBe('7 users found.')
    expect(problems).toEqual([])
  })

  it('bans with a reason and an end: the session ends and the login answers LOGIN_USER_BANNED; lifting the ban lets them in', async () => {
    const { page, problems } = await openConsole()
    const address = `${tag()}@example.com`
    const id = await register(address)
    const { page: theirs } = await browsers.newPage()
    await logIn(theirs, address)

    await openUser(page, address)
    const panel = page.getByRole('region', { name: 'Ban' })
    expect(await panel.locator('.ban-state').textContent()).toBe('Not banned.')
    await panel.getByRole('button', { name: 'Ban this user' }).click()
    expect(await status(page)).toBe('Give a reason for the ban.')
    expect(await page.evaluate('document.activeElement?.name')).toBe('reason')
    await panel.getByLabel('Reason').fill('Spam in the comments')
    await panel.getByLabel('Ends').fill('2099-06-30T12:00')
    await panel.getByRole('button', { name: 'Ban this user' }).click()
    await expect.poll(() => status(page)).toBe(`Banned ${address}.`)
    expect(await panel.locator('.ban-state').textContent()).toMatch(/^Banned since .*, until 30 Jun 2099, \d\d:00\. Reason: Spam in the comments$/)
    expect(await page.getByRole('checkbox', { name: 'Active' }).isChecked()).toBe(false)
    const ban = (await asAdmin('GET', `/users/${id}/ban`)).body as Record<string, unknown>
    expect(ban).toMatchObject({ banned: true, reason: 'Spam in the comments' })
    expect(new Date(ban.expires_at as string).getFullYear()).toBe(2099)

    expect((await theirs.request.get(`${server.base}/users/me`)).status()).toBe(401)
    await theirs.goto(`${server.base}/login`)
    await theirs.getByLabel('Email').fill(address)
    await theirs.getByLabel('Password').fill(PASSWORD)
    const [answer] = await Promise.all([
      theirs.waitForResponse(`${server.base}/auth/cookie/login`),
      theirs.getByRole('button', { name: 'Log in', exact: true }).click(),
    ])
    expect(answer.status()).toBe(400)
    expect(await answer.json()).toEqual({ detail: 'LOGIN_USER_BANNED' })
    expect(await status(theirs)).toBe('This account is banned.')

    await panel.getByRole('button', { name: 'Lift the ban' }).click()
    await expect.poll(() => status(page)).toBe(`Lifted the ban on ${address}.`)
    expect(await panel.locator('.ban-state').textContent()).toBe('Not banned.')
    expect(await page.getByRole('checkbox', { name: 'Active' }).isChecked()).toBe(true)
    expect(await panel.getByRole('button', { name: 'Lift the ban' }).isVisible()).toBe(false)
    await logIn(theirs, address)
    expect(problems).toEqual([])
  })

  it('lists a user\'s sessions and ends one, whose cookie is then refused, and shows the security events', async () => {
    const { page, problems } = await openConsole()
    const address = `${tag()}@example.com`
    await register(address)
    const { page: theirs } = await browsers.newPage()
    await logIn(theirs, address)

    await openUser(page, address)
    const sessions = page.getByRole('table', { name: 'Live sessions' })
    await expect.poll(() => sessions.locator('tbody tr').count()).toBe(1)
    expect(await sessions.locator('tbody td').nth(2).textContent()).toContain('Chrome')
    await sessions.getByRole('button', { name: /^End the session/ }).click()
    await expect.poll(() => status(page)).toBe(`Ended a session of ${address}.`)
    expect(await page.getByText('No live session.').isVisible()).toBe(true)
    expect((await theirs.request.get(`${server.base}/users/me`)).status()).toBe(401)

    // Events are written after the response: reopen until the console reads them.
    const events = page.getByRole('table', { name: 'Security events, newest first' })
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Back to the list' }).click()
      await openUser(page, address)
      return events.locator('tbody th').allTextContents()
    }, { timeout: 20_000 }).toEqual(expect.arrayContaining(['login.succeeded', 'session.revoked']))
    const revoked = events.locator('tbody tr', { hasText: 'session.revoked' })
    expect(await revoked.locator('td').nth(1).textContent()).toMatch(/^superuser /)
    expect(problems).toEqual([])
  })

  it('shows a user\'s security events a page of 20 at a time, the older ones on demand', async () => {
    const { page, problems } = await openConsole()
    const address = `${tag()}@example.com`
    const id = await register(address)
    // Each change by a superuser is an event: 21 of them, one more than the panel's page.
    for (let change = 0; change < 21; change++) {
      const response = await fetch(`${server.base}/users/${id}`, {
        method: 'PATCH',
        headers: { 'authorization': `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ is_verified: change % 2 === 0 }),
      })
      expect(response.status).toBe(200)
    }
    // Events are written after the response: wait until the API lists them all.
    const listed = async () => ((await asAdmin('GET', `/users/${id}/events?limit=100`)).body as { items: unknown[] }).items.length
    await expect.poll(listed, { timeout: 20_000 }).toBeGreaterThanOrEqual(21)
    const total = await listed()

    await openUser(page, address)
    const rows = page.getByRole('table', { name: 'Security events, newest first' }).locator('tbody tr')
    const older = page.getByRole('button', { name: 'Older events' })
    await expect.poll(() => rows.count()).toBe(20)
    expect(await older.isVisible()).toBe(true)
    await older.click()
    await expect.poll(() => rows.count()).toBe(total)
    expect(await older.isHidden()).toBe(true)
    expect(problems).toEqual([])
  })

  it('deletes a user only once the dialog confirms it', async () => {
    const { page, problems } = await openConsole()
    const address = `${tag()}@example.com`
    const id = await register(address)
    await openUser(page, address)
    const dialog = page.getByRole('dialog', { name: 'Delete this user?' })

    await page.getByRole('button', { name: 'Delete this user' }).click()
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain(`Delete ${address}? This cannot be undone.`)
    // The safe choice has the focus; Escape closes without deleting, and gives the focus back.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Delete this user')
    expect((await asAdmin('GET', `/users/${id}`)).status).toBe(200)

    await page.getByRole('button', { name: 'Delete this user' }).click()
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click()
    await expect.poll(() => status(page)).toBe(`Deleted ${address}.`)
    expect((await asAdmin('GET', `/users/${id}`)).status).toBe(404)
    expect(await page.evaluate('document.activeElement?.id')).toBe('search-email')
    await search(page, address)
    await expect.poll(() => page.locator('#users-rows td').textContent()).toBe('No user matches this search.')

    await page.getByLabel('User id').fill(id)
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    await expect.poll(() => status(page)).toBe('No user has this id.')
    expect(problems).toEqual([])
  })

  it('works with the keyboard alone: search, move through the list, open, act, and come back', async () => {
    const { page, problems } = await openConsole()
    const t = tag()
    const addresses = [`${t}-a@example.com`, `${t}-b@example.com`, `${t}-c@example.com`]
    for (const address of addresses) await register(address)

    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement?.id')).toBe('search-email')
    await page.keyboard.type(t)
    await page.keyboard.press('Enter')
    await expect.poll(() => status(page)).toBe('3 users found.')
    // Through the filters and the Search button to the first user of the table.
    let steps = 0
    while ((await page.evaluate('document.activeElement?.textContent')) !== addresses[0] && steps++ < 12) await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement?.closest("table")?.id')).toBe('users-table')
    await page.keyboard.press('ArrowDown')
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(addresses[1])
    await page.keyboard.press('Enter')
    await expect.poll(() => status(page)).toBe(`Opened ${addresses[1]}.`)
    expect(await page.evaluate('document.activeElement?.id')).toBe('user-title')

    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement?.name')).toBe('is_verified')
    await page.keyboard.press('Space')
    await page.keyboard.press('Enter')
    await expect.poll(() => status(page)).toBe(`Saved ${addresses[1]}.`)
    expect(await page.getByRole('checkbox', { name: 'Verified' }).isChecked()).toBe(true)

    steps = 0
    while ((await page.evaluate('document.activeElement?.textContent')) !== 'Back to the list' && steps++ < 20) await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(addresses[1])
    // The list shows the change made in the user's view.
    await expect.poll(() => page.locator('#users-rows tr').nth(1).locator('td').nth(1).textContent()).toBe('Yes')
    expect(problems).toEqual([])
  })

  it('shows the panels the server advertises, under a policy with Trusted Types', async () => {
    const { page, problems } = await openConsole()
    expect(await asAdmin('GET', '/admin/features')).toEqual({
      status: 200,
      body: { features: ['list', 'roles', 'ban', 'sessions', 'events'], roles: ['admin', 'support', 'editor', 'reader'] },
    })
    const response = await page.goto(`${server.base}/admin`)
    const policy = response!.headers()['content-security-policy']!
    expect(policy).toContain("script-src 'self'")
    expect(policy).toContain("require-trusted-types-for 'script'; trusted-types 'none'")
    expect(policy).not.toContain('unsafe-inline')
    await openUser(page, ADMIN)
    expect(await page.locator('#panels h3').allTextContents()).toEqual(['Roles', 'Ban', 'Sessions', 'Security events'])
    expect(problems).toEqual([])
    // The policy is in force: a string assigned to an HTML sink throws instead of becoming markup.
    expect(await page.evaluate("(() => { try { document.createElement('div').innerHTML = '<b>x</b>'; return 'assigned' } catch (error) { return error.name } })()")).toBe('TypeError')
  })

  it('refuses every call of the console to a user who is not a superuser', async () => {
    const { page, problems } = await browsers.newPage()
    const address = `${tag()}@example.com`
    const id = await register(address)
    await logIn(page, address)
    await page.goto(`${server.base}/admin`)
    expect(await status(page)).toBe('Only superusers can use the admin console.')
    expect(await page.getByRole('table').isVisible()).toBe(false)
    expect(await page.getByLabel('User id').isVisible()).toBe(false)

    // The console's own calls, made from the page with the user's cookie.
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/admin/features'],
      ['GET', '/users?limit=10&include_total=true'],
      ['GET', `/users/${id}`],
      ['PATCH', `/users/${id}`, { is_superuser: true }],
      ['GET', `/users/${id}/roles`],
      ['PUT', `/users/${id}/roles`, { roles: ['admin'] }],
      ['GET', `/users/${id}/ban`],
      ['PUT', `/users/${id}/ban`, { reason: 'no' }],
      ['DELETE', `/users/${id}/ban`],
      ['GET', `/users/${id}/sessions`],
      ['DELETE', `/users/${id}/sessions/00000000000000000000000000000000`],
      ['GET', `/users/${id}/events?limit=20`],
      ['DELETE', `/users/${id}`],
    ]
    const answers = await page.evaluate(async (list) => {
      const results = []
      for (const [method, path, body] of list) {
        const init: RequestInit = { method, headers: { 'content-type': 'application/json' } }
        if (body !== undefined) init.body = JSON.stringify(body)
        const response = await fetch(path, init)
        results.push(`${method} ${path} ${response.status} ${await response.text()}`)
      }
      return results
    }, calls)
    expect(answers).toEqual(calls.map(([method, path]) => `${method} ${path} 403 {"detail":"Forbidden"}`))
    expect((await asAdmin('GET', `/users/${id}`)).body).toMatchObject({ is_superuser: false, is_active: true })
    expect(problems).toEqual([])
  })

  it('refuses a change sent from another site with the superuser\'s cookie', async () => {
    const { page } = await openConsole()
    const address = `${tag()}@example.com`
    const id = await register(address)
    const cookies = await page.context().cookies(server.base)
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    const patch = (origin: string) => fetch(`${server.base}/users/${id}`, {
      method: 'PATCH',
      headers: { cookie, origin, 'content-type': 'application/json' },
      body: JSON.stringify({ is_active: false }),
    })
    expect((await patch('https://evil.example')).status).toBe(403)
    expect((await asAdmin('GET', `/users/${id}`)).body).toMatchObject({ is_active: true })
    expect((await patch(server.base)).status).toBe(200)
  })
}, SLOW)

describeInChromium('the admin console of a server with usernames, in Chromium', () => {
  let server: ExampleServer
  const browsers = new WatchedBrowsers()

  beforeAll(async () => {
    server = await startExample({ SUPERUSER_EMAIL: ADMIN, SUPERUSER_PASSWORD: PASSWORD, USERNAMES: 'on' })
  })
  afterAll(async () => {
    await browsers.close()
    await server?.close()
  })

  it('searches usernames and shows them in the list', async () => {
    const t = `u${Date.now().toString(36)}`
    const people = [[`${t}-a@example.com`, `${t}.Arthur`], [`${t}-b@example.com`, `${t}.Bedivere`], [`${t}-c@example.com`, null]] as const
    for (const [email, username] of people) {
      const response = await fetch(`${server.base}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(username === null ? { email, password: PASSWORD } : { email, username, password: PASSWORD }),
      })
      expect(response.status).toBe(201)
    }
    const { page, problems } = await browsers.newPage()
    await page.goto(`${server.base}/login`)
    await page.getByLabel('Email').fill(ADMIN)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in', exact: true }).click()
    await page.waitForURL(`${server.base}/account`)
    await page.goto(`${server.base}/admin`)
    await expect.poll(() => page.locator('#users-caption').textContent()).toMatch(/^Users \d/)

    const filters = page.getByRole('search', { name: 'Search users' })
    expect(await page.locator('#users-table thead th:visible').allTextContents()).toEqual(['Email', 'Username', 'Active', 'Verified', 'Superuser', 'Created (UTC)'])
    await filters.getByRole('searchbox', { name: 'Username' }).fill(t.toUpperCase())
    await filters.getByLabel('Match').selectOption({ label: 'starts with' })
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => page.locator('#users-rows th').allTextContents()).toEqual([people[0][0], people[1][0]])
    expect(await page.locator('#users-rows tr td:nth-child(2)').allTextContents()).toEqual([people[0][1], people[1][1]])
    await filters.getByRole('searchbox', { name: 'Username' }).fill('bedi')
    await filters.getByLabel('Match').selectOption({ label: 'contains' })
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => page.locator('#users-rows th').allTextContents()).toEqual([people[1][0]])
    await filters.getByRole('searchbox', { name: 'Username' }).fill('')
    await filters.getByRole('searchbox', { name: 'Email' }).fill(`${t}-c`)
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => page.locator('#users-rows th').allTextContents()).toEqual([people[2][0]])
    expect(await page.locator('#users-rows tr td:nth-child(2)').textContent()).toBe('—')
    expect(problems).toEqual([])
  })
}, SLOW)
