// The message box: Enter sends, Shift+Enter starts a new line; the text stays until the server accepts it.
import { h } from '../dom.js';

export const MAX_MESSAGE_LENGTH = 4000;

/** @param {{ onSend: (text: string) => Promise<boolean> }} options onSend resolves true when the server accepted */
export function createComposer({ onSend }) {
  const input = h('textarea', {
    id: 'message-input', name: 'message', rows: 1, maxlength: MAX_MESSAGE_LENGTH, required: true,
    'aria-label': 'Message', autocomplete: 'off', enterkeyhint: 'send', 'data-testid': 'message-input',
  });
  const button = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'send', text: 'Send' });
  const form = h('form', { class: 'composer', 'data-testid': 'composer' }, input, button);

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
      }
    } finally {
      button.disabled = false;
      input.focus();
    }
  }

  input.addEventListener('input', resize);
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
  };
}
