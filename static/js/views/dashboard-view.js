// The dashboard: the signed-in user, a form to create a room, and the list of rooms to enter.
import { api, ApiError } from '../api.js';
import { currentUserMail } from '../session.js';
import { h, replaceChildren, toast } from '../dom.js';
import { formatTime, fromStoredRow } from '../messages.js';
import { logOut } from '../navigation.js';
import { countUnread, lastRead, titleWithUnread } from '../read-marks.js';
import { compareIds } from '../chat/message-list.js';

const UNREAD_SCAN = 100;

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
  const privateList = h('ul', { class: 'room-list', 'data-testid': 'private-conversations' });
  const privateStatus = h('p', { class: 'muted', text: 'Nobody yet. Open a room and choose someone online to write privately.' });
  const unread = new Map();
  const me = currentUserMail() ?? '';

  function showUnread(key, count, badge) {
    unread.set(key, count);
    badge.hidden = count === 0;
    badge.textContent = count > 99 ? '99+' : String(count);
    let total = 0;
    for (const value of unread.values()) total += value;
    document.title = titleWithUnread('Rooms · Fatechat', total);
  }

  /** Unread messages since the last visit to each room, from the newest page of its history. */
  async function countRoomUnread(room, badge) {
    const key = `room:${room.name}`;
    if (lastRead(key) === null) return;
    try {
      const rows = await api.roomMessages(room.id, undefined, UNREAD_SCAN);
      if (!disposed) showUnread(key, countUnread(key, rows.map(fromStoredRow), me), badge);
    } catch {
      // A count is a nicety: the room is still listed.
    }
  }

  async function loadConversations(rooms) {
    try {
      const conversations = await api.conversations();
      if (disposed) return;
      const roomId = localStorage.getItem('fatechat.lastRoom') ?? rooms[0]?.id;
      privateStatus.hidden = conversations.length > 0;
      if (roomId === undefined) privateStatus.textContent = 'Create a room to chat privately from it.';
      replaceChildren(privateList, conversations.map(c => conversationItem(c, roomId)));
    } catch (err) {
      if (!disposed) privateStatus.textContent = `Could not load your private conversations: ${err.message}`;
    }
  }

  function conversationItem({ with: peer, lastMessage }, roomId) {
    const key = `dm:${peer}`;
    const mark = lastRead(key);
    const isNew = lastMessage.from !== me && (mark === null || compareIds(String(lastMessage.id), mark) > 0);
    const badge = h('span', { class: 'badge', hidden: true });
    if (isNew) showUnread(key, 1, badge);
    const when = formatTime(new Date(lastMessage.createdAt));
    const preview = `${lastMessage.from === me ? 'You: ' : ''}${lastMessage.messageText}`;
    const content = [
      h('span', { class: 'room-hash', 'aria-hidden': 'true', text: '✉' }),
      h('span', { class: 'room-name' }, h('span', { text: peer }), h('span', { class: 'muted small preview', text: preview })),
      badge,
      h('span', { class: 'muted small room-created', text: when }),
    ];
    return h('li', {}, roomId === undefined
      ? h('div', { class: 'room-link', 'data-peer': peer }, content)
      : h('a', { class: 'room-link', href: `#/rooms/${encodeURIComponent(roomId)}/dm/${encodeURIComponent(peer)}`, 'data-peer': peer }, content,
        h('span', { class: 'chevron', 'aria-hidden': 'true', text: '›' })));
  }

  async function loadRooms() {
    list.setAttribute('aria-busy', 'true');
    try {
      const rooms = await api.listRooms();
      if (disposed) return;
      replaceChildren(list, rooms.map(room => {
        const badge = h('span', { class: 'badge', hidden: true, 'data-testid': 'room-unread' });
        countRoomUnread(room, badge);
        return roomItem(room, badge);
      }));
      loadConversations(rooms);
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
        list),
      h('section', { class: 'card' },
        h('h2', { text: 'Private conversations' }),
        privateStatus,
        privateList)));

  loadRooms();
  return () => { disposed = true; };
}

function roomItem(room, badge) {
  const created = room.createdAt ? `created ${formatTime(new Date(room.createdAt))}` : '';
  return h('li', {},
    h('a', { class: 'room-link', href: `#/rooms/${encodeURIComponent(room.id)}`, 'data-room-name': room.name },
      h('span', { class: 'room-hash', 'aria-hidden': 'true', text: '#' }),
      h('span', { class: 'room-name', text: room.name }),
      badge,
      h('span', { class: 'muted small room-created', text: created }),
      h('span', { class: 'chevron', 'aria-hidden': 'true', text: '›' })));
}
