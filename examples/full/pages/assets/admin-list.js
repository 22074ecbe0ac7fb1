import { api, describe, onSubmit, show } from './common.js'
import { h, time, yesNo } from './admin-dom.js'

// The users list: `GET /users` with the search form's filters, a page at a time. The API's
// cursors only go forward, so the list keeps the cursor of every page it has shown, to go back.
// The total is asked for with the first page (and after a change) only: counting scans, and the
// count barely moves while one pages through. The role filter shows with the server's roles, the
// username search and column with its usernames: without them `GET /users` has no such filter.

/**
 * Builds the list on admin.html's elements; `onOpen(id, button)` opens a user, `roles` are the
 * configured role names (none without roles), `usernames` whether users have usernames.
 */
export function createUserList({ onOpen, roles, usernames }) {
  const form = document.getElementById('search-form')
  const table = document.getElementById('users-table')
  const rows = document.getElementById('users-rows')
  const caption = document.getElementById('users-caption')
  const previous = document.getElementById('previous-page')
  const next = document.getElementById('next-page')
  const pageNumber = document.getElementById('page-number')
  let search = new URLSearchParams()
  let limit = 25
  let cursors = [null]
  let index = 0
  let total = null
  const columns = usernames ? 6 : 5

  if (roles.length > 0) {
    document.getElementById('search-role').append(...roles.map((role) => h('option', { value: role }, role)))
    document.getElementById('search-role-field').hidden = false
  }
  document.getElementById('search-username-field').hidden = !usernames
  document.getElementById('users-username-column').hidden = !usernames

  function searchFrom(values) {
    const params = new URLSearchParams()
    const prefix = values.match === 'email_prefix'
    const email = values.email.trim()
    if (email !== '') params.set(prefix ? 'email_prefix' : 'email_contains', email)
    const username = usernames ? values.username.trim() : ''
    if (username !== '') params.set(prefix ? 'username_prefix' : 'username_contains', username)
    if (roles.length > 0 && values.role !== '') params.set('role', values.role)
    for (const flag of ['is_active', 'is_verified', 'is_superuser']) if (values[flag] !== '') params.set(flag, values[flag])
    const [sort, order] = values.sort.split(':')
    params.set('sort', sort)
    params.set('order', order)
    params.set('limit', values.limit)
    return params
  }

  /** Loads page `at` of the current search; `false` when the API refused. */
  async function load(at, count = at === 0) {
    const params = new URLSearchParams(search)
    if (cursors[at] !== null) params.set('cursor', cursors[at])
    if (count) params.set('include_total', 'true')
    const page = await api('GET', `/users?${params}`)
    if (!page.ok) {
      show(describe(page.status, page.body), 'error')
      return false
    }
    index = at
    if (page.body.total !== undefined) total = page.body.total
    cursors = cursors.slice(0, at + 1)
    if (page.body.next_cursor !== null) cursors.push(page.body.next_cursor)
    render(page.body.items)
    return true
  }

  function render(users) {
    rows.replaceChildren(...users.map(row))
    if (users.length === 0) rows.append(h('tr', {}, h('td', { colspan: columns }, 'No user matches this search.')))
    const first = index * limit + 1
    const range = users.length === 0 ? 'none' : `${first}–${first + users.length - 1}`
    caption.textContent = `Users ${range}${total === null ? '' : ` of ${total}`}`
    const pages = total === null ? null : Math.max(1, Math.ceil(total / limit))
    pageNumber.textContent = `Page ${index + 1}${pages === null ? '' : ` of ${pages}`}`
    previous.disabled = index === 0
    next.disabled = cursors.length <= index + 1
  }

  function row(user) {
    const open = h('button', { type: 'button', class: 'link', 'data-id': user.id }, user.email)
    open.addEventListener('click', () => onOpen(user.id, open))
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, open),
      usernames ? h('td', {}, user.username ?? '—') : null,
      h('td', {}, yesNo(user.is_active)),
      h('td', {}, yesNo(user.is_verified)),
      h('td', {}, yesNo(user.is_superuser)),
      h('td', {}, time(user.created_at)),
    )
  }

  /** After a page change the focused button may be disabled: the table (its caption) takes the focus. */
  async function turn(at) {
    if (!(await load(at))) return
    table.focus()
    show(`${pageNumber.textContent}: ${caption.textContent.toLowerCase()}.`)
  }

  previous.addEventListener('click', () => turn(index - 1))
  next.addEventListener('click', () => turn(index + 1))

  // Up and down arrows move between the users' buttons, besides Tab.
  rows.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return
    const buttons = [...rows.querySelectorAll('button')]
    const at = buttons.indexOf(document.activeElement)
    if (at === -1) return
    const to = buttons[at + (event.key === 'ArrowDown' ? 1 : -1)]
    if (to === undefined) return
    event.preventDefault()
    to.focus()
  })

  onSubmit(form, async (values) => {
    search = searchFrom(values)
    limit = Number(values.limit)
    cursors = [null]
    total = null
    if (!(await load(0))) return
    show(total === 1 ? '1 user found.' : `${total} users found.`)
  })

  return {
    /** The first page of the default search. */
    start: () => form.requestSubmit(),
    /** Reloads the page shown (after a change to one of its users), keeping the focus where it is. */
    refresh: () => load(index, true),
    /** The button that opens this user, when the page shows it. */
    buttonOf: (id) => [...rows.querySelectorAll('button')].find((button) => button.dataset.id === id) ?? null,
  }
}
