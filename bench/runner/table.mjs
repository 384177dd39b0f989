// Turns the per-server results into one table: each figure, and Fatechat's ratios to the peer and the ceiling.
const figures = [
  { key: "connect-ws", label: "websocket connects/s", pick: (r) => r.connectsPerSec, better: "higher" },
  { key: "connect-ws", label: "websocket: all joined (ms)", pick: (r) => r.allJoinedMs, better: "lower" },
  { key: "connect-ws", label: "websocket: server CPU ms per connect", pick: (r) => r.serverCpuMsPerConnect, better: "lower" },
  { key: "connect-ws", label: "  of which user", pick: (r) => r.serverUserMsPerConnect, better: "lower" },
  { key: "connect-ws", label: "  of which kernel", pick: (r) => r.serverKernelMsPerConnect, better: "lower" },
  { key: "connect-ws", label: "server KB per idle connection", pick: (r) => r.serverKBPerConnection, better: "lower" },
  { key: "connect-polling", label: "polling→upgrade connects/s", pick: (r) => r.connectsPerSec, better: "higher" },
  { key: "connect-polling", label: "polling: all upgraded (ms)", pick: (r) => r.allUpgradedMs, better: "lower" },
  { key: "connect-polling", label: "polling: server CPU ms per connect", pick: (r) => r.serverCpuMsPerConnect, better: "lower" },
  { key: "connect-polling", label: "  of which user", pick: (r) => r.serverUserMsPerConnect, better: "lower" },
  { key: "connect-polling", label: "  of which kernel", pick: (r) => r.serverKernelMsPerConnect, better: "lower" },
  { key: "rtt", label: "round trip p50 (ms)", pick: (r) => r.p50Ms, better: "lower" },
  { key: "rtt", label: "round trip p99 (ms)", pick: (r) => r.p99Ms, better: "lower" },
  { key: "steady", label: "steady: deliveries/s", pick: (r) => r.deliveriesPerSec, better: "higher" },
  { key: "steady", label: "steady: latency p50 (ms)", pick: (r) => r.latency.p50Ms, better: "lower" },
  { key: "steady", label: "steady: latency p99 (ms)", pick: (r) => r.latency.p99Ms, better: "lower" },
  { key: "steady", label: "steady: latency max (ms)", pick: (r) => r.latency.maxMs, better: "lower" },
  { key: "steady", label: "steady: lost deliveries", pick: (r) => r.lost, better: "lower" },
  { key: "steady", label: "steady: server CPU µs/delivery", pick: (r) => r.serverCpuUsPerDelivery, better: "lower" },
  { key: "steady", label: "  of which user", pick: (r) => r.serverUserUsPerDelivery, better: "lower" },
  { key: "steady", label: "  of which kernel", pick: (r) => r.serverKernelUsPerDelivery, better: "lower" },
  { key: "ramp", label: "max deliveries/s with p99 < 100 ms", pick: (r) => r.maxSustainedDeliveriesPerSec, better: "higher" },
  { key: "ramp", label: "p99 at that rate (ms)", pick: (r) => r.p99AtMaxMs, better: "lower" },
  { key: "syscalls", label: "syscalls per delivery (strace -c -f)", pick: (r) => r.syscallsPerDelivery, better: "lower" },
  { key: "cold-start", label: "cold-start: CPU µs/delivery, first part", pick: (r) => r.first.cpu, better: "lower" },
  { key: "cold-start", label: "  of which user", pick: (r) => r.first.user, better: "lower" },
  { key: "cold-start", label: "  of which kernel", pick: (r) => r.first.kernel, better: "lower" },
  { key: "cold-start", label: "cold-start: CPU µs/delivery, last part", pick: (r) => r.last.cpu, better: "lower" },
  { key: "cold-start", label: "cold-start: first part / last part", pick: (r) => r.firstOverLast, better: "lower" },
  { key: "cold-start", label: "cold-start: latency p99, first part (ms)", pick: (r) => r.first.p99Ms, better: "lower" },
];

const fmt = (v) => {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  if (Math.abs(v) >= 100) return String(Math.round(v));
  return String(Math.round(v * 100) / 100);
};
const ratio = (a, b) => (a === null || a === undefined || !b ? "–" : `${(a / b).toFixed(2)}×`);

/**
 * rounds: one { columnKey: { scenarioId: result | {error} } } per run; each figure is the median over the runs
 * that produced it. columns: [{ key, server, mode }]; each Fatechat column is compared with the peer and the
 * ceiling of its own mode.
 */
