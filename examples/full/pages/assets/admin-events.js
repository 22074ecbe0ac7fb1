import { api, describe, show } from './common.js'
import { h, time } from './admin-dom.js'

// The security events panel: the opened user's audit log (`GET /users/{id}/events`), newest
// first, a page at a time with the route's opaque cursor (docs/audit-log.md).

const PAGE = 20

export const eventsPanel = {
  feature: 'events',
  title: 'Security events',
  create(body) {
    const empty = h('p', {}, 'No event recorded.')
    const rows = h('tbody')
    const table = h(
      'table',
      {},
      h('caption', {}, 'Security events, newest first'),
      h('thead', {}, h('tr', {}, ...['When', 'Event', 'By', 'Address'].map((title) => h('th', { scope: 'col' }, title)))),
      rows,
    )
    const more = h('button', { type: 'button', class: 'quiet' }, 'Older events')
    body.append(empty, table, more)
    let user = null
    let next = null

    async function load(cursor) {
      const query = new URLSearchParams({ limit: String(PAGE) })
      if (cursor !== null) query.set('cursor', cursor)
      const answer = await api('GET', `/users/${encodeURIComponent(user.id)}/events?${query}`)
      if (!answer.ok) return show(describe(answer.status, answer.body), 'error')
      const added = answer.body.items.map(row)
      if (cursor === null) rows.replaceChildren(...added)
      else rows.append(...added)
      next = answer.body.next_cursor
      more.hidden = next === null
      empty.hidden = rows.children.length > 0
      table.hidden = rows.children.length === 0
    }

    function row(event) {
      const actor = event.actor_id === null || event.actor_id === undefined ? 'the user' : `superuser ${event.actor_id}`
      return h(
        'tr',
        {},
        h('td', {}, time(event.occurred_at)),
        h('th', { scope: 'row' }, event.type),
        h('td', {}, actor),
        h('td', {}, event.ip ?? '—'),
      )
    }

    more.addEventListener('click', () => load(next))

    return {
      async open(opened) {
        user = opened
        await load(null)
      },
    }
  },
}
