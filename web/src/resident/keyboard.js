// Keyboard use of Vant's controls. Vant draws clickable cells, tabs, radios,
// checkboxes and switches as elements with an ARIA role and tabindex="0",
// which Tab reaches, but it acts only on clicks: Enter and Space then do
// nothing. This makes them act like the native controls they stand for.

const ROLES = new Set(['button', 'tab', 'radio', 'checkbox', 'switch'])
const NATIVE = new Set(['a', 'button', 'input', 'select', 'textarea', 'summary'])

/**
 * Listens on `root` (the document) for Enter and Space on a focused element
 * with one of ROLES that is not itself a native control, and clicks it.
 */
export function activateWithKeys(root) {
  root.addEventListener('keydown', (event) => {
    const target = event.target
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.repeat) return
    if (event.key !== 'Enter' && event.key !== ' ') return
    if (!(target instanceof HTMLElement) || NATIVE.has(target.localName)) return
    if (!ROLES.has(target.getAttribute('role')) || target.getAttribute('aria-disabled') === 'true') return
    event.preventDefault() // Space would scroll the page
    target.click()
  })
}
