// Minimal stand-ins for Fatechat's /api/register and /api/chat, so the load generator runs unchanged against the
// peer. A token is "bench." + base64url(JSON {userMail}): unsigned, because the peer checks nobody.
const rooms = new Map();

export function tokenForMail(userMail) {
  return "bench." + Buffer.from(JSON.stringify({ userMail })).toString("base64url");
}

export function mailFromToken(token) {
  if (!token.startsWith("bench.")) return undefined;
  try {
    const mail = JSON.parse(Buffer.from(token.slice(6), "base64url").toString("utf8")).userMail;
    return typeof mail === "string" ? mail : undefined;
  } catch {
    return undefined;
  }
}

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(json) });
  res.end(json);
}

function readJson(req, done) {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (chunk) => {
    body += chunk;
    if (body.length > 100_000) req.destroy();
  });
  req.on("end", () => {
    try {
      done(JSON.parse(body || "{}"));
    } catch {
      done(undefined);
    }
  });
}

/** Node http handler: answers the two REST calls; socket.io takes /socket.io/ before this runs. */
export function handleRest(req, res) {
  if (req.method === "POST" && req.url === "/api/register") {
    readJson(req, (body) => {
      if (typeof body?.email !== "string" || body.email.length === 0) return send(res, 400, { error: "email required" });
      send(res, 200, { token: tokenForMail(body.email) });
    });
    return;
  }
  if (req.method === "POST" && req.url === "/api/chat") {
    readJson(req, (body) => {
      const name = body?.name;
      if (typeof name !== "string" || name.length === 0) return send(res, 400, { error: "name required" });
      if (rooms.has(name)) return send(res, 409, { error: "Room already exists" });
      const now = new Date().toISOString();
      const room = { id: rooms.size + 1, name, createdAt: now, updatedAt: now };
      rooms.set(name, room);
      send(res, 200, room);
    });
    return;
  }
  send(res, 404, { error: "Not found" });
}
