// The servers compared in one run, all on 127.0.0.1 in the bench's port range (5200-5299).
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runChecked } from "./processes.mjs";

const FULL_BACKEND_VARS = ["MYSQL_CONNECTION", "REDIS_CONNECTION", "KAFKA_BOOTSTRAP_SERVERS"];

function fatechat(name, port, extraEnv) {
  return {
    name,
    port,
    client: "sio",
    build: (repo) =>
      runChecked("dotnet", ["build", "-c", "Release", "--nologo", "-v", "q", "Fatechat.Server/Fatechat.Server.csproj"], { cwd: repo, timeoutMs: 600_000 }),
    // The built dll, not `dotnet run`: the PID we start must be the server itself, for /proc readings.
    start: (repo) => {
      const dataDir = mkdtempSync(path.join(tmpdir(), `fatechat-bench-${name}-`));
      return {
        cmd: "dotnet",
        args: [path.join(repo, "Fatechat.Server/bin/Release/net10.0/Fatechat.Server.dll")],
        cwd: repo,
        env: {
          PORT: String(port),
          ASPNETCORE_URLS: `http://127.0.0.1:${port}`,
          ASPNETCORE_ENVIRONMENT: "Production",
          DOTNET_ENVIRONMENT: "Production",
          JWT_SECRET: randomBytes(48).toString("base64"),
          FATECHAT__Server__Host: "127.0.0.1",
          FATECHAT__Server__DataFolder: dataDir,
          Logging__LogLevel__Default: "Warning",
          // Every load client is 127.0.0.1 and senders go faster than a person: the per-address and socket limits are off.
          FATECHAT__RateLimits__LoginPerIp__PermitLimit: "0",
          FATECHAT__RateLimits__RegisterPerIp__PermitLimit: "0",
          FATECHAT__RateLimits__SocketMessages__PerSecond: "0",
          FATECHAT__RateLimits__SocketOtherEvents__PerSecond: "0",
          // As DockerfileServer and launchSettings.json set it: the GC knob has no runtimeconfig name.
          DOTNET_GCgen0size: "0x100000",
          ...extraEnv,
        },
        readyPath: "/socket.io/?EIO=4&transport=polling",
      };
    },
  };
}

export function serverCatalogue() {
  const backendEnv = {
    ...Object.fromEntries(FULL_BACKEND_VARS.map((k) => [k, process.env[k]])),
    // The Kafka mock holds every empty fetch for fetch.wait.max.ms (500 ms by default), which would show up as latency.
    FATECHAT__Kafka__FetchWaitMaxMs: "10",
  };
  return {
    fatechat: fatechat("fatechat", 5201, Object.fromEntries(FULL_BACKEND_VARS.map((k) => [k, null]))),
    "fatechat-full": {
      ...fatechat("fatechat-full", 5204, backendEnv),
      check: () => {
        const missing = FULL_BACKEND_VARS.filter((k) => !process.env[k]);
        if (missing.length) throw new Error(`--full-backends needs ${missing.join(", ")} set to services you started`);
      },
    },
    peer: {
      name: "peer",
      port: 5202,
      client: "sio",
      build: () => {},
      start: (repo) => ({
        cmd: process.execPath,
        args: [path.join(repo, "bench/peer/server.mjs"), "--port", "5202"],
        cwd: repo,
        env: {},
        readyPath: "/socket.io/?EIO=4&transport=polling",
      }),
    },
    ceiling: {
      name: "ceiling",
      port: 5203,
      client: "ws",
      build: (repo) =>
        runChecked("dotnet", ["build", "-c", "Release", "--nologo", "-v", "q", "bench/ceiling/Fatechat.Bench.Ceiling.csproj"], { cwd: repo, timeoutMs: 600_000 }),
      start: (repo) => ({
        cmd: "dotnet",
        args: [path.join(repo, "bench/ceiling/bin/Release/net10.0/Fatechat.Bench.Ceiling.dll"), "--port", "5203"],
        cwd: repo,
        env: {},
        readyPath: "/api/chat",
      }),
    },
  };
}
