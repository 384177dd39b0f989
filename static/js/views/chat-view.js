// The chat room page: room messages, private conversations, the composer and the online-users sidebar,
// wired to the REST history endpoints and the socket events.
import { api } from '../api.js';
import { currentUserMail, getToken } from '../session.js';
import { h, replaceChildren, toast } from '../dom.js';
import { logOut } from '../navigation.js';
import { fromLiveMessage, fromPrivateMessage, fromStoredRow } from '../messages.js';
import { MessageList } from '../chat/message-list.js';
import { PeoplePanel } from '../chat/people-panel.js';
import { Conversations } from '../chat/conversations.js';
import { connectChatSocket, describeError, emitWithAck } from '../chat/chat-socket.js';
import { createComposer } from '../chat/composer.js';

const PAGE_SIZE = 20;
const ROOM_KEY = 'room';
const TOKEN_UNAUTHORIZED = 'Token Unauthorized';

export function renderChat(root, roomId) {
  const state = { disposed: false, socket: null, cleanups: [] };
  replaceChildren(root, h('main', { class: 'centered' }, h('p', { class: 'muted', text: 'Opening the room…' })));

  api.listRooms().then(rooms => {
    if (state.disposed) return;
    const room = rooms.find(r => Number(r.id) === roomId);
    if (room) openRoom(root, room, state);
    else showProblem(root, 'This room does not exist (any more).');
  }).catch(err => {
    if (!state.disposed) showProblem(root, `Could not open the room: ${err.message}`);
  });

  return () => {
    state.disposed = true;
    state.socket?.disconnect();
    for (const cleanup of state.cleanups) cleanup();
  };
}

function showProblem(root, message) {
  replaceChildren(root, h('main', { class: 'centered' },
    h('div', { class: 'card' }, h('p', { role: 'alert', text: message }), h('a', { class: 'button primary', href: '#/rooms', text: 'Back to rooms' }))));
}

