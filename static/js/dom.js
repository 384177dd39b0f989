// Builds DOM nodes from data. Every string becomes a text node or an attribute value, never markup:
// the UI has no innerHTML anywhere, so chat text cannot inject elements.

/**
 * h('button', { class: 'primary', onclick: fn }, 'Send') → <button class="primary">Send</button>
 * Props: `class`, `text` (textContent), `dataset`, `on<event>` listeners, anything else as an attribute
 * (true → empty attribute, false/null/undefined → omitted).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends nodes and strings (as text) to a parent, skipping null/false, flattening arrays. */
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Shows a short message in the corner; errors stay longer and are announced assertively. */
export function toast(message, { kind = 'info', ms } = {}) {
  const host = document.getElementById('toasts');
  if (!host) return;
  const item = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status', text: message });
  host.append(item);
  setTimeout(() => item.remove(), ms ?? (kind === 'error' ? 6000 : 3000));
}

/** A stable hue for a person, so each sender keeps one avatar colour. */
export function hueFor(text) {
  let hash = 0;
  for (const ch of String(text)) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return hash % 360;
}

/** A round badge with the first letter of an e-mail address. */
export function avatar(email) {
  const el = h('span', { class: 'avatar', 'aria-hidden': 'true', text: (String(email || '?')[0] || '?').toUpperCase() });
  el.style.setProperty('--hue', String(hueFor(email)));
  return el;
}
