// The REST calls every client needs before it connects: one user (token) per client and the rooms. The same calls
// work against Fatechat, the Node peer and the ceiling (the latter two answer with stub tokens).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
async function postJson(url, body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: "POST", headers, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function inParallel(items, limit, fn) {
  let next = 0;
  const results = new Array(items.length);
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/**
 * Returns `userCount` tokens, one per user, and creates `roomCount` rooms (409 "taken" is fine). With a users file
 * (the runner keeps one per server and data folder), users registered by an earlier process of the same run are
 * reused — as clients of a restarted server reconnect with the tokens they hold — and only the missing ones are
 * registered; without one, every run registers its own.
 */
export async function prepareUsersAndRooms(url, runId, userCount, roomCount, { usersFile, log = () => {} } = {}) {
  const known = usersFile && existsSync(usersFile) ? JSON.parse(readFileSync(usersFile, "utf8")) : [];
  const missing = Math.max(0, userCount - known.length);
  if (missing > 0) {
    const started = Date.now();
    const fresh = await inParallel([...Array(missing).keys()], 8, async (i) => {
      const email = `bench-${runId}-u${i}@bench.example`;
      const res = await postJson(`${url}/api/register`, { email, password: "Bench-pass-1234!" });
      if (res.status !== 200 || !res.body?.token) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { email, token: res.body.token };
    });
    known.push(...fresh);
    if (usersFile) writeFileSync(usersFile, JSON.stringify(known));
    log(`registered ${missing} users in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const tokens = known.slice(0, userCount).map((u) => u.token);
  const rooms = [...Array(roomCount).keys()].map((i) => `bench-${runId}-r${i}`);
  await inParallel(rooms, 16, async (name) => {
    const res = await postJson(`${url}/api/chat`, { name }, tokens[0]);
    if (res.status !== 200 && res.status !== 409) throw new Error(`create room failed: ${res.status} ${JSON.stringify(res.body)}`);
  });
  return { tokens, rooms };
}
