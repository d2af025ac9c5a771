// Builds the sample site with biaogan and serves it on 127.0.0.1 with a tiny static server.
import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, stat, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests/browser/lib → ../../..). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".pdf": "application/pdf",
  ".wasm": "application/wasm",
  ".woff2": "font/woff2",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** Content type for a file name; unknown extensions are served as octet streams. */
export function contentType(file) {
  return TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

async function fileAt(p) {
  try {
    const s = await stat(p);
    return s;
  } catch {
    return null;
  }
}

/**
 * A static file server over `root` on 127.0.0.1 (an ephemeral port). Directories are served as
 * their index.html (a directory URL without its trailing slash is redirected, as web servers
 * do); anything missing gets 404.html with status 404. Only GET and HEAD.
 */
export async function startServer() {
  const state = { root: null };
  const server = http.createServer(async (req, res) => {
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { Allow: "GET, HEAD" }).end();
        return;
      }
      const url = new URL(req.url, "http://127.0.0.1");
      let rel;
      try {
        rel = decodeURIComponent(url.pathname);
      } catch {
        rel = null;
      }
      const root = state.root;
      let file = null;
      if (root && rel !== null && !rel.includes("\0")) {
        const p = path.join(root, path.normalize(rel));
        if (p === root || p.startsWith(root + path.sep)) {
          const s = await fileAt(p);
          if (s?.isDirectory()) {
            if (!url.pathname.endsWith("/")) {
              res.writeHead(301, { Location: url.pathname + "/" + url.search }).end();
              return;
            }
            if ((await fileAt(path.join(p, "index.html")))?.isFile()) file = path.join(p, "index.html");
          } else if (s?.isFile()) {
            file = p;
          }
        }
      }
      let status = 200;
      if (!file) {
        status = 404;
        file = root ? path.join(root, "404.html") : null;
        if (!file || !(await fileAt(file))?.isFile()) {
          res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("404\n");
          return;
        }
      }
      const s = await stat(file);
      res.writeHead(status, {
        "Content-Type": contentType(file),
        "Content-Length": s.size,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
      });
      if (req.method === "HEAD") res.end();
      else createReadStream(file).pipe(res);
    } catch (e) {
      res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end(String(e));
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    /** Serve this directory from now on. */
    setRoot(dir) {
      state.root = path.resolve(dir);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out}`)),
    );
  });
}

/**
 * Builds the sample site (content/ at the repository root) into a fresh temporary directory
 * with the given base URL. Uses `cargo run --release`, or the binary in $BIAOGAN_BIN.
 */
export async function buildSite(baseUrl) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "biaogan-browser-"));
  const out = path.join(tmp, "public");
  const args = ["build", "--out", out, "--base-url", baseUrl];
  const log = process.env.BIAOGAN_BIN
    ? await run(process.env.BIAOGAN_BIN, args, { cwd: REPO })
    : await run("cargo", ["run", "--release", "--locked", "--quiet", "--", ...args], { cwd: REPO });
  return { dir: out, log: log.trim(), cleanup: () => rm(tmp, { recursive: true, force: true }) };
}
