// The Node peer: what a user would otherwise run. The npm `socket.io` 4 server with Fatechat's chat events and
// payloads, everything in memory, so the benchmark compares protocol + fan-out work on equal terms.
// Usage: node bench/peer/server.mjs --port 5202   (or PORT=5202)
import http from "node:http";
import { Server } from "socket.io";
import { handleRest, mailFromToken } from "./rest-stubs.mjs";

const portArg = process.argv.indexOf("--port");
const port = Number(portArg > 0 ? process.argv[portArg + 1] : process.env.PORT ?? 5202);
const host = process.env.BENCH_HOST ?? "127.0.0.1";
const maxMessageLength = 4000;

const httpServer = http.createServer(handleRest);
// Defaults as in the original deployment: polling + websocket, pingInterval 25 s, pingTimeout 20 s, 1 MB payloads.
const io = new Server(httpServer, { path: "/socket.io/" });

// room -> Map(userMail -> open sockets of that user in the room); a user with two tabs stays online until both close.
const presence = new Map();
let nextMessageId = 1;

function onlineUsers(roomName) {
  const users = presence.get(roomName);
  return users ? [...users.keys()] : [];
}

function addPresence(roomName, mail) {
  let users = presence.get(roomName);
  if (!users) presence.set(roomName, (users = new Map()));
  users.set(mail, (users.get(mail) ?? 0) + 1);
}

function removePresence(roomName, mail) {
  const users = presence.get(roomName);
  if (!users) return;
  const left = (users.get(mail) ?? 1) - 1;
  if (left > 0) users.set(mail, left);
  else users.delete(mail);
  if (users.size === 0) presence.delete(roomName);
}

function chatMessage(roomName, messageText, userMail, isEvent) {
  return { roomName, messageText, userMail, isEvent, id: nextMessageId++, createdAt: new Date().toISOString() };
}

// The same handshake Fatechat accepts: `auth: {token}` or an `authorization` header, "Bearer " optional.
// No signature check: the peer only needs the user's e-mail for its payloads.
io.use((socket, next) => {
  const raw = socket.handshake.auth?.token ?? socket.handshake.headers.authorization ?? "";
  socket.data.userMail = mailFromToken(String(raw).replace(/^bearer /i, "")) ?? "anonymous@peer.local";
  socket.data.rooms = new Set();
  next();
});

io.on("connection", (socket) => {
  const userMail = socket.data.userMail;

  socket.on("joinRoom", (data) => {
    const roomName = data?.roomName;
    if (typeof roomName !== "string" || roomName.length === 0) return;
    socket.join(roomName);
    if (!socket.data.rooms.has(roomName)) {
      socket.data.rooms.add(roomName);
      addPresence(roomName, userMail);
    }
    socket.emit("receiveMessage", `Welcome ${userMail} to room no ${roomName}`);
    io.to(roomName).emit("onlineUsers", { roomName, users: onlineUsers(roomName) });
    io.to(roomName).emit("receiveMessage", chatMessage(roomName, `${userMail} joined the room`, userMail, true));
  });

  socket.on("sendMessage", (data, ack) => {
    const reply = typeof ack === "function" ? ack : undefined;
    const roomName = data?.roomName;
    const message = data?.message;
    if (typeof roomName !== "string" || !socket.data.rooms.has(roomName)) {
      reply?.({ ok: false, error: "not in room" });
      return;
    }
    if (typeof message !== "string" || message.length === 0 || message.length > maxMessageLength) {
      reply?.({ ok: false, error: "invalid message" });
      return;
    }
    const payload = chatMessage(roomName, message, userMail, false);
    io.to(roomName).emit("receiveMessage", payload);
    reply?.({ ok: true, id: payload.id });
  });

  socket.on("getOnlineUsers", (data) => {
    const roomName = data?.roomName;
    if (typeof roomName !== "string") return;
    socket.emit("onlineUsers", { roomName, users: onlineUsers(roomName) });
  });

  socket.on("disconnect", () => {
    for (const roomName of socket.data.rooms) {
      removePresence(roomName, userMail);
      io.to(roomName).emit("onlineUsers", { roomName, users: onlineUsers(roomName) });
      io.to(roomName).emit("receiveMessage", chatMessage(roomName, `${userMail} left the room`, userMail, true));
    }
  });
});

httpServer.listen(port, host, () => console.log(`peer listening on http://${host}:${port}`));

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    io.close();
    httpServer.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
