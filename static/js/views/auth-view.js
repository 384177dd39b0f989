// Login and registration: one form, two modes.
import { api, ApiError } from '../api.js';
import { setToken } from '../session.js';
import { h, replaceChildren } from '../dom.js';

const MODES = {
  login: {
    title: 'Welcome back',
    subtitle: 'Log in to continue chatting.',
    submit: 'Log in',
    autocomplete: 'current-password',
    call: api.login,
    switchText: 'New to Fatechat?',
    switchLink: 'Create an account',
    switchHash: '#/register',
  },
  register: {
    title: 'Create your account',
    subtitle: 'Pick an e-mail and a password to get started.',
    submit: 'Create account',
    autocomplete: 'new-password',
    call: api.register,
    switchText: 'Already have an account?',
    switchLink: 'Log in',
    switchHash: '#/login',
  },
};

export function renderAuth(root, modeName) {
  const mode = MODES[modeName];
  document.title = `${mode.submit} · Fatechat`;

  const email = h('input', { id: 'email', name: 'email', type: 'email', required: true, autocomplete: 'username', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', required: true, autocomplete: mode.autocomplete });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'auth-error' });
  const submit = h('button', { type: 'submit', class: 'button primary wide', text: mode.submit });

  const form = h('form', { class: 'card auth-card', novalidate: false, 'data-testid': `${modeName}-form` },
    h('div', { class: 'brand' }, h('img', { src: 'favicon.svg', alt: '', width: 36, height: 36 }), h('span', { text: 'Fatechat' })),
    h('h1', { text: mode.title }),
    h('p', { class: 'muted', text: mode.subtitle }),
    h('label', { for: 'email', text: 'E-mail' }), email,
    h('label', { for: 'password', text: 'Password' }), password,
    error,
    submit,
    h('p', { class: 'switch' }, `${mode.switchText} `, h('a', { href: mode.switchHash, text: mode.switchLink })));

  form.addEventListener('submit', async event => {
    event.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try {
      const { token } = await mode.call(email.value.trim(), password.value);
      setToken(token);
      document.getElementById('toasts')?.replaceChildren();
      location.hash = '#/rooms';
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : 'Something went wrong. Please try again.';
      error.hidden = false;
      submit.disabled = false;
      password.select();
    }
  });

  replaceChildren(root, h('main', { class: 'auth-page' }, form));
  email.focus();
}
