// The admin console's DOM helpers. Elements are built with createElement and text with
// textContent, never from HTML strings: no value from the server can become markup, and the
// page's Trusted Types policy (no HTML sinks at all) holds.

let unique = 0

/** An element with attributes (`class`, `for`, `aria-*`…, or `true` for a bare one) and children (nodes or text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue
    element.setAttribute(name, value === true ? '' : String(value))
  }
  element.append(...children.filter((child) => child !== null && child !== undefined))
  return element
}

/** A fresh id for tying a label or a description to its field. */
export function newId(prefix) {
  unique += 1
  return `${prefix}-${unique}`
}

const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })

/** An instant of the API as a `<time>`, in UTC (the same for every administrator); a dash when unknown. */
export function time(iso) {
  if (iso === null || iso === undefined) return document.createTextNode('—')
  return h('time', { datetime: iso }, DATE.format(new Date(iso)))
}

/** "Yes" or "No", for a flag in a table cell. */
export function yesNo(flag) {
  return flag ? 'Yes' : 'No'
}
