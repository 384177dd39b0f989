// The JWT lives in localStorage so a reload or a second tab stays logged in.
const TOKEN_KEY = 'fatechat.token';

/** Decodes the JWT payload (no verification: the server does that); null when unreadable. */
export function decodeToken(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(part.padEnd(Math.ceil(part.length / 4) * 4, '=')), c => c.charCodeAt(0)));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/** The stored token, or null when there is none or it has expired (then it is removed). */
export function getToken() {
  const token = localStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  const payload = decodeToken(token);
  if (!payload || (typeof payload.exp === 'number' && payload.exp * 1000 <= Date.now())) {
    localStorage.removeItem(TOKEN_KEY);
    return null;
  }
  return token;
}

export function setToken(token) {
  localStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  localStorage.removeItem(TOKEN_KEY);
}

/** The signed-in user's e-mail, from the token's `userMail` claim. */
export function currentUserMail() {
  const token = getToken();
  return token ? decodeToken(token)?.userMail ?? null : null;
}
