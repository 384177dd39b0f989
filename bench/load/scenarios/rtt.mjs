// rtt: one client alone in a room, sequential sendMessage → its own receiveMessage.
import { round } from "../session.mjs";
import { Histogram } from "../histogram.mjs";

export async function rtt(session) {
  const o = session.opts;
  const setup = await session.connectClients({ clients: 1, rooms: 1, sendersPerRoom: 1, transports: o.transports });
  if (setup.joined !== 1) throw new Error(`rtt client did not join: ${JSON.stringify(setup.errors)}`);
  const warm = await session.pool.request(0, "rtt", { n: Math.min(200, o.count), timeoutMs: 10_000 }, 20_000);
  void warm;
  const mark = await session.markStart();
  const { hist } = await session.pool.request(0, "rtt", { n: o.count, timeoutMs: o.durationMs }, o.durationMs + 10_000);
  const window = await session.markEnd(mark);
  await session.closeClients();
  const h = Histogram.from(hist);
  return { ...h.summary(), roundTripsPerSec: round(h.count / (window.wallMs / 1000)), serverCores: window.serverCores };
}
