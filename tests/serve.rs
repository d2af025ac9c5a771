#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `biaogan serve`: the real binary on a free port, spoken to over plain `TcpStream` HTTP/1.1
//! (no client library, so that request paths reach the server exactly as written,
//! `..` included).
//!
//! Port choice: the server is started with `--port 0`, binds a free port itself and prints
//! `serving http://127.0.0.1:PORT/` on standard output; [`Server::start`] reads it. No race
//! between choosing a port and binding it.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use common::TestSite;

const CASE_FILE: &str = "content/2023/甲方精密机械有限公司/index.md";
const CASE_PAGE: &str = "/2023/jia-fang-jing-mi-ji-xie/";
/// A line of `site.yaml` that must never be served.
const SITE_YAML_MARKER: &str = "base_url:";

/// A running `biaogan serve`, killed on drop.
struct Server {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(site: &TestSite) -> Server {
        Server::start_with(site, &[])
    }

    fn start_with(site: &TestSite, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_biaogan"))
            .arg("--root")
            .arg(site.root())
            .args(["serve", "--port", "0"])
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("CI")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = BufReader::new(child.stderr.take().unwrap());
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while pipe.read_line(&mut line).unwrap_or(0) > 0 {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let (lines, received) = mpsc::channel();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            port: 0,
            stderr,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while server.port == 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            match received.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
                        server.port = rest.trim_end_matches('/').parse().unwrap();
                    }
                }
                Err(_) => panic!(
                    "the server did not start; stderr:\n{}",
                    server.stderr.lock().unwrap()
                ),
            }
        }
        server
    }

    fn get(&self, path: &str) -> Response {
        request(self.port, "GET", path)
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits (at most 10 s) until the server's stderr contains `text`: it is read by another
    /// thread, so a line printed just before a response may arrive just after it.
    fn stderr_shows(&self, text: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.stderr().contains(text) {
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        true
    }

    /// Polls `path` until `done` holds (at most 10 s); returns the last response.
    fn poll(&self, path: &str, done: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let response = self.get(path);
            if done(&response) {
                return response;
            }
            if Instant::now() > deadline {
                panic!(
                    "gave up waiting for {path}; last response {}:\n{}\nstderr:\n{}",
                    response.status,
                    response.body,
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request to 127.0.0.1, path sent verbatim.
fn request(port: u16, method: &str, path: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no end of headers");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status: status.parse().unwrap(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            std::str::from_utf8(&data[..end])
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    out
}

fn has_reload_script(response: &Response) -> bool {
    response.body.contains("/__biaogan/reload.js")
}

fn has_overlay(response: &Response) -> bool {
    response.body.contains("id=\"biaogan-error-overlay\"")
}

#[test]
fn serves_pages_with_the_reload_script() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/2023/甲方精密机械有限公司/数据.csv",
        "年份,产值\n2023,1\n",
    );
    let server = Server::start(&site);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.body.contains("<title>测试站点</title>"),
        "{}",
        home.body
    );
    assert!(has_reload_script(&home));
    assert!(!has_overlay(&home));
    // Absolute URLs point at the preview, not at site.yaml's base_url.
    let local = format!("http://127.0.0.1:{}/", server.port);
    assert!(home.body.contains(&local), "{}", home.body);
    assert!(!home.body.contains("https://example.org/site/"));

    let case = server.get(CASE_PAGE);
    assert_eq!(case.status, 200);
    assert!(case.body.contains("甲方公司主要生产精密零件"));
    assert!(has_reload_script(&case));
    assert_eq!(
        case.body.matches("/__biaogan/reload.js").count(),
        1,
        "injected once"
    );

    let css = server.get("/static/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(!has_reload_script(&css));

    let svg = server.get("/2023/jia-fang-jing-mi-ji-xie/chart.svg");
    assert_eq!(svg.status, 200);
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));

    // Percent-encoded Chinese file name.
    let csv = server.get("/2023/jia-fang-jing-mi-ji-xie/%E6%95%B0%E6%8D%AE.csv");
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv.body.contains("年份,产值"));

    let redirect = server.get("/2023");
    assert_eq!(redirect.status, 302);
    assert_eq!(redirect.header("location"), Some("/2023/"));
    let redirect = server.get("/2023/jia-fang-jing-mi-ji-xie?x=1");
    assert_eq!(
        redirect.header("location"),
        Some("/2023/jia-fang-jing-mi-ji-xie/?x=1")
    );

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("页面未找到"), "{}", missing.body);
    assert!(has_reload_script(&missing));
    assert_eq!(server.get("/missing.png").status, 404);

    let head = request(server.port, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
}

