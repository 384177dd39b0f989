// One conversation's messages: a scrolling log kept in id order, without duplicates.
// Live messages, history pages and a re-fetch after a reconnect may overlap; ids decide.
import { avatar, h } from '../dom.js';
import { formatTime } from '../messages.js';
import { linkify } from '../linkify.js';

/**
 * Orders message ids: Fatechat's are ULIDs (fixed-length strings that sort by time), the Node server's were
 * auto-increment numbers; comparing length first, then text, orders both.
 */
export function compareIds(a, b) {
  const x = String(a);
  const y = String(b);
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

const GROUP_WINDOW_MS = 5 * 60 * 1000;

/** A message right after another from the same sender within a few minutes drops its avatar and header. */
function markContinued(node) {
  if (!node.classList.contains('message')) return;
  const previous = node.previousElementSibling;
  const continued = previous !== null && previous.classList.contains('message')
    && previous.dataset.sender === node.dataset.sender
    && Math.abs(Number(node.dataset.time) - Number(previous.dataset.time)) < GROUP_WINDOW_MS;
  node.classList.toggle('continued', continued);
}

export class MessageList {
  #seen = new Set();
  #oldestId = null;
  #newestId = null;
  #hasLoadedPage = false;
  #divider = null;
  #unseen = 0;

  /**
   * @param {object} options
   * @param {string} options.me the signed-in user's e-mail (own messages are drawn on the right)
   * @param {string} options.label accessible name of the log
   * @param {(beforeId: string|null) => Promise<void>} [options.loadOlder] fetches the page before an id
   */
  constructor({ me, label, loadOlder }) {
    this.me = me;
    this.loadOlder = loadOlder;
    this.items = h('ol', { class: 'messages', 'aria-label': label });
    this.olderButton = h('button', {
      type: 'button', class: 'button ghost small load-older', hidden: true, text: 'Load earlier messages',
      onclick: () => this.#loadOlderClicked(),
    });
    this.scroller = h('div', { class: 'message-scroller', role: 'log', 'aria-label': label }, this.olderButton, this.items);
    // Shown while messages arrive below the part on screen: jumps to the newest and clears the count.
    this.jumpButton = h('button', {
      type: 'button', class: 'button primary small jump-latest', hidden: true, 'data-testid': 'jump-latest',
      onclick: () => this.scrollToEnd(),
    });
    this.element = h('div', { class: 'message-view' }, this.scroller, this.jumpButton);
    this.scroller.addEventListener('scroll', () => { if (this.#isNearBottom()) this.#caughtUp(); }, { passive: true });
  }

  get oldestId() {
    return this.#oldestId;
  }

  /** The newest message id shown: what the user has seen once this list is on screen and scrolled down. */
  get newestId() {
    return this.#newestId;
  }

  /** True when the newest message is on screen. */
  get isAtEnd() {
    return this.#isNearBottom();
  }

  /**
   * Adds one live message; returns false if it was already shown. While the user reads further up, someone
   * else's message goes below a "New messages" divider (one per batch) and counts on the jump button.
   */
  add(message) {
    if (!this.#remember(message)) return false;
    const follow = this.#isNearBottom() || message.sender === this.me;
    const node = this.#render(message);
    this.#insert(node, message.id, { live: true });
    if (follow) {
      this.scrollToEnd();
    } else if (!message.isEvent) {
      this.#markUnseen(node);
    }
    return true;
  }

  /**
   * Adds a page of history, given newest first as the API returns it; returns how many were new.
   * `hasMore` says whether older pages exist; leave it undefined for a refresh of the newest page.
   */
  addPage(newestFirst, { hasMore } = {}) {
    const firstPage = !this.#hasLoadedPage;
    this.#hasLoadedPage = true;
    const scroller = this.scroller;
    const heightBefore = scroller.scrollHeight;
    let added = 0;
    for (const message of [...newestFirst].reverse()) {
      if (!this.#remember(message)) continue;
      this.#insert(this.#render(message), message.id, { live: false });
      added++;
    }
    if (hasMore !== undefined) this.olderButton.hidden = !(hasMore && added > 0 && this.loadOlder);
    if (firstPage) this.scrollToEnd();
    else scroller.scrollTop += scroller.scrollHeight - heightBefore;
    return added;
  }

  /** A line from the system (welcome text, errors) rather than from a person. */
  note(text, { kind = 'info' } = {}) {
    const follow = this.#isNearBottom();
    this.items.append(h('li', { class: `note note-${kind}`, text }));
    if (follow) this.scrollToEnd();
  }

  scrollToEnd() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.#caughtUp();
  }

  #markUnseen(node) {
    if (this.#unseen === 0) {
      // A new batch: the divider moves to just above its first message.
      this.#divider?.remove();
      this.#divider = h('li', { class: 'new-divider', role: 'separator', 'data-testid': 'new-messages-divider' }, h('span', { text: 'New messages' }));
      node.before(this.#divider);
    }
    this.#unseen++;
    this.jumpButton.textContent = `↓ ${this.#unseen} new message${this.#unseen === 1 ? '' : 's'}`;
    this.jumpButton.hidden = false;
  }

  #caughtUp() {
    this.#unseen = 0;
    this.jumpButton.hidden = true;
  }

  #remember(message) {
    if (message.id === null || message.id === undefined) return true;
    const id = String(message.id);
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    if (this.#oldestId === null || compareIds(id, this.#oldestId) < 0) this.#oldestId = id;
    if (this.#newestId === null || compareIds(id, this.#newestId) > 0) this.#newestId = id;
    return true;
  }

  // Ids grow with store order, so a message goes after the last shown message with a smaller id (usually
  // the end). Id-less lines (notes such as the welcome) mark a moment: live messages stay below them,
  // history pages go past them.
  #insert(node, id, { live }) {
    this.#place(node, id, live);
    markContinued(node);
    if (node.nextElementSibling) markContinued(node.nextElementSibling);
  }

  #place(node, id, live) {
    if (id === null || id === undefined) {
      this.items.append(node);
      return;
    }
    for (let child = this.items.lastElementChild; child; child = child.previousElementSibling) {
      const childId = child.dataset.id;
      if (childId === undefined ? live : compareIds(childId, String(id)) < 0) {
        child.after(node);
        return;
      }
    }
    this.items.prepend(node);
  }

  #render(message) {
    const time = h('time', { datetime: message.createdAt.toISOString(), title: message.createdAt.toLocaleString(), text: formatTime(message.createdAt) });
    const id = message.id === null || message.id === undefined ? undefined : String(message.id);
    if (message.isEvent) {
      return h('li', { class: 'note event', 'data-id': id }, h('span', { text: message.text }), ' · ', time);
    }
    const own = message.sender === this.me;
    return h('li', { class: own ? 'message own' : 'message', 'data-id': id, 'data-sender': message.sender, 'data-time': message.createdAt.getTime() },
      avatar(message.sender),
      h('div', { class: 'bubble', title: message.createdAt.toLocaleString() },
        h('div', { class: 'meta' }, h('span', { class: 'sender', text: message.sender }), time),
        h('p', { class: 'text' }, linkify(message.text))));
  }

  #isNearBottom() {
    const el = this.scroller;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  }

  async #loadOlderClicked() {
    this.olderButton.disabled = true;
    try {
      await this.loadOlder(this.#oldestId);
    } finally {
      this.olderButton.disabled = false;
    }
  }
}
