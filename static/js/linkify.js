// Turns the web addresses in a message into links, safely: the text stays text nodes, only http(s) URLs become
// <a> elements, and links open in a new tab without access to this page (noopener) or the referrer.
import { h } from './dom.js';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that usually ends the sentence rather than the address.
const TRAILING = /[.,;:!?)\]}'"]+$/;

/** The text as an array of strings and <a> elements. */
export function linkify(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let raw = match[0];
    const trailing = raw.match(TRAILING)?.[0] ?? '';
    raw = raw.slice(0, raw.length - trailing.length);
    const url = safeUrl(raw);
    if (!url) continue;
    parts.push(text.slice(last, match.index));
    parts.push(h('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow', class: 'message-link', text: raw }));
    last = match.index + raw.length;
  }
  parts.push(text.slice(last));
  return parts.filter(part => part !== '');
}

function safeUrl(raw) {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
