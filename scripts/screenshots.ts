/**
 * `npm run screenshots`: the account pages' pictures in docs/screenshots/, taken with the
 * browser tests' setup (Debian's Chromium through playwright-core) against the full example
 * with the local OpenID provider, so that the login page shows its OAuth button, with refresh
 * tokens, so that the account page lists its sessions (two: another device logged in first),
 * with two-factor, for the login page's code step, and the admin console with its list and an
 * opened user.
 */
import { join, resolve } from 'node:path'
import { decodeBase32IgnorePadding } from '@oslojs/encoding'
import { totpCode, totpStep } from '../src/two-factor/totp.ts'
import { openBrowser } from '../test/browser/chromium.ts'
import { startExample } from '../test/browser/example-server.ts'

const folder = resolve(import.meta.dirname, '..', 'docs', 'screenshots')
const server = await startExample({
  SUPERUSER_EMAIL: 'root@example.com',
  SUPERUSER_PASSWORD: 'correct horse battery staple',
  REFRESH_LIFETIME: '86400',
  TWO_FACTOR_KEY: 'screenshots-two-factor-key-long-enough-0123456',
})
const browser = await openBrowser()
const otherDevice = await openBrowser()
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

  // Ada's phone, another session on the account page.
  const phone = otherDevice.context.pages()[0] ?? (await otherDevice.context.newPage())
  await phone.goto(`${server.base}/login`)
  await phone.getByLabel('Email').fill(email)
  await phone.getByLabel('Password').fill(password)
  await phone.getByRole('button', { name: 'Log in', exact: true }).click()
  await phone.waitForURL(`${server.base}/account`)

  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in', exact: true }).click()
  await page.waitForURL(`${server.base}/account`)
  await page.locator('#who').waitFor()
  await page.locator('#session-rows tr').nth(1).waitFor()
  await shot('account')

  // Grace turns two-factor on, and logs in again: the code step.
  await page.request.post(`${server.base}/auth/register`, { data: { email: 'grace@example.com', password } })
  await phone.goto(`${server.base}/login`)
  await phone.getByLabel('Email').fill('grace@example.com')
  await phone.getByLabel('Password').fill(password)
  await phone.getByRole('button', { name: 'Log in', exact: true }).click()
  await phone.waitForURL(`${server.base}/account`)
  const secret = await phone.evaluate(async () => ((await (await fetch('/auth/2fa/enrol', { method: 'POST' })).json()) as { secret: string }).secret)
  const code = totpCode(decodeBase32IgnorePadding(secret), totpStep(Date.now() / 1000))
  await phone.evaluate(async (given) => {
    await fetch('/auth/2fa/confirm', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: given }) })
  }, code)
  await phone.getByRole('button', { name: 'Log out', exact: true }).click()
  await phone.waitForURL(`${server.base}/login`)
  await phone.getByLabel('Email').fill('grace@example.com')
  await phone.getByLabel('Password').fill(password)
  await phone.getByRole('button', { name: 'Log in', exact: true }).click()
  await phone.getByLabel('Code from your authenticator app').waitFor()
  await phone.screenshot({ path: join(folder, 'login-two-factor.png'), fullPage: true })

  await page.goto(`${server.base}/forgot-password`)
  await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Send the link' }).click()
  await page.getByRole('status').waitFor()
  await shot('forgot-password')

  const token = await server.mailedToken('forgot_password', email)
  await page.goto(`${server.base}/reset-password?token=${encodeURIComponent(token)}`)
  await shot('reset-password')

  // A few more people, for the admin console's list; Ada gets a role.
  for (const name of ['katherine', 'linus', 'margaret']) {
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
  await otherDevice.close()
  await browser.close()
  await server.close()
}
