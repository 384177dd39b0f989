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
import { connectChatSocket, describeError, emitWithAck, newClientMessageId } from '../chat/chat-socket.js';
import { createComposer } from '../chat/composer.js';
import { TypingIndicator } from '../chat/typing-indicator.js';
import { countUnread, markRead, titleWithUnread } from '../read-marks.js';

const PAGE_SIZE = 20;
const ROOM_KEY = 'room';
const TOKEN_UNAUTHORIZED = 'Token Unauthorized';

/** The room page; `openWith` names a private conversation to show first. */
export function renderChat(root, roomId, openWith = null) {
  const state = { disposed: false, socket: null, cleanups: [] };
  replaceChildren(root, h('main', { class: 'centered' }, h('p', { class: 'muted', text: 'Opening the room…' })));

  api.listRooms().then(rooms => {
    if (state.disposed) return;
    const room = rooms.find(r => Number(r.id) === roomId);
    if (room) openRoom(root, room, state, openWith);
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

function openRoom(root, room, state, openWith) {
  const me = currentUserMail() ?? '';
  const roomName = room.name;
  const pageTitle = `# ${roomName} · Fatechat`;
  document.title = pageTitle;
  localStorage.setItem('fatechat.lastRoom', String(room.id));

  const status = h('span', { class: 'status', 'data-state': 'connecting', 'data-testid': 'connection-status', text: 'Connecting…' });
  const people = new PeoplePanel({ me, onMessage: email => { openPrivate(email, { focus: true }); closeDrawer(); } });
  const conversations = new Conversations({
    onChange: conversation => {
      if (conversation.kind === 'private') people.setUnread(conversation.peer, conversation.unread);
      updatePlaceholder();
      markActiveSeen();
      document.title = titleWithUnread(pageTitle, conversations.totalUnread);
    },
  });
  const composer = createComposer({ onSend: send, onTyping: sendTyping });
  const typing = new TypingIndicator();
  const offlineBanner = h('div', { class: 'offline-banner', role: 'alert', hidden: true, 'data-testid': 'offline-banner' },
    h('strong', { text: 'Connection lost.' }), ' Reconnecting… The online list may be out of date; new messages will appear once you are back.');

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
      h('section', { class: 'conversation', 'aria-label': 'Conversation' },
        offlineBanner, conversations.tabs, conversations.pane, typing.element, composer.element),
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
    typing.element.hidden = active?.kind !== 'room';
  }

  /** Read marks follow what is on screen: the active conversation, scrolled to its newest message, tab visible. */
  function markActiveSeen() {
    const active = conversations.active;
    if (!active || document.hidden || !active.list.isAtEnd) return;
    markRead(readKey(active), active.list.newestId);
  }

  function readKey(conversation) {
    return conversation.kind === 'room' ? `room:${roomName}` : `dm:${conversation.peer}`;
  }

  function sendTyping(isTyping) {
    if (conversations.active?.kind !== 'room' || !state.socket?.connected) return;
    state.socket.emit(isTyping ? 'typing' : 'stopTyping', { roomName });
  }

  let roomHistoryLoaded = false;
  async function loadRoomPage(before) {
    try {
      const rows = await api.roomMessages(room.id, before ?? undefined, before ? PAGE_SIZE : undefined);
      if (state.disposed) return;
      // A refresh of the newest page (after a reconnect) leaves the "earlier messages" button as it was.
      const isRefresh = !before && roomHistoryLoaded;
      roomHistoryLoaded = true;
      const messages = rows.map(fromStoredRow);
      if (!before && !isRefresh) conversations.raiseUnread(ROOM_KEY, countUnread(`room:${roomName}`, messages, me));
      roomList.addPage(messages, { hasMore: isRefresh ? undefined : rows.length >= PAGE_SIZE });
      markActiveSeen();
    } catch (err) {
      if (!state.disposed) roomList.note(`Could not load earlier messages: ${err.message}`, { kind: 'error' });
    }
  }

  function openPrivate(email, { focus }) {
    const key = `private:${email}`;
    let conversation = conversations.get(key);
    if (!conversation) {
      const list = new MessageList({ me, label: `Private messages with ${email}`, loadOlder: before => loadPrivatePage(list, email, before) });
      list.scroller.addEventListener('scroll', markActiveSeen, { passive: true });
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
      const messages = rows.map(fromPrivateMessage);
      if (!before) conversations.raiseUnread(`private:${email}`, countUnread(`dm:${email}`, messages, me));
      list.addPage(messages, { hasMore: rows.length >= PAGE_SIZE });
      markActiveSeen();
    } catch (err) {
      if (!state.disposed) list.note(`Could not load earlier messages: ${err.message}`, { kind: 'error' });
    }
  }

  async function send(text) {
    const active = conversations.active;
    // One id per message typed: the client's own resends (a late ack, a reconnect) are then stored and shown once.
    const clientMessageId = newClientMessageId();
    try {
      if (active.kind === 'private') {
        await emitWithAck(state.socket, 'sendPrivateMessage', { to: active.peer, message: text, clientMessageId });
      } else {
        await emitWithAck(state.socket, 'sendMessage', { roomName, message: text, clientMessageId });
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
    offlineBanner.hidden = true;
    if (socket.recovered) {
      // The server gave the session back (connection state recovery): still in the room, and every message missed
      // meanwhile has just arrived in order. Only the online list is asked for again.
      socket.emit('getOnlineUsers', { roomName });
    } else {
      socket.emit('joinRoom', { roomName });
      // The first history load happens with the join; after a reconnect that could not be recovered, fetch again to
      // fill the gap (ids dedupe), and the join's online list replaces the greyed one.
      loadRoomPage(null);
    }
    if (connectedBefore) toast(socket.recovered ? 'Back online; nothing was missed.' : 'Back online.');
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
    const message = fromLiveMessage(payload);
    typing.stopped(message.sender);
    if (roomList.add(message) && !payload.isEvent) conversations.noteArrival(ROOM_KEY);
    markActiveSeen();
  });

  socket.on('typing', payload => {
    if (payload?.roomName === roomName && payload.userMail && payload.userMail !== me) typing.typing(String(payload.userMail));
  });
  socket.on('stopTyping', payload => {
    if (payload?.roomName === roomName && payload.userMail) typing.stopped(String(payload.userMail));
  });

  socket.on('onlineUsers', payload => {
    if (!payload || (payload.roomName !== undefined && payload.roomName !== roomName)) return;
    people.setUsers(payload.users ?? []);
    people.setStale(false);
    peopleToggle.querySelector('.count').textContent = String(people.size);
  });

  socket.on('receivePrivateMessage', payload => {
    if (!payload || typeof payload !== 'object') return;
    const message = fromPrivateMessage(payload);
    const peer = message.sender === me ? message.recipient : message.sender;
    if (!peer) return;
    const conversation = openPrivate(peer, { focus: false });
    if (conversation.list.add(message) && message.sender !== me) conversations.noteArrival(conversation.key);
    markActiveSeen();
  });

  socket.on('error', payload => {
    toast(describeError(payload) || 'The server reported an error.', { kind: 'error' });
  });

  function showOffline() {
    offlineBanner.hidden = false;
    people.setStale(true);
    typing.clear();
  }

  socket.on('connect_error', () => {
    setStatus('offline', 'Offline — retrying…');
    showOffline();
  });

  socket.on('disconnect', reason => {
    if (state.disposed) return;
    showOffline();
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

  const onVisible = () => {
    if (document.hidden) return;
    conversations.markActiveRead();
    markActiveSeen();
  };
  document.addEventListener('visibilitychange', onVisible);
  state.cleanups.push(() => document.removeEventListener('visibilitychange', onVisible));
  // Private conversations of earlier visits, most recent first, as tabs; the one asked for in the address opens.
  api.conversations().then(list => {
    if (state.disposed) return;
    for (const { with: peer } of list) openPrivate(String(peer), { focus: false });
    if (openWith) openPrivate(openWith, { focus: true });
  }).catch(err => {
    if (!state.disposed) toast(`Could not load your private conversations: ${err.message}`, { kind: 'error' });
  });
  roomList.scroller.addEventListener('scroll', markActiveSeen, { passive: true });

  updatePlaceholder();
  composer.focus();
}
