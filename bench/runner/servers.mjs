// The servers compared in one run, all on 127.0.0.1 in the bench's port range (5200-5299).
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runChecked } from "./processes.mjs";

const FULL_BACKEND_VARS = ["MYSQL_CONNECTION", "REDIS_CONNECTION", "KAFKA_BOOTSTRAP_SERVERS"];

/** Where `dotnet publish` puts Fatechat for this machine's runs (git-ignored), with config.json beside it as in the image. */
const publishDir = (repo) => path.join(repo, "bench/.publish/fatechat");

/** The image's ENV lines (DockerfileServer) and what its base image sets; PORT and the port variable are ours. */
function imageEnvironment(port) {
  return {
    PORT: String(port),
    ASPNETCORE_HTTP_PORTS: String(port),
    Logging__Console__FormatterName: "json",
    DOTNET_GCgen0size: "0x100000",
    DOTNET_CLI_TELEMETRY_OPTOUT: "1",
    DOTNET_RUNNING_IN_CONTAINER: "true",
  };
}

/**
 * Variables the caller's shell may hold that the image does not set: they would change what is measured (another
 * environment, log level, GC or JIT setting), so the server does not inherit them.
 */
const notInherited = (name) => /^(ASPNETCORE_|DOTNET_|COMPlus_|FATECHAT__|Logging__)/i.test(name);

let published = false;

/** FATECHAT_BENCH_ENV: space-separated NAME=value pairs given to Fatechat on top of the image's environment. */
function benchEnvironment() {
  const pairs = (process.env.FATECHAT_BENCH_ENV ?? "").split(" ").filter(Boolean);
  return Object.fromEntries(pairs.map((pair) => {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`FATECHAT_BENCH_ENV: '${pair}' is not NAME=value`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  }));
}

function fatechat(name, port, extraEnv) {
  return {
    name,
    port,
    client: "sio",
    // As DockerfileServer builds it: the published Release output, the shipped config.json and static/ beside it.
    build: (repo) => {
      if (published) return;
      const dir = publishDir(repo);
      rmSync(dir, { recursive: true, force: true });
      // FATECHAT_BENCH_PUBLISH_ARGS adds publish options to compare builds (e.g. "-r linux-x64 -p:PublishReadyToRun=true").
      const extra = (process.env.FATECHAT_BENCH_PUBLISH_ARGS ?? "").split(" ").filter(Boolean);
      runChecked("dotnet", ["publish", "Fatechat.Server/Fatechat.Server.csproj", "-c", "Release", "-o", dir, "--nologo", "-v", "q", "-p:UseAppHost=false", ...extra], { cwd: repo, timeoutMs: 600_000 });
      cpSync(path.join(repo, "config.json"), path.join(dir, "config.json"));
      cpSync(path.join(repo, "static"), path.join(dir, "static"), { recursive: true });
      published = true;
    },
    // `dotnet Fatechat.Server.dll` in the publish folder, as the image's ENTRYPOINT: the PID we start is the
    // server itself, for /proc readings. `dataDir` persists across the fresh processes of one run (a restart keeps
    // the database), so users registered by an earlier process are reused.
    start: (repo, { dataDir }) => ({
      cmd: "dotnet",
      args: ["Fatechat.Server.dll"],
      cwd: publishDir(repo),
      env: {
        ...Object.fromEntries(Object.keys(process.env).filter(notInherited).map((k) => [k, null])),
        ...imageEnvironment(port),
        JWT_SECRET: jwtSecret,
        // The image listens on every interface; the bench keeps to loopback on a shared machine.
        FATECHAT__Server__Host: "127.0.0.1",
        FATECHAT__Server__DataFolder: dataDir,
        // Every load client is 127.0.0.1 and senders go faster than a person: only the per-address and per-socket
        // limits are off (docs/configuration.md, "Rate limits"); everything else is the shipped config.json.
        FATECHAT__RateLimits__LoginPerIp__PermitLimit: "0",
        FATECHAT__RateLimits__RegisterPerIp__PermitLimit: "0",
        FATECHAT__RateLimits__SocketMessages__PerSecond: "0",
        FATECHAT__RateLimits__SocketOtherEvents__PerSecond: "0",
        ...extraEnv,
        // FATECHAT_BENCH_ENV="NAME=value ..." adds variables to compare settings (e.g. a DOTNET_ runtime knob).
        ...benchEnvironment(),
      },
      readyPath: "/socket.io/?EIO=4&transport=polling",
    }),
  };
}

// One secret per bench run: tokens registered by one server process stay valid for the next one on the same data.
const jwtSecret = randomBytes(48).toString("base64");

/** A data folder for one server in one run, shared by the fresh processes the run starts for it. */
export function newDataDir(name) {
  return mkdtempSync(path.join(tmpdir(), `fatechat-bench-${name}-`));
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
