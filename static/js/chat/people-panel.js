// The online-users sidebar: who is in the room, with a button to write to each one privately.
import { avatar, h, replaceChildren } from '../dom.js';

export class PeoplePanel {
  #users = [];
  #unread = new Map();

  /**
   * @param {object} options
   * @param {string} options.me the signed-in user's e-mail
   * @param {(email: string) => void} options.onMessage opens a private conversation
   */
  constructor({ me, onMessage }) {
    this.me = me;
    this.onMessage = onMessage;
    this.count = h('span', { class: 'count', 'data-testid': 'online-count', text: '0' });
    this.list = h('ul', { class: 'people', 'data-testid': 'online-users' });
    this.element = h('aside', { class: 'people-panel', id: 'people-panel', 'aria-label': 'People online' },
      h('h2', {}, 'Online ', this.count),
      this.list,
      h('p', { class: 'muted small hint', text: 'Choose someone to send a private message.' }));
  }

  get size() {
    return this.#users.length;
  }

  setUsers(users) {
    const unique = [...new Set((Array.isArray(users) ? users : []).map(String))];
    // Yourself first, then everybody else alphabetically.
    unique.sort((a, b) => (a === this.me ? -1 : b === this.me ? 1 : a.localeCompare(b)));
    this.#users = unique;
    this.#render();
  }

  /** While offline the list may be out of date: it stays visible, greyed, until the next online list arrives. */
  setStale(stale) {
    this.list.classList.toggle('stale', stale);
    this.list.setAttribute('aria-busy', String(stale));
  }

  setUnread(email, count) {
    if (count > 0) this.#unread.set(email, count);
    else this.#unread.delete(email);
    this.#render();
  }

  #render() {
    this.count.textContent = String(this.#users.length);
    replaceChildren(this.list, this.#users.map(email => this.#item(email)));
  }

  #item(email) {
    const isMe = email === this.me;
    const unread = this.#unread.get(email) ?? 0;
    const label = h('span', { class: 'person-name', title: email, text: email });
    if (isMe) {
      return h('li', { class: 'person me', 'data-email': email }, avatar(email), label, h('span', { class: 'muted small', text: 'you' }));
    }
    return h('li', { class: 'person', 'data-email': email },
      h('button', { type: 'button', class: 'person-button', 'aria-label': `Message ${email} privately`, onclick: () => this.onMessage(email) },
        avatar(email), label,
        unread > 0 ? h('span', { class: 'badge', 'aria-label': `${unread} unread`, text: String(unread) }) : null,
        h('span', { class: 'dm-icon', 'aria-hidden': 'true', text: '✉' })));
  }
}
