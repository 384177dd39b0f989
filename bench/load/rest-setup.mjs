// The REST calls every client needs before it connects: a few users (tokens) and the rooms. The same calls work
// against Fatechat, the Node peer and the ceiling (the latter two answer with stub tokens).
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

/** Registers `userCount` fresh users and creates `roomCount` rooms (409 "taken" is fine); returns tokens and names. */
export async function prepareUsersAndRooms(url, runId, userCount, roomCount) {
  const tokens = await inParallel([...Array(userCount).keys()], 4, async (i) => {
    const res = await postJson(`${url}/api/register`, { email: `bench-${runId}-u${i}@bench.example`, password: "Bench-pass-1234!" });
    if (res.status !== 200 || !res.body?.token) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token;
  });
  const rooms = [...Array(roomCount).keys()].map((i) => `bench-${runId}-r${i}`);
  await inParallel(rooms, 16, async (name) => {
    const res = await postJson(`${url}/api/chat`, { name }, tokens[0]);
    if (res.status !== 200 && res.status !== 409) throw new Error(`create room failed: ${res.status} ${JSON.stringify(res.body)}`);
  });
  return { tokens, rooms };
}
