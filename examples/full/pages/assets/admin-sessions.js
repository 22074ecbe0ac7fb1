import { api, describe, show } from './common.js'
import { h, time } from './admin-dom.js'
import { createPanelTable } from './admin-table.js'

// The sessions panel: the opened user's live sessions (`GET /users/{id}/sessions`), one row
// each, with a button that ends it (`DELETE /users/{id}/sessions/{session_id}`): its tokens are
// refused from the next request on (docs/sessions.md).

export const sessionsPanel = {
  feature: 'sessions',
  title: 'Sessions',
  create(body) {
    let user = null
    const table = createPanelTable(body, {
      caption: 'Live sessions',
      columns: ['Started', 'Last used', 'Device', 'Address', ''],
      empty: 'No live session.',
      row,
    })
    const load = () => table.load(`/users/${encodeURIComponent(user.id)}/sessions`)

    function row(session) {
      const end = h('button', { type: 'button', class: 'danger' }, 'End')
      end.setAttribute('aria-label', `End the session started ${new Date(session.created_at).toUTCString()}`)
      end.addEventListener('click', async () => {
        const ended = await api('DELETE', `/users/${encodeURIComponent(user.id)}/sessions/${encodeURIComponent(session.id)}`)
        if (!ended.ok && ended.status !== 404) return show(describe(ended.status, ended.body), 'error')
        await load()
        body.closest('section')?.querySelector('h3, h2')?.focus()
        show(`Ended a session of ${user.email}.`)
      })
      return h(
        'tr',
        {},
        h('td', {}, time(session.created_at)),
        h('td', {}, time(session.last_used_at)),
        h('td', {}, session.user_agent ?? '—'),
        h('td', {}, session.client_address ?? '—'),
        h('td', {}, end),
      )
    }

    return {
      async open(opened) {
        user = opened
        await load()
      },
    }
  },
}
