// Debian's Chromium, driven by playwright-core (never a downloaded browser) or over the
// DevTools protocol for Lighthouse.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export const CHROME_PATH = process.env.CHROME_PATH || "/usr/bin/chromium";

/** Flags that work on the CI machine (root, no GPU, no network but loopback). */
export const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** Playwright's chromium.launch options for Debian's Chromium. */
export function launchOptions() {
  // playwright adds --headless and its own fresh --user-data-dir.
  return { executablePath: CHROME_PATH, headless: true, args: FLAGS };
}

/**
 * Starts a headless Chromium with a remote-debugging port and a fresh profile (for Lighthouse).
 * Returns {port, kill}.
 */
export async function startDebugChromium() {
  const profile = await mkdtemp(path.join(os.tmpdir(), "biaogan-chromium-"));
  const child = spawn(
    CHROME_PATH,
    ["--headless", ...FLAGS, `--user-data-dir=${profile}`, "--remote-debugging-port=0", "about:blank"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let err = "";
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${err}`)), 30_000);
    child.stderr.on("data", (d) => {
      err += d;
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`Chromium exited ${code}:\n${err}`)));
  });
  return {
    port,
    async kill() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await rm(profile, { recursive: true, force: true });
    },
  };
}