#[test]
fn refuses_traversal_and_other_methods() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(&site);
    for path in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2E%2E/site.yaml",
        "/..%2fsite.yaml",
        "/static/..\\..\\site.yaml",
        "/static/..%5c..%5csite.yaml",
        "/static/../../site.yaml",
        "/2023/%00/index.html",
        "//site.yaml",
        "/site.yaml",
        "/content/2023/_index.md",
    ] {
        let response = request(server.port, "GET", path);
        assert!(
            (400..500).contains(&response.status),
            "{path}: {}",
            response.status
        );
        assert!(
            !response.body.contains(SITE_YAML_MARKER) && !response.body.contains("区域"),
            "{path} leaked a source file:\n{}",
            response.body
        );
    }
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let response = request(server.port, method, "/");
        assert_eq!(response.status, 405, "{method}");
        assert!(response.header("allow").unwrap().contains("GET"));
    }
    assert_eq!(
        request(server.port, "POST", "/__biaogan/events").status,
        405
    );
}

#[test]
fn refuses_other_host_names() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(&site);
    // DNS rebinding: a page of another site whose name now resolves to 127.0.0.1.
    let raw = raw_get(server.port, &format!("evil.example:{}", server.port));
    assert!(raw.starts_with("HTTP/1.1 403"), "{raw}");
    assert!(!raw.contains("测试站点"));
    let raw = raw_get(server.port, &format!("localhost:{}", server.port));
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
}

/// `GET /` with the given `Host` header; the raw response.
fn raw_get(port: u16, host: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    raw
}

#[test]
fn rebuilds_on_change_and_shows_errors_over_the_last_good_site() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(&site);
    assert!(server
        .get(CASE_PAGE)
        .body
        .contains("甲方公司主要生产精密零件"));

    let original = std::fs::read_to_string(site.root().join(CASE_FILE)).unwrap();
    let edited = original.replace("甲方公司主要生产精密零件", "甲方公司改为生产测量仪器");
    site.write(CASE_FILE, &edited);
    let page = server.poll(CASE_PAGE, |r| r.body.contains("甲方公司改为生产测量仪器"));
    assert!(!has_overlay(&page));

    // Broken YAML: the last good page stays, with the error on top.
    site.write(
        CASE_FILE,
        &edited.replace("region: zhengzhou", "region: [zhengzhou"),
    );
    let page = server.poll(CASE_PAGE, has_overlay);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("甲方公司改为生产测量仪器"));
    assert!(page.body.contains("index.md:"), "{}", page.body);
    assert!(has_reload_script(&page));
    // Every page shows it, including other pages and the 404 page.
    assert!(has_overlay(&server.get("/")));
    assert!(has_overlay(&server.get("/nope/")));
    assert!(server.stderr_shows("still serving the last good build"));

    // Fixed: the overlay goes away.
    site.write(CASE_FILE, &original);
    let page = server.poll(CASE_PAGE, |r| !has_overlay(r));
    assert!(page.body.contains("甲方公司主要生产精密零件"));
}

#[test]
fn a_failing_first_build_shows_the_error_until_fixed() {
    let site = TestSite::fixture("minimal");
    let original = std::fs::read_to_string(site.root().join(CASE_FILE)).unwrap();
    site.write(CASE_FILE, &original.replace("year: 2023", "year: [2023"));
    let server = Server::start(&site);
    let page = server.get("/");
    assert_eq!(page.status, 503);
    assert!(has_overlay(&page));
    assert!(has_reload_script(&page));
    assert!(server.stderr_shows("error"), "{}", server.stderr());

    site.write(CASE_FILE, &original);
    let page = server.poll("/", |r| r.status == 200);
    assert!(!has_overlay(&page));
}

