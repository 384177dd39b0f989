// Two client kinds with one interface: the real npm socket.io-client (for Fatechat and the Node peer) and a plain
// `ws` WebSocket speaking the ceiling's `[event, payload]` frames. The worker only sees connect/join/send/onChat.
import { io } from "socket.io-client";
import WebSocket from "ws";

const BENCH_MARKER = '"messageText":"b|';

/** Socket.IO client; transports ["websocket"] or ["polling", "websocket"] (the original frontend's way). */
export class SioClient {
  constructor(url, token, transports) {
    this.onChat = () => {};
    this.onDisconnect = () => {};
    this.onUpgrade = () => {};
    this._welcome = null;
    this.socket = io(url, {
      transports,
      upgrade: transports.length > 1,
      // As the original frontend: the raw token (no "Bearer ") in the authorization header, no auth payload.
      // In Node, socket.io-client sends extraHeaders on the WebSocket handshake too.
      extraHeaders: { authorization: token },
      reconnection: false,
      forceNew: true,
      autoConnect: false,
      timeout: 20000,
    });
    this.socket.on("receiveMessage", (m) => {
      if (typeof m === "string") {
        if (this._welcome && m.startsWith("Welcome")) this._welcome();
      } else if (m && m.isEvent === false) {
        this.onChat(m.messageText);
      }
    });
    this.socket.on("disconnect", (reason) => this.onDisconnect(reason));
  }

  connect() {
    return new Promise((resolve, reject) => {
      this.socket.once("connect", resolve);
      this.socket.once("connect_error", (err) => reject(err));
      this.socket.connect();
      // The upgrade may finish before Socket.IO's CONNECT reply, so listen from the start.
      this.socket.io.engine?.once("upgrade", () => this.onUpgrade());
    });
  }

  join(roomName) {
    return new Promise((resolve) => {
      this._welcome = () => {
        this._welcome = null;
        resolve();
      };
      this.socket.emit("joinRoom", { roomName });
    });
  }

  send(roomName, message) {
    this.socket.emit("sendMessage", { roomName, message });
  }

  get transportName() {
    return this.socket.io.engine?.transport?.name;
  }

  close() {
    this.socket.disconnect();
    return Promise.resolve();
  }
}

/** Plain WebSocket to the ceiling's /ws endpoint: no handshake packets, no heartbeat, no packet prefixes. */
export class WsClient {
  constructor(url, token) {
    this.onChat = () => {};
    this.onDisconnect = () => {};
    this.onUpgrade = () => {};
    this._url = `${url.replace(/^http/, "ws")}/ws?token=${encodeURIComponent(token)}`;
    this._welcome = null;
  }

  connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this._url, { perMessageDeflate: false, handshakeTimeout: 20000 });
      this.ws = ws;
      ws.once("open", resolve);
      ws.once("error", reject);
      ws.on("close", () => this.onDisconnect("close"));
      ws.on("message", (data) => {
        const text = data.toString();
        // A cheap scan instead of JSON.parse: the bench's own message texts hold no quotes or escapes.
        const at = text.indexOf(BENCH_MARKER);
        if (at >= 0) {
          const start = at + BENCH_MARKER.length - 2;
          this.onChat(text.slice(start, text.indexOf('"', start)));
        } else if (this._welcome && text.startsWith('["receiveMessage","Welcome')) {
          this._welcome();
        }
      });
    });
  }

  join(roomName) {
    return new Promise((resolve) => {
      this._welcome = () => {
        this._welcome = null;
        resolve();
      };
      this.ws.send(JSON.stringify(["joinRoom", { roomName }]));
    });
  }

  send(roomName, message) {
    this.ws.send(JSON.stringify(["sendMessage", { roomName, message }]));
  }

  get transportName() {
    return "ws";
  }

  close() {
    return new Promise((resolve) => {
      if (!this.ws || this.ws.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 3000);
      this.ws.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close();
    });
  }
}

export function createClient(kind, url, token, transports) {
  return kind === "ws" ? new WsClient(url, token) : new SioClient(url, token, transports);
}
