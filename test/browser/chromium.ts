/**
 * Debian's Chromium driven by playwright-core (no browser download), as the browser tests and
 * the screenshot script use it. Outside CI a machine without /usr/bin/chromium skips the
 * browser tests with the reason printed; under CI (`CI=true`) they fail instead, so that a CI
 * image without the browser cannot pass them vacuously (`.ci/run` installs the package).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Why the browser tests cannot run here, or `null` when they can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install chromium)`
}

/** Whether the tests must fail rather than skip without Chromium. */
export const inCi = /^(true|1)$/i.test(process.env.CI ?? '')

export interface OpenBrowser {
  context: BrowserContext
  close(): Promise<void>
}

/** One browser with a fresh profile of its own: its own cookies, like a separate device. */
export async function openBrowser(): Promise<OpenBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'fastify-users-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 900, height: 820 },
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
