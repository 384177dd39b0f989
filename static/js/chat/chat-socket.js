// The socket.io connection for the chat page.

/**
 * Connects with polling first, then upgrades to WebSocket: a browser can set the Authorization header only on
 * HTTP requests (the original Node server read the token from there), so the token goes in the polling
 * request headers and, for servers that read it there, in the handshake auth payload too.
 */
export function connectChatSocket(token) {
  if (typeof window.io !== 'function') {
    throw new Error('The chat client (/socket.io/socket.io.js) could not be loaded from the server.');
  }
  return window.io({
    transports: ['polling', 'websocket'],
    extraHeaders: { Authorization: token },
    auth: { token },
    reconnectionDelayMax: 5000,
    // An unanswered send is sent again (after a reconnect too); its clientMessageId makes the server keep it once.
    retries: 2,
    ackTimeout: 5000,
  });
}

/** A fresh id for one message the user sends (a UUID; random hex where randomUUID is unavailable, on plain http). */
export function newClientMessageId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** Emits with an acknowledgement; rejects when the server does not answer in time or refuses. */
export async function emitWithAck(socket, event, payload, timeoutMs = 5000) {
  if (!socket.connected) throw new Error('You are offline. Wait for the connection to come back and try again.');
  let answer;
  try {
    answer = await socket.timeout(timeoutMs).emitWithAck(event, payload);
  } catch {
    throw new Error('The server did not answer in time.');
  }
  if (answer && answer.ok === false) throw new Error(describeError(answer.error) || 'The server refused it.');
  return answer;
}

/** Text for an error payload: a string, `{ error }` or `{ message }`. */
export function describeError(payload) {
  if (typeof payload === 'string') return payload;
  if (payload && typeof payload.error === 'string') return payload.error;
  if (payload && typeof payload.message === 'string') return payload.message;
  return '';
}
