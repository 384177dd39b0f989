// connect: N clients connect (websocket-only, or polling then upgrade) and join rooms of `members`; connect rate,
// time until all joined, server CPU per connect, and the server's resident memory before and after, per connection.
// A warm-up round (`--warmup` clients that connect, join and leave) goes first, so that one-off costs of a fresh
// process — JIT compilation, thread stacks, pools and heaps growing to their working size — are not counted as
// the cost of a connection; every server gets the same round.
import { sleep } from "../clock.mjs";
import { cpuPer, round } from "../session.mjs";

export async function connect(session) {
  const o = session.opts;
  const rooms = Math.max(1, Math.ceil(o.clients / o.members));
  if (o.warmupClients > 0) {
    await session.connectClients({ clients: o.warmupClients, rooms: Math.max(1, Math.ceil(o.warmupClients / o.members)), transports: o.transports });
    await session.closeClients();
  }
  await sleep(1000);
  const rssBefore = session.server.rss();
  const setup = await session.connectClients({ clients: o.clients, rooms, transports: o.transports, measure: true });
  const window = setup.window;
  await sleep(o.settleMs); // let pending join broadcasts drain and the server settle before reading memory
  const rssAfter = session.server.rss();
  await session.closeClients();
  const perConnection = rssBefore !== null && setup.connected > 0 ? (rssAfter - rssBefore) / setup.connected : null;
  const perConnect = cpuPer(window, setup.connected, 1e3);
  return {
    clients: o.clients,
    warmupClients: o.warmupClients,
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
    serverCpuMsPerConnect: perConnect.total,
    serverUserMsPerConnect: perConnect.user,
    serverKernelMsPerConnect: perConnect.kernel,
    loadgen: window.loadgen,
    errors: setup.errors,
  };
}
