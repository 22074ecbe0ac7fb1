/**
 * The problems of a page under test: its uncaught exceptions and its console errors, which
 * every test expects to be none. "Failed to load resource" is left out: Chromium logs it for
 * each answer of 4xx or 5xx, and the tests provoke and check such answers on purpose.
 */
import type { Page } from 'playwright-core'
import { openBrowser, type OpenBrowser } from './chromium.ts'

/** Starts recording the page's problems: the list fills as they happen. */
function recordProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(message.text())
  })
  return problems
}

export interface WatchedPage {
  page: Page
  browser: OpenBrowser
  /** What went wrong on the page so far. */
  problems: string[]
}

/** The browsers a suite opens, each a separate device, closed together when the suite ends. */
export class WatchedBrowsers {
  readonly #open: OpenBrowser[] = []

  /** A new browser (its own profile: another device) with one page whose problems are recorded. */
  async newPage(): Promise<WatchedPage> {
    const browser = await openBrowser()
    this.#open.push(browser)
    const page = browser.context.pages()[0] ?? (await browser.context.newPage())
    return { page, browser, problems: recordProblems(page) }
  }

  async close(): Promise<void> {
    for (const browser of this.#open.splice(0)) await browser.close()
  }
}