#[test]
fn templates_and_site_yaml_are_watched() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(&site);
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &config.replace("title: 测试站点", "title: 改名后的站点"),
    );
    server.poll("/", |r| r.body.contains("<title>改名后的站点</title>"));

    // A templates/ directory created after the server started.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>自定义的缺页提示</p>{% endblock content %}",
    );
    server.poll("/nope/", |r| r.body.contains("自定义的缺页提示"));
}

#[test]
fn the_event_stream_sends_the_version_of_the_page() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(&site);
    let page = server.get("/");
    let version = page
        .body
        .split("data-version=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();

    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /__biaogan/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    let expected = format!("event: version\ndata: {version}\n");
    while !seen.contains(&expected) {
        let n = stream.read(&mut buffer).unwrap();
        assert!(n > 0, "stream ended: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
    assert!(seen.contains("content-type: text/event-stream"), "{seen}");

    // A change sends the next version on the open stream.
    let original = std::fs::read_to_string(site.root().join(CASE_FILE)).unwrap();
    site.write(CASE_FILE, &format!("{original}\n补充一段。\n"));
    let before = seen.matches("event: version").count();
    while seen.matches("event: version").count() == before {
        let n = stream.read(&mut buffer).unwrap();
        assert!(n > 0, "stream ended: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
    assert!(!seen.ends_with(&expected));
}

#[test]
fn build_output_never_contains_the_reload_script() {
    let site = TestSite::fixture("minimal");
    site.build();
    for (path, bytes) in site.output_files() {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__biaogan/events"),
            "{path}"
        );
    }
}

#[test]
fn a_taken_port_is_reported() {
    let site = TestSite::fixture("minimal");
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = assert_cmd::Command::new(env!("CARGO_BIN_EXE_biaogan"))
        .arg("--root")
        .arg(site.root())
        .args(["serve", "--port", &port])
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{stderr}"
    );
}

#[test]
fn a_directory_without_site_yaml_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::new(env!("CARGO_BIN_EXE_biaogan"))
        .arg("--root")
        .arg(dir.path())
        .args(["serve", "--port", "0"])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("has no site.yaml"));
}

#[cfg(unix)]
#[test]
fn stops_cleanly_on_ctrl_c() {
    let site = TestSite::fixture("minimal");
    let mut server = Server::start(&site);
    // An open event stream must not hold the shutdown.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        stream,
        "GET /__biaogan/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));

    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}\n{}", server.stderr());
    assert!(server.stderr_shows("stopping"));
}

#[test]
fn the_search_api_answers_like_the_cli() {
    let site = TestSite::fixture("minimal");
    let server = Server::start(&site);
    let response = server.get("/api/search?q=%E8%BF%BD%E6%BA%AF&limit=5");
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(
        response.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let hits: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    let urls: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap())
        .collect();
    // `search` reads `build`'s index, which the preview never writes.
    assert!(!site.root().join(".biaogan/index").exists());
    assert!(site.run(&["build"]).status.success());
    let cli = site.run(&["search", "追溯", "--json", "--limit", "5"]);
    let expected: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();
    let expected: Vec<&str> = expected
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap())
        .collect();
    assert_eq!(urls, expected);
    assert!(urls.contains(&"2023/yi-fang-shi-pin/"));
    let filtered = server.get("/api/search?q=%E8%BF%BD%E6%BA%AF&area=key-process");
    assert_eq!(filtered.body.trim(), "[]");

    // Issue 14: repeated facet parameters (any of) and sort=date, as the CLI's flags.
    let urls_of = |body: &[u8]| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(body).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|h| h["url"].as_str().unwrap().to_string())
            .collect()
    };
    let both = server.get("/api/search?q=&area=key-process&area=digital&sort=date");
    assert_eq!(both.status, 200, "{}", both.body);
    let cli = site.run(&[
        "search",
        "",
        "--area",
        "key-process",
        "--area",
        "digital",
        "--sort",
        "date",
        "--json",
    ]);
    assert!(cli.status.success());
    let want = urls_of(&cli.stdout);
    assert!(!want.is_empty(), "the fixture has cases in these areas");
    assert_eq!(urls_of(both.body.as_bytes()), want);
}
