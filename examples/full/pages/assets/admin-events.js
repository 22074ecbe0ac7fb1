import { h, time } from './admin-dom.js'
import { createPanelTable } from './admin-table.js'

// The security events panel: the opened user's audit log (`GET /users/{id}/events`), newest
// first, a page at a time with the route's opaque cursor (docs/audit-log.md).

const PAGE = 20

export const eventsPanel = {
  feature: 'events',
  title: 'Security events',
  create(body) {
    const table = createPanelTable(body, {
      caption: 'Security events, newest first',
      columns: ['When', 'Event', 'By', 'Address'],
      empty: 'No event recorded.',
      more: 'Older events',
      row(event) {
        const actor = event.actor_id === null || event.actor_id === undefined ? 'the user' : `superuser ${event.actor_id}`
        return h(
          'tr',
          {},
          h('td', {}, time(event.occurred_at)),
          h('th', { scope: 'row' }, event.type),
          h('td', {}, actor),
          h('td', {}, event.ip ?? '—'),
        )
      },
    })

    return {
      async open(user) {
        await table.load(`/users/${encodeURIComponent(user.id)}/events`, { limit: String(PAGE) })
      },
    }
  },
}
