// Entry point: a hash router over four pages. Each page renders into #app and may return a cleanup function.
import { setUnauthorizedHandler } from './js/api.js';
import { getToken } from './js/session.js';
import { logOut, navigate } from './js/navigation.js';
import { renderAuth } from './js/views/auth-view.js';
import { renderDashboard } from './js/views/dashboard-view.js';
import { renderChat } from './js/views/chat-view.js';

const root = document.getElementById('app');
let cleanup = () => {};

const routes = [
  { pattern: /^#\/login$/, isPublic: true, render: () => renderAuth(root, 'login') },
  { pattern: /^#\/register$/, isPublic: true, render: () => renderAuth(root, 'register') },
  { pattern: /^#\/rooms$/, render: () => renderDashboard(root) },
  // A room, optionally with one private conversation open: #/rooms/3 or #/rooms/3/dm/bob%40example.com.
  { pattern: /^#\/rooms\/(\d+)(?:\/dm\/([^/]+))?$/, render: match => renderChat(root, Number(match[1]), match[2] ? decodeURIComponent(match[2]) : null) },
];

function route() {
  const hash = location.hash || '';
  const signedIn = getToken() !== null;
  for (const { pattern, isPublic, render } of routes) {
    const match = hash.match(pattern);
    if (!match) continue;
    if (!isPublic && !signedIn) return navigate('#/login');
    if (isPublic && signedIn) return navigate('#/rooms');
    cleanup();
    cleanup = render(match) ?? (() => {});
    window.scrollTo(0, 0);
    return;
  }
  navigate(signedIn ? '#/rooms' : '#/login');
}

setUnauthorizedHandler(() => logOut('Your session has expired. Please log in again.'));
window.addEventListener('hashchange', route);
route();