export function renderTable(rounds, columns) {
  const peerOf = (c, server) => columns.find((x) => x.server === server && x.mode === c.mode);
  const ratios = columns
    .filter((c) => c.server.startsWith("fatechat"))
    .flatMap((c) => ["peer", "ceiling"].filter((o) => peerOf(c, o)).map((o) => ({ subject: c, other: peerOf(c, o) })));
  const header = ["figure", "better", ...columns.map((c) => c.key), ...ratios.map((r) => `${r.subject.key}/${r.other.server}`)];
  const rows = figures.map((f) => {
    const values = Object.fromEntries(columns.map((c) => [c.key, median(rounds.map((r) => valueOf(r[c.key]?.[f.key], f.pick)))]));
    return [
      f.label,
      f.better,
      ...columns.map((c) => fmt(values[c.key])),
      ...ratios.map((r) => ratio(values[r.subject.key], values[r.other.key])),
    ];
  });
  const lines = [header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`);
  return lines.join("\n");
}

/** The cold-start series, second by second, of the last run: CPU µs per delivery (user + kernel) and p99. */
export function renderColdStartSeries(rounds, columns) {
  const last = rounds[rounds.length - 1];
  // In "both" mode the warm columns carry the cold pass's cold-start: show each server once.
  const shown = columns.filter(
    (c) => last[c.key]?.["cold-start"]?.series && (c.mode === "cold" || !columns.some((x) => x.server === c.server && x.mode === "cold")),
  );
  if (shown.length === 0) return null;
  const seconds = Math.max(...shown.map((c) => last[c.key]["cold-start"].series.length));
  const header = ["second", ...shown.flatMap((c) => [`${c.server} µs/delivery (user + kernel)`, `${c.server} p99 ms`])];
  const rows = [];
  for (let k = 0; k < seconds; k++) {
    const row = [String(k + 1)];
    for (const c of shown) {
      const s = last[c.key]["cold-start"].series[k];
      row.push(s ? `${fmt(s.cpuUsPerDelivery)} (${fmt(s.userUsPerDelivery)} + ${fmt(s.kernelUsPerDelivery)})` : "–", s ? fmt(s.p99Ms) : "–");
    }
    rows.push(row);
  }
  const first = last[shown[0].key]["cold-start"];
  const title =
    `cold-start: a fresh server at ${fmt(first.targetDeliveriesPerSec)} deliveries/s from its first second` +
    `${rounds.length > 1 ? " (last run)" : ""}; each second's server CPU over the deliveries of the messages sent in it; ` +
    `"first/last part" in the table: the first and last ${first.partSeconds} s`;
  return [title, "", ...[header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

/** One note per column and run: syscalls per delivery while strace was attached, the most frequent calls first. */
export function renderSyscallNotes(rounds, columns) {
  const notes = [];
  for (const [i, results] of rounds.entries()) {
    const run = rounds.length > 1 ? `run ${i + 1}: ` : "";
    for (const c of columns) {
      const r = results[c.key]?.syscalls;
      if (!r || r.error) continue;
      const top = Object.entries(r.perDelivery).slice(0, 8).map(([name, n]) => `${name} ${n}`).join(", ");
      notes.push(
        `${run}${c.key} syscalls per delivery at ${fmt(r.targetDeliveriesPerSec)}/s (strace -c -f for ${r.straceSeconds} s, ` +
          `${fmt(r.deliveriesPerSecWhileTraced)} deliveries/s reached while traced): ${r.syscallsPerDelivery} — ${top}`,
      );
    }
  }
  return notes;
}

function median(values) {
  const known = values.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const mid = Math.floor(known.length / 2);
  return known.length % 2 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
}

function valueOf(result, pick) {
  if (!result || result.error) return null;
  try {
    return pick(result) ?? null;
  } catch {
    return null;
  }
}

/** Warnings that qualify the figures: a saturated generator, neighbours using the CPU, failed scenarios. */
export function renderNotes(rounds) {
  const notes = [];
  for (const [i, results] of rounds.entries()) {
    const run = rounds.length > 1 ? `run ${i + 1}: ` : "";
    for (const [server, byScenario] of Object.entries(results)) {
      for (const [scenario, r] of Object.entries(byScenario)) {
        const note = (text) => notes.push(`${run}${server} ${text}`);
        if (r.error) note(`${scenario}: FAILED — ${r.error.split("\n")[0]}`);
        const loadgens = [r.loadgen, ...(r.steps ?? []).map((s) => ({ saturated: s.loadgenSaturated }))].filter(Boolean);
        if (loadgens.some((l) => l.saturated)) note(`${scenario}: a load-generator worker was CPU-saturated`);
        const other = Math.max(r.loadgen?.otherProcessesCores ?? 0, ...(r.steps ?? []).map((s) => s.otherProcessesCores ?? 0));
        if (other > 0.25) note(`${scenario}: other processes used ${other} cores meanwhile`);
        if (r.busyCoresBefore >= 0.3) note(`${scenario}: machine was busy (${r.busyCoresBefore} cores) when it started`);
        if (r.failed > 0) note(`${scenario}: ${r.failed} clients failed to connect`);
        if (r.hitRampMax) note(`ramp: reached --ramp-max without failing`);
      }
    }
  }
  return notes;
}
