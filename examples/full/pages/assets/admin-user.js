import { api, describe, onSubmit, show } from './common.js'
import { h } from './admin-dom.js'

// The opened user: its status (`PATCH /users/{id}`), the panels of the features the server
// advertises (see admin.js), and its deletion (`DELETE /users/{id}`) after a confirmation
// dialog. Opening moves the focus to the user's heading; closing gives it back to whatever
// opened the user.

const FLAGS = ['is_active', 'is_verified', 'is_superuser']

/**
 * `panels`: the panel definitions to show; `roles`: the configured role names; `onChange()`:
 * a user changed or disappeared; `onClose(user, deleted)`: the view was left.
 */
export function createUserView({ panels, roles, onChange, onClose }) {
  const section = document.getElementById('user')
  const heading = document.getElementById('user-title')
  const form = document.getElementById('user-form')
  const dialog = document.getElementById('delete-dialog')
  let current = null

  const host = { roles, reload: () => reload() }
  const mounted = panels.map((panel) => {
    const titleId = `panel-${panel.feature}-title`
    const body = h('div', {})
    document.getElementById('panels').append(
      h('section', { class: 'panel', 'aria-labelledby': titleId, 'data-feature': panel.feature }, h('h3', { id: titleId }, panel.title), body),
    )
    return { feature: panel.feature, instance: panel.create(body, host) }
  })

  function render(user) {
    current = user
    document.getElementById('user-email').textContent = user.email
    document.getElementById('user-id-value').textContent = user.id
    for (const flag of FLAGS) form.elements[flag].checked = user[flag]
  }

  /** Renders the user and lets every panel read its part; a panel that fails says so and leaves the others. */
  async function fill(user) {
    render(user)
    await Promise.all(mounted.map(({ instance }) => instance.open(user)))
  }

  async function reload() {
    const found = await api('GET', `/users/${encodeURIComponent(current.id)}`)
    if (!found.ok) return show(describe(found.status, found.body), 'error')
    await fill(found.body)
    onChange()
  }

  let opener = null

  async function open(id, from = null) {
    const found = await api('GET', `/users/${encodeURIComponent(id)}`)
    if (found.status === 404) return show('No user has this id.', 'error')
    if (!found.ok) return show(describe(found.status, found.body), 'error')
    opener = from
    await fill(found.body)
    section.hidden = false
    heading.focus()
    show(`Opened ${found.body.email}.`)
    return true
  }

  function close({ deleted = false } = {}) {
    section.hidden = true
    const user = current
    current = null
    onClose(user, deleted, opener)
    opener = null
  }

  onSubmit(form, async () => {
    const changes = Object.fromEntries(FLAGS.map((flag) => [flag, form.elements[flag].checked]))
    const saved = await api('PATCH', `/users/${encodeURIComponent(current.id)}`, changes)
    if (!saved.ok) return show(describe(saved.status, saved.body), 'error')
    await fill(saved.body)
    onChange()
    show(`Saved ${saved.body.email}.`)
  })

  document.getElementById('delete').addEventListener('click', () => {
    document.getElementById('delete-dialog-email').textContent = current.email
    dialog.returnValue = ''
    dialog.showModal()
  })
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'delete') return
    const user = current
    const deleted = await api('DELETE', `/users/${encodeURIComponent(user.id)}`)
    if (!deleted.ok) return show(describe(deleted.status, deleted.body), 'error')
    close({ deleted: true })
    onChange()
    show(`Deleted ${user.email}.`)
  })

  document.getElementById('close-user').addEventListener('click', () => close())

  return { open }
}
