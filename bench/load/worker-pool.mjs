// Forks the load-generator workers and talks to them with request/response messages, each bounded in time.
import { fork } from "node:child_process";

export class WorkerPool {
  constructor(count) {
    this._pending = new Map();
    this._nextId = 1;
    this.workers = Array.from({ length: count }, () => {
      const child = fork(new URL("./worker.mjs", import.meta.url), [], {
        execArgv: ["--max-old-space-size=4096"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      child.on("message", ({ id, ok, result, error }) => {
        const pending = this._pending.get(id);
        if (!pending) return;
        this._pending.delete(id);
        clearTimeout(pending.timer);
        ok ? pending.resolve(result) : pending.reject(new Error(error));
      });
      child.on("exit", (code) => {
        for (const [id, p] of this._pending) {
          if (p.child === child) {
            this._pending.delete(id);
            clearTimeout(p.timer);
            p.reject(new Error(`load worker ${child.pid} exited with code ${code}`));
          }
        }
      });
      return child;
    });
  }

  request(index, cmd, args, timeoutMs = 60_000) {
    const child = this.workers[index];
    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(new Error(`load worker ${index}: '${cmd}' timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this._pending.set(id, { resolve, reject, timer, child });
      child.send({ id, cmd, args });
    });
  }

  /** Sends `cmd` to every worker; `args` may be a function of the worker index. */
  all(cmd, args, timeoutMs) {
    return Promise.all(
      this.workers.map((_, i) => this.request(i, cmd, typeof args === "function" ? args(i) : args, timeoutMs)),
    );
  }

  /** Ends every worker by its own PID: a polite disconnect first, SIGKILL if it lingers. */
  async stop() {
    await Promise.all(
      this.workers.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => {
              child.kill("SIGKILL");
              resolve();
            }, 5000);
            child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            child.disconnect();
          }),
      ),
    );
  }
}
