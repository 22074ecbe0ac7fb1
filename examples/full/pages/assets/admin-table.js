import { api, describe, show } from './common.js'
import { h } from './admin-dom.js'

// A panel's table of the opened user's items (its sessions, its security events): a captioned
// table under column headers, a sentence in its place while there is no item, and, for a route
// that pages with an opaque cursor (`next_cursor`), a button that appends the next page. Rows
// come from the panel, built with admin-dom.js like the rest of the console.

/**
 * Fills `body`: `caption`, `columns` (the headers' titles), `empty` (the sentence without
 * items), `row(item)` (one `<tr>`), and `more`, the label of the next page's button, for a
 * paged route. Returns `{ load(path, query) }`, which shows the first page of `GET path?query`,
 * or announces why the API refused.
 */
export function createPanelTable(body, { caption, columns, empty, row, more = null }) {
  const note = h('p', {}, empty)
  const rows = h('tbody')
  const table = h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...columns.map((title) => h('th', { scope: 'col' }, title)))),
    rows,
  )
  const next = more === null ? null : h('button', { type: 'button', class: 'quiet' }, more)
  body.append(note, table, ...(next === null ? [] : [next]))
  let path = null
  let query = {}
  let cursor = null

  /** The page after `after` (an opaque cursor), or the first one for `null`. */
  async function page(after) {
    const params = new URLSearchParams(query)
    if (after !== null) params.set('cursor', after)
    const search = params.toString()
    const answer = await api('GET', search === '' ? path : `${path}?${search}`)
    if (!answer.ok) return show(describe(answer.status, answer.body), 'error')
    const added = answer.body.items.map(row)
    if (after === null) rows.replaceChildren(...added)
    else rows.append(...added)
    cursor = answer.body.next_cursor ?? null
    if (next !== null) next.hidden = cursor === null
    note.hidden = rows.children.length > 0
    table.hidden = rows.children.length === 0
  }

  next?.addEventListener('click', () => page(cursor))

  return {
    async load(from, parameters = {}) {
      path = from
      query = parameters
      await page(null)
    },
  }
}
