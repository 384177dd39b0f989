// The REST API. Every failure becomes an ApiError carrying the server's `{ error }` text.
import { getToken } from './session.js';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let onUnauthorized = () => {};

/** Called when an authenticated request answers 401 (token expired or revoked). */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;

  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'Cannot reach the server. Check your connection and try again.');
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && token) onUnauthorized();
    const message = typeof data?.error === 'string' ? data.error : `Request failed (${response.status})`;
    throw new ApiError(response.status, message);
  }
  return data;
}

function page(path, before, limit) {
  const query = new URLSearchParams();
  if (before !== undefined && before !== null) query.set('before', String(before));
  if (limit) query.set('limit', String(limit));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export const api = {
  register: (email, password) => request('POST', '/api/register', { email, password }),
  login: (email, password) => request('POST', '/api/login', { email, password }),
  listRooms: () => request('GET', '/api/chat'),
  createRoom: name => request('POST', '/api/chat', { name }),
  /** Newest first; `before` is a message id for older pages. */
  roomMessages: (roomId, before, limit) =>
    request('GET', page(`/api/chat/${encodeURIComponent(roomId)}/messages`, before, limit)),
  /** The caller's private conversations, most recent first: `[{ with, lastMessage }]`. */
  conversations: () => request('GET', '/api/private'),
  /** The conversation between the caller and `email`, newest first. */
  privateMessages: (email, before, limit) =>
    request('GET', page(`/api/private/${encodeURIComponent(email)}/messages`, before, limit)),
};
