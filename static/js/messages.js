// One shape for every message the UI shows, whichever wire form it came in.
// { id, sender, text, isEvent, createdAt: Date, peer? }

function toDate(value) {
  const date = value ? new Date(value) : new Date();
  return Number.isNaN(date.getTime()) ? new Date() : date;
}

// The Node server could send non-string text (e.g. a number); always display a string.
function toText(value) {
  return value === null || value === undefined ? '' : String(value);
}

/** A stored row: REST `/api/chat/{id}/messages` and socket `recentMessages`. */
export function fromStoredRow(row) {
  return {
    id: row.id ?? null,
    sender: toText(row.sender_mail),
    text: toText(row.message_text),
    isEvent: Boolean(row.is_event),
    createdAt: toDate(row.createdAt),
  };
}

/** A socket `receiveMessage` object: `{ roomName, messageText, userMail, isEvent, id, createdAt }`. */
export function fromLiveMessage(message) {
  return {
    id: message.id ?? null,
    sender: toText(message.userMail),
    text: toText(message.messageText),
    isEvent: Boolean(message.isEvent),
    createdAt: toDate(message.createdAt),
  };
}

/**
 * A private message: socket `receivePrivateMessage { id, from, to, messageText, createdAt }`, or a REST row
 * from `/api/private/{email}/messages` (accepted in either key style).
 */
export function fromPrivateMessage(message) {
  return {
    id: message.id ?? null,
    sender: toText(message.from ?? message.sender_mail ?? message.senderMail),
    recipient: toText(message.to ?? message.recipient_mail ?? message.recipientMail),
    text: toText(message.messageText ?? message.message_text),
    isEvent: false,
    createdAt: toDate(message.createdAt),
  };
}

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** "14:03" today, "Nov 27, 14:03" on other days. */
export function formatTime(date) {
  const now = new Date();
  const sameDay = date.getFullYear() === now.getFullYear() && date.getMonth() === now.getMonth() && date.getDate() === now.getDate();
  return (sameDay ? timeOnly : dateAndTime).format(date);
}
