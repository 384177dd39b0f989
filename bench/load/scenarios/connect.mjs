// connect: N clients connect (websocket-only, or polling then upgrade) and join rooms of `members`; connect rate,
// time until all joined, and the server's resident memory before and after, per connection.
import { sleep } from "../clock.mjs";
import { round } from "../session.mjs";

export async function connect(session) {
  const o = session.opts;
  const rooms = Math.max(1, Math.ceil(o.clients / o.members));
  await sleep(500);
  const rssBefore = session.server.rss();
  const mark = await session.markStart();
  const setup = await session.connectClients({ clients: o.clients, rooms, transports: o.transports });
  const window = await session.markEnd(mark);
  await sleep(o.settleMs); // let pending join broadcasts drain and the server settle before reading memory
  const rssAfter = session.server.rss();
  await session.closeClients();
  const perConnection = rssBefore !== null && setup.connected > 0 ? (rssAfter - rssBefore) / setup.connected : null;
  return {
    clients: o.clients,
    rooms,
    connected: setup.connected,
    joined: setup.joined,
    failed: setup.failed,
    upgraded: setup.upgraded,
    connectsPerSec: round(setup.connected / (setup.allConnectedMs / 1000)),
    allConnectedMs: round(setup.allConnectedMs),
    allJoinedMs: round(setup.allJoinedMs),
    allUpgradedMs: round(setup.allUpgradedMs),
    connectLatency: setup.connectLatency,
    serverRssBeforeMB: rssBefore === null ? null : round(rssBefore / 2 ** 20, 1),
    serverRssAfterMB: rssAfter === null ? null : round(rssAfter / 2 ** 20, 1),
    serverKBPerConnection: perConnection === null ? null : round(perConnection / 1024, 2),
    serverCores: window.serverCores,
    loadgen: window.loadgen,
    errors: setup.errors,
  };
}
