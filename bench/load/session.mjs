// What every scenario shares: the worker pool, the server probe, the client layout, and load-generator CPU
// accounting (so the output says when the generator, not the server, was the limit).
import os from "node:os";
import { nowUs, sleep } from "./clock.mjs";
import { Histogram } from "./histogram.mjs";
import { machineBusySeconds, serverProbe } from "./proc-stats.mjs";
import { prepareUsersAndRooms } from "./rest-setup.mjs";
import { WorkerPool } from "./worker-pool.mjs";

export class Session {
  constructor(opts) {
    this.opts = opts;
    this.pool = new WorkerPool(opts.workers);
    this.server = serverProbe(opts.serverPid);
    this.runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  }

  log(msg) {
    if (!this.opts.quiet) process.stderr.write(`[load ${this.opts.scenario}] ${msg}\n`);
  }

  /**
   * Connects `clients` clients spread round-robin over the workers and joins each to room i % rooms.
   * The first `sendersPerRoom` members of each room are senders. Returns timings and who joined where; with
   * `measure`, also the CPU window of the connecting alone (users and rooms are made over REST before it opens:
   * password hashing is not a connection's cost).
   */
  async connectClients({ clients, rooms, sendersPerRoom = 0, transports, measure = false }) {
    const o = this.opts;
    // Fresh room names for every setup; one user per client, registered (or taken from the users file) before
    // any window opens, and reused by later setups of the same run.
    const prefix = `${this.runId}s${(this.setups = (this.setups ?? 0) + 1)}`;
    const prepared = await prepareUsersAndRooms(o.url, prefix, clients, rooms, { usersFile: o.usersFile, log: (m) => this.log(m) });
    const perWorker = this.pool.workers.map(() => []);
    for (let i = 0; i < clients; i++) {
      const room = prepared.rooms[i % rooms];
      perWorker[i % perWorker.length].push({
        key: i,
        room,
        sender: Math.floor(i / rooms) < sendersPerRoom,
        token: prepared.tokens[i % prepared.tokens.length],
      });
    }
    const mark = measure ? await this.markStart() : null;
    const startAtUs = nowUs() + 300_000;
    const results = await this.pool.all(
      "setup",
      (w) => ({
        url: o.url,
        kind: o.client,
        transports,
        clients: perWorker[w],
        concurrency: Math.max(1, Math.ceil(o.concurrency / o.workers)),
        timeoutMs: o.connectTimeoutMs,
        startAtUs,
      }),
      o.connectTimeoutMs + 30_000,
    );
    const window = mark ? await this.markEnd(mark) : null;
    // Deliveries a message should reach = the members of its room that really joined.
    this.roomMembers = new Map();
    for (const r of results) {
      r.connectHist = Histogram.from(r.connectHist);
      for (const [room, n] of Object.entries(r.joinedByRoom)) this.roomMembers.set(room, (this.roomMembers.get(room) ?? 0) + n);
    }
    const sum = (k) => results.reduce((a, r) => a + r[k], 0);
    const lastUs = (k) => Math.max(...results.map((r) => r[k]));
    return {
      startAtUs,
      connected: sum("connected"),
      failed: sum("failed"),
      joined: sum("joined"),
      upgraded: sum("upgraded"),
      allConnectedMs: (lastUs("lastConnectedUs") - startAtUs) / 1000,
      allJoinedMs: (lastUs("lastJoinedUs") - startAtUs) / 1000,
      allUpgradedMs: sum("upgraded") ? (lastUs("lastUpgradedUs") - startAtUs) / 1000 : null,
      connectLatency: results.reduce((h, r) => h.merge(r.connectHist), new Histogram()).summary(),
      errors: results.flatMap((r) => r.errors).slice(0, 5),
      window,
    };
  }

  async closeClients() {
    await this.pool.all("close", {}, 60_000);
  }

  /** Starts a measured window: CPU of the server and of every worker. */
  async markStart() {
    const workers = await this.pool.all("cpu", {});
    return { atUs: nowUs(), serverCpu: this.server.cpu(), machineBusy: machineBusySeconds(), coordinatorCpu: cpuOfThisProcess(), workers };
  }

  /** Ends the window: server CPU (user and kernel) and cores used, and whether any load worker ran out of CPU. */
  async markEnd(start) {
    const workers = await this.pool.all("cpu", {});
    const wallUs = nowUs() - start.atUs;
    const serverCpu = this.server.cpu();
    const workerCores = workers.map((w, i) => (w.cpuUs - start.workers[i].cpuUs) / (w.atUs - start.workers[i].atUs));
    const cpu = serverCpu === null ? null : cpuDelta(start.serverCpu, serverCpu);
    const serverCpuSeconds = cpu?.total ?? null;
    const serverCores = serverCpuSeconds === null ? null : serverCpuSeconds / (wallUs / 1e6);
    const maxWorkerCores = Math.max(...workerCores);
    // CPU used by processes that are neither the server nor this generator (other work on a shared machine):
    // a run with much of it measured the neighbours as well.
    const ownSeconds = (serverCpuSeconds ?? 0) + workerCores.reduce((a, c) => a + c, 0) * (wallUs / 1e6) + (cpuOfThisProcess() - start.coordinatorCpu);
    const otherCores = Math.max(0, (machineBusySeconds() - start.machineBusy - ownSeconds) / (wallUs / 1e6));
    const loadgenCores = workerCores.reduce((a, b) => a + b, 0);
    const loadgen = {
      workers: workers.length,
      cores: round(loadgenCores, 2),
      maxWorkerCores: round(maxWorkerCores, 2),
      loopDelayP99Ms: round(Math.max(...workers.map((w) => w.loopDelayP99Ms)), 1),
      // A worker is one event loop: near one full core it cannot keep up, whatever the server does.
      saturated: maxWorkerCores > 0.9,
      machineSaturated: serverCores !== null && loadgenCores + serverCores + otherCores > 0.95 * os.availableParallelism(),
      otherProcessesCores: round(otherCores, 2),
    };
    if (otherCores > 0.25) this.log(`WARNING other processes used ${round(otherCores, 2)} cores during this measurement`);
    if (loadgen.saturated) this.log(`WARNING load generator saturated: a worker used ${loadgen.maxWorkerCores} cores`);
    return {
      wallMs: wallUs / 1000,
      serverCpuSeconds,
      serverUserSeconds: cpu?.user ?? null,
      serverKernelSeconds: cpu?.kernel ?? null,
      serverCores: serverCores === null ? null : round(serverCores, 2),
      loadgen,
    };
  }

  async settle(ms) {
    await sleep(ms);
  }

  async stop() {
    await this.pool.stop();
  }
}

/** Server CPU between two cpuTimes() readings, in seconds: { user, kernel, total }. */
export function cpuDelta(a, b) {
  return { user: b.user - a.user, kernel: b.kernel - a.kernel, total: b.total - a.total };
}

/** CPU of a window per unit of work (`scale` 1e6 for µs, 1e3 for ms): { total, user, kernel }, or nulls. */
export function cpuPer(window, units, scale) {
  const per = (sec) => (sec === null || sec === undefined || !units ? null : round((sec * scale) / units, 3));
  return { total: per(window.serverCpuSeconds), user: per(window.serverUserSeconds), kernel: per(window.serverKernelSeconds) };
}

function cpuOfThisProcess() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export function round(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