function openRoom(root, room, state) {
  const me = currentUserMail() ?? '';
  const roomName = room.name;
  document.title = `# ${roomName} · Fatechat`;

  const status = h('span', { class: 'status', 'data-state': 'connecting', 'data-testid': 'connection-status', text: 'Connecting…' });
  const people = new PeoplePanel({ me, onMessage: email => { openPrivate(email, { focus: true }); closeDrawer(); } });
  const conversations = new Conversations({
    onChange: conversation => {
      if (conversation.kind === 'private') people.setUnread(conversation.peer, conversation.unread);
      updatePlaceholder();
    },
  });
  const composer = createComposer({ onSend: send });

  const roomList = new MessageList({
    me, label: `Messages in ${roomName}`,
    loadOlder: before => loadRoomPage(before),
  });
  conversations.add({ key: ROOM_KEY, kind: 'room', title: `# ${roomName}`, list: roomList });
  conversations.activate(ROOM_KEY);

  const peopleToggle = h('button', {
    type: 'button', class: 'button ghost people-toggle', 'aria-controls': 'people-panel', 'aria-expanded': 'false',
    onclick: () => setDrawer(!root.querySelector('.chat-page').classList.contains('drawer-open')),
  }, 'People ', h('span', { class: 'count', text: '0' }));

  replaceChildren(root, h('div', { class: 'chat-page', 'data-testid': 'chat-page', 'data-room': roomName },
    h('header', { class: 'topbar' },
      h('a', { class: 'button ghost back', href: '#/rooms', 'aria-label': 'Back to rooms', text: '‹ Rooms' }),
      h('div', { class: 'room-title' }, h('h1', { title: roomName, text: `# ${roomName}` }), status),
      h('div', { class: 'topbar-right' },
        peopleToggle,
        h('span', { class: 'user-chip', title: me, 'data-testid': 'current-user', text: me }),
        h('button', { type: 'button', class: 'button ghost topbar-logout', 'data-testid': 'logout', text: 'Log out', onclick: () => logOut() }))),
    h('div', { class: 'chat-body' },
      h('section', { class: 'conversation', 'aria-label': 'Conversation' }, conversations.tabs, conversations.pane, composer.element),
      people.element,
      h('div', { class: 'drawer-backdrop', onclick: () => setDrawer(false) }))));

  // On a phone the top bar has no room for the account; the drawer shows it instead.
  people.element.append(h('div', { class: 'panel-account' },
    h('span', { class: 'user-chip', title: me, text: me }),
    h('button', { type: 'button', class: 'button ghost small', 'data-testid': 'logout-drawer', text: 'Log out', onclick: () => logOut() })));

  function setDrawer(open) {
    root.querySelector('.chat-page')?.classList.toggle('drawer-open', open);
    peopleToggle.setAttribute('aria-expanded', String(open));
  }
  function closeDrawer() { setDrawer(false); }

  function updatePlaceholder() {
    const active = conversations.active;
    composer.setPlaceholder(active?.kind === 'private' ? `Private message to ${active.peer}` : `Message # ${roomName}`);
  }

  let roomHistoryLoaded = false;
  async function loadRoomPage(before) {
    try {
      const rows = await api.roomMessages(room.id, before ?? undefined, before ? PAGE_SIZE : undefined);
      if (state.disposed) return;
      // A refresh of the newest page (after a reconnect) leaves the "earlier messages" button as it was.
      const isRefresh = !before && roomHistoryLoaded;
      roomHistoryLoaded = true;
      roomList.addPage(rows.map(fromStoredRow), { hasMore: isRefresh ? undefined : rows.length >= PAGE_SIZE });
    } catch (err) {
      if (!state.disposed) roomList.note(`Could not load earlier messages: ${err.message}`, { kind: 'error' });
    }
  }

  function openPrivate(email, { focus }) {
    const key = `private:${email}`;
    let conversation = conversations.get(key);
    if (!conversation) {
      const list = new MessageList({ me, label: `Private messages with ${email}`, loadOlder: before => loadPrivatePage(list, email, before) });
      conversation = conversations.add({ key, kind: 'private', title: email, peer: email, list });
      loadPrivatePage(list, email, null);
    }
    if (focus) {
      conversations.activate(key);
      composer.focus();
    }
    return conversation;
  }

  async function loadPrivatePage(list, email, before) {
    try {
      const rows = await api.privateMessages(email, before ?? undefined, before ? PAGE_SIZE : undefined);
      if (state.disposed) return;
      list.addPage(rows.map(fromPrivateMessage), { hasMore: rows.length >= PAGE_SIZE });
    } catch (err) {
      if (!state.disposed) list.note(`Could not load earlier messages: ${err.message}`, { kind: 'error' });
    }
  }

  async function send(text) {
    const active = conversations.active;
    try {
      if (active.kind === 'private') {
        await emitWithAck(state.socket, 'sendPrivateMessage', { to: active.peer, message: text });
      } else {
        await emitWithAck(state.socket, 'sendMessage', { roomName, message: text });
      }
      return true;
    } catch (err) {
      toast(`Message not sent: ${err.message}`, { kind: 'error' });
      return false;
    }
  }

  function setStatus(stateName, text) {
    status.dataset.state = stateName;
    status.textContent = text;
  }

  // Socket wiring.
  let socket;
  try {
    socket = connectChatSocket(getToken());
  } catch (err) {
    setStatus('offline', 'Offline');
    roomList.note(err.message, { kind: 'error' });
    return;
  }
  state.socket = socket;
  let connectedBefore = false;

  socket.on('connect', () => {
    setStatus('online', 'Connected');
    socket.emit('joinRoom', { roomName });
    // The first history load happens with the join; after a reconnect, fetch again to fill any gap (ids dedupe).
    loadRoomPage(null);
    if (connectedBefore) roomList.note('Reconnected.');
    connectedBefore = true;
  });

  socket.on('receiveMessage', payload => {
    if (typeof payload === 'string') {
      if (payload === TOKEN_UNAUTHORIZED) {
        logOut('Your session has expired. Please log in again.');
        return;
      }
      roomList.note(payload);
      return;
    }
    if (!payload || typeof payload !== 'object' || (payload.roomName !== undefined && payload.roomName !== roomName)) return;
    if (roomList.add(fromLiveMessage(payload)) && !payload.isEvent) conversations.noteArrival(ROOM_KEY);
  });

  socket.on('onlineUsers', payload => {
    if (!payload || (payload.roomName !== undefined && payload.roomName !== roomName)) return;
    people.setUsers(payload.users ?? []);
    peopleToggle.querySelector('.count').textContent = String(people.size);
  });

  socket.on('receivePrivateMessage', payload => {
    if (!payload || typeof payload !== 'object') return;
    const message = fromPrivateMessage(payload);
    const peer = message.sender === me ? message.recipient : message.sender;
    if (!peer) return;
    const conversation = openPrivate(peer, { focus: false });
    if (conversation.list.add(message) && message.sender !== me) conversations.noteArrival(conversation.key);
  });

  socket.on('error', payload => {
    toast(describeError(payload) || 'The server reported an error.', { kind: 'error' });
  });

  socket.on('connect_error', () => setStatus('offline', 'Offline — retrying…'));

  socket.on('disconnect', reason => {
    if (state.disposed) return;
    if (reason === 'io server disconnect') {
      // The server closed the session on purpose; socket.io does not retry on its own then.
      setStatus('offline', 'Disconnected');
      roomList.note('The server closed the connection.', { kind: 'error' });
      const retry = h('button', { type: 'button', class: 'button ghost small', text: 'Reconnect', onclick: () => { retry.remove(); socket.connect(); } });
      status.after(retry);
    } else {
      setStatus('offline', 'Offline — reconnecting…');
    }
  });

  const onVisible = () => { if (!document.hidden) conversations.markActiveRead(); };
  document.addEventListener('visibilitychange', onVisible);
  state.cleanups.push(() => document.removeEventListener('visibilitychange', onVisible));
  updatePlaceholder();
  composer.focus();
}
