// The dashboard: the signed-in user, a form to create a room, and the list of rooms to enter.
import { api, ApiError } from '../api.js';
import { currentUserMail } from '../session.js';
import { h, replaceChildren, toast } from '../dom.js';
import { formatTime } from '../messages.js';
import { logOut } from '../navigation.js';

export function renderDashboard(root) {
  document.title = 'Rooms · Fatechat';
  let disposed = false;

  const nameInput = h('input', { id: 'room-name', name: 'name', required: true, maxlength: 100, placeholder: 'e.g. general', autocomplete: 'off' });
  const createError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'create-error' });
  const createButton = h('button', { type: 'submit', class: 'button primary', text: 'Create' });
  const createForm = h('form', { class: 'inline-form', 'data-testid': 'create-room-form' },
    h('label', { for: 'room-name', class: 'visually-hidden', text: 'Room name' }), nameInput, createButton);

  const list = h('ul', { class: 'room-list', 'data-testid': 'room-list', 'aria-busy': 'true' });
  const status = h('p', { class: 'muted', text: 'Loading rooms…' });

  async function loadRooms() {
    list.setAttribute('aria-busy', 'true');
    try {
      const rooms = await api.listRooms();
      if (disposed) return;
      replaceChildren(list, rooms.map(roomItem));
      status.textContent = rooms.length === 0 ? 'No rooms yet. Create the first one above.' : '';
      status.hidden = rooms.length !== 0;
    } catch (err) {
      if (disposed) return;
      status.hidden = false;
      status.textContent = `Could not load rooms: ${err.message}`;
    } finally {
      list.setAttribute('aria-busy', 'false');
    }
  }

  createForm.addEventListener('submit', async event => {
    event.preventDefault();
    const name = nameInput.value.trim();
    createError.hidden = true;
    if (!name) {
      createError.textContent = 'Give the room a name.';
      createError.hidden = false;
      return;
    }
    createButton.disabled = true;
    try {
      const room = await api.createRoom(name);
      nameInput.value = '';
      toast(`Room “${room.name}” created.`);
      await loadRooms();
    } catch (err) {
      createError.textContent = err instanceof ApiError ? err.message : 'Could not create the room.';
      createError.hidden = false;
    } finally {
      createButton.disabled = false;
    }
  });

  const me = currentUserMail() ?? '';
  replaceChildren(root,
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '#/rooms' }, h('img', { src: 'favicon.svg', alt: '', width: 28, height: 28 }), h('span', { text: 'Fatechat' })),
      h('div', { class: 'topbar-right' },
        h('span', { class: 'user-chip', title: me, 'data-testid': 'current-user', text: me }),
        h('button', { type: 'button', class: 'button ghost', 'data-testid': 'logout', text: 'Log out', onclick: () => logOut() }))),
    h('main', { class: 'dashboard' },
      h('section', { class: 'card' },
        h('h2', { text: 'Create a room' }),
        createForm,
        createError),
      h('section', { class: 'card' },
        h('div', { class: 'section-head' },
          h('h2', { text: 'Rooms' }),
          h('button', { type: 'button', class: 'button ghost small', text: 'Refresh', onclick: loadRooms })),
        status,
        list)));

  loadRooms();
  return () => { disposed = true; };
}

function roomItem(room) {
  const created = room.createdAt ? `created ${formatTime(new Date(room.createdAt))}` : '';
  return h('li', {},
    h('a', { class: 'room-link', href: `#/rooms/${encodeURIComponent(room.id)}`, 'data-room-name': room.name },
      h('span', { class: 'room-hash', 'aria-hidden': 'true', text: '#' }),
      h('span', { class: 'room-name', text: room.name }),
      h('span', { class: 'muted small room-created', text: created }),
      h('span', { class: 'chevron', 'aria-hidden': 'true', text: '›' })));
}
