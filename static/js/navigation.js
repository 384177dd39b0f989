// Moving between pages, shared by the router and the pages (kept apart from app.js to avoid an import cycle).
import { clearToken } from './session.js';
import { toast } from './dom.js';

/** Goes to a hash route; re-renders when already there. */
export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** Forgets the token and returns to the login page, optionally telling the user why. */
export function logOut(message) {
  clearToken();
  if (message) toast(message, { kind: 'error' });
  navigate('#/login');
}
