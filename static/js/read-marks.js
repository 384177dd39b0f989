// What the signed-in user has read, per room and per private conversation: the newest message id seen there,
// kept in localStorage so that unread counts survive a reload and show on the room list.
import { currentUserMail } from './session.js';
import { compareIds } from './chat/message-list.js';

const PREFIX = 'fatechat.read.';

function load() {
  try {
    return JSON.parse(localStorage.getItem(PREFIX + (currentUserMail() ?? '')) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

/** The newest message id read in a conversation ('room:<name>' or 'dm:<email>'), or null if never opened. */
export function lastRead(key) {
  return load()[key] ?? null;
}

/** Remembers that everything up to `id` was seen; never moves backwards. */
export function markRead(key, id) {
  if (id === null || id === undefined) return;
  const marks = load();
  if (marks[key] !== undefined && compareIds(String(id), String(marks[key])) <= 0) return;
  marks[key] = String(id);
  localStorage.setItem(PREFIX + (currentUserMail() ?? ''), JSON.stringify(marks));
}

/** Messages (REST rows, newest first) after the read mark that someone else wrote; 0 when never opened. */
export function countUnread(key, rows, me) {
  const mark = lastRead(key);
  if (mark === null) return 0;
  return rows.filter(row => compareIds(String(row.id), mark) > 0 && row.sender !== me && !row.isEvent).length;
}

/** "(3) title" when something is unread, else the title. */
export function titleWithUnread(title, unread) {
  return unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${title}` : title;
}
