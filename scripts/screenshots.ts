/**
 * `npm run screenshots`: the account pages' pictures in docs/screenshots/, taken with the
 * browser tests' setup (Debian's Chromium through playwright-core) against the full example
 * with the local OpenID provider, so that the login page shows its OAuth button, and the admin
 * console with its list and an opened user.
 */
import { join, resolve } from 'node:path'
import { openBrowser } from '../test/browser/chromium.ts'
import { startExample } from '../test/browser/example-server.ts'

const folder = resolve(import.meta.dirname, '..', 'docs', 'screenshots')
const server = await startExample({ SUPERUSER_EMAIL: 'root@example.com', SUPERUSER_PASSWORD: 'correct horse battery staple' })
const browser = await openBrowser()
try {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage())
  const shot = (name: string) => page.screenshot({ path: join(folder, `${name}.png`), fullPage: true })
  const email = 'ada@example.com'
  const password = 'correct horse battery staple'

  await page.goto(`${server.base}/register`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('status').waitFor()
  await shot('register')

  await page.goto(`${server.base}/login`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill('a wrong password')
  await page.getByRole('button', { name: 'Log in', exact: true }).click()
  await page.getByRole('status').waitFor()
  await shot('login')

  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in', exact: true }).click()
  await page.waitForURL(`${server.base}/account`)
  await page.locator('#who').waitFor()
  await shot('account')

  await page.goto(`${server.base}/forgot-password`)
  await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Send the link' }).click()
  await page.getByRole('status').waitFor()
  await shot('forgot-password')

  const token = await server.mailedToken('forgot_password', email)
  await page.goto(`${server.base}/reset-password?token=${encodeURIComponent(token)}`)
  await shot('reset-password')

  // A few more people, for the admin console's list; Ada gets a role.
  for (const name of ['grace', 'katherine', 'linus', 'margaret']) {
    await page.request.post(`${server.base}/auth/register`, { data: { email: `${name}@example.com`, password } })
  }
  await page.getByRole('link', { name: 'Back to log in' }).click()
  await page.getByLabel('Email').fill('root@example.com')
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in', exact: true }).click()
  await page.waitForURL(`${server.base}/account`)
  await page.goto(`${server.base}/admin`)
  await page.getByRole('button', { name: email, exact: true }).waitFor()
  await shot('admin')

  await page.getByRole('button', { name: email, exact: true }).click()
  await page.getByRole('checkbox', { name: 'editor' }).check()
  await page.getByRole('button', { name: 'Save roles' }).click()
  await page.getByRole('status').filter({ hasText: 'holds editor' }).waitFor()
  await shot('admin-user')
} finally {
  await browser.close()
  await server.close()
}
