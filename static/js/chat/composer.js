// The message box: Enter sends, Shift+Enter starts a new line; the text stays until the server accepts it.
import { h } from '../dom.js';

export const MAX_MESSAGE_LENGTH = 4000;

const TYPING_REPEAT_MS = 2500;
const TYPING_IDLE_MS = 4000;

/**
 * @param {object} options
 * @param {(text: string) => Promise<boolean>} options.onSend resolves true when the server accepted
 * @param {(typing: boolean) => void} [options.onTyping] told when typing starts (repeated every few seconds while
 *   it goes on) and when it stops: sent, emptied, or idle for a few seconds
 */
export function createComposer({ onSend, onTyping = () => {} }) {
  const input = h('textarea', {
    id: 'message-input', name: 'message', rows: 1, maxlength: MAX_MESSAGE_LENGTH, required: true,
    'aria-label': 'Message', autocomplete: 'off', enterkeyhint: 'send', 'data-testid': 'message-input',
  });
  const button = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'send', text: 'Send' });
  const form = h('form', { class: 'composer', 'data-testid': 'composer' }, input, button);

  let typingSince = 0;
  let idleTimer = null;
  function typed() {
    clearTimeout(idleTimer);
    if (!input.value.trim()) return stopTyping();
    const now = Date.now();
    if (now - typingSince > TYPING_REPEAT_MS) {
      typingSince = now;
      onTyping(true);
    }
    idleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  }
  function stopTyping() {
    clearTimeout(idleTimer);
    if (typingSince === 0) return;
    typingSince = 0;
    onTyping(false);
  }

  function resize() {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  }

  async function submit() {
    const text = input.value.trim();
    if (!text || button.disabled) return;
    button.disabled = true;
    try {
      if (await onSend(text)) {
        input.value = '';
        resize();
        stopTyping();
      }
    } finally {
      button.disabled = false;
      input.focus();
    }
  }

  input.addEventListener('input', () => { resize(); typed(); });
  input.addEventListener('blur', stopTyping);
  input.addEventListener('keydown', event => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  form.addEventListener('submit', event => {
    event.preventDefault();
    submit();
  });

  return {
    element: form,
    focus: () => input.focus(),
    setPlaceholder: text => { input.placeholder = text; },
    stopTyping,
  };
}
