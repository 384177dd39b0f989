// "alice is typing…" under the room's messages: who is typing, each entry dropped when its stopTyping comes or
// when it has not been renewed for a while (a typist whose connection died sends no stopTyping).
import { h } from '../dom.js';

const EXPIRES_MS = 6000;

export class TypingIndicator {
  #typists = new Map();

  constructor() {
    this.element = h('p', { class: 'typing-indicator', 'aria-live': 'polite', 'data-testid': 'typing-indicator' });
  }

  typing(email) {
    clearTimeout(this.#typists.get(email));
    this.#typists.set(email, setTimeout(() => this.stopped(email), EXPIRES_MS));
    this.#render();
  }

  stopped(email) {
    clearTimeout(this.#typists.get(email));
    if (this.#typists.delete(email)) this.#render();
  }

  clear() {
    for (const timer of this.#typists.values()) clearTimeout(timer);
    this.#typists.clear();
    this.#render();
  }

  #render() {
    const names = [...this.#typists.keys()];
    this.element.textContent = names.length === 0 ? ''
      : names.length === 1 ? `${names[0]} is typing…`
      : names.length === 2 ? `${names[0]} and ${names[1]} are typing…`
      : `${names.length} people are typing…`;
  }
}
