// The room and the private conversations on the chat page: one tab and one message log each,
// only the active log visible. Unread counts show on the tabs of the others.
import { h } from '../dom.js';

export class Conversations {
  #items = new Map();
  #activeKey = null;

  /** @param {(conversation: object) => void} onChange called after the active conversation or an unread count changes */
  constructor({ onChange }) {
    this.onChange = onChange;
    this.tabs = h('nav', { class: 'tabs', role: 'tablist', 'aria-label': 'Conversations' });
    this.pane = h('div', { class: 'pane' });
  }

  get active() {
    return this.#items.get(this.#activeKey) ?? null;
  }

  get(key) {
    return this.#items.get(key) ?? null;
  }

  /** Unread messages over every conversation, for the document title. */
  get totalUnread() {
    let total = 0;
    for (const conversation of this.#items.values()) total += conversation.unread;
    return total;
  }

  /**
   * Raises the count to one found by other means (unread since the last visit, after a reload); live arrivals
   * counted meanwhile are kept.
   */
  raiseUnread(key, count) {
    const conversation = this.#items.get(key);
    if (conversation && key !== this.#activeKey && count > conversation.unread) this.#setUnread(conversation, count);
  }

  /**
   * Adds a conversation. `kind` is 'room' or 'private'; `peer` is the other person's e-mail for private ones.
   * Returns the conversation object: { key, kind, title, peer, list, unread }.
   */
  add({ key, kind, title, peer = null, list }) {
    const conversation = { key, kind, title, peer, list, unread: 0 };
    conversation.badge = h('span', { class: 'badge', hidden: true });
    conversation.tab = h('button', {
      type: 'button', class: `tab tab-${kind}`, role: 'tab', 'aria-selected': 'false', 'data-key': key,
      onclick: () => this.activate(key),
    }, h('span', { class: 'tab-title', text: title }), conversation.badge);
    list.element.hidden = true;
    this.#items.set(key, conversation);
    this.tabs.append(conversation.tab);
    this.pane.append(list.element);
    return conversation;
  }

  activate(key) {
    const next = this.#items.get(key);
    if (!next) return;
    for (const conversation of this.#items.values()) {
      const isActive = conversation === next;
      conversation.tab.setAttribute('aria-selected', String(isActive));
      conversation.list.element.hidden = !isActive;
    }
    this.#activeKey = key;
    next.tab.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    this.#setUnread(next, 0);
    next.list.scrollToEnd();
  }

  /** Counts a new message in a conversation that is not on screen. */
  noteArrival(key) {
    const conversation = this.#items.get(key);
    if (!conversation || (key === this.#activeKey && !document.hidden)) return;
    this.#setUnread(conversation, conversation.unread + 1);
  }

  /** Clears the active conversation's count when the tab becomes visible again. */
  markActiveRead() {
    if (this.active) this.#setUnread(this.active, 0);
  }

  #setUnread(conversation, count) {
    conversation.unread = count;
    conversation.badge.hidden = count === 0;
    conversation.badge.textContent = String(count);
    this.onChange(conversation);
  }
}
