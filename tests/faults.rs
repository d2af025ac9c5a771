//! Issue #17: a killed build never blocks the next one; one writer per site; closed pipes and
//! signals handled like a Unix tool. These tests kill, signal and race the real binary.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{files_below, TestSite};

/// A site's output: every file's bytes by path.
type Files = BTreeMap<String, Vec<u8>>;

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("biaogan")
}

/// `biaogan --root ROOT ARGS`, not yet started.
fn command(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(bin());
    command
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .env_remove("BIAOGAN_LOCK_WAIT");
    command
}

/// A generated site of `cases` cases.
fn generated(cases: usize) -> TestSite {
    let dir = tempfile::tempdir().unwrap();
    corpus::generate(dir.path(), cases);
    TestSite { dir }
}

/// biaogan's temporary directories next to the output and inside `.biaogan/`.
fn temporaries(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for dir in [
        root.to_path_buf(),
        root.join(".biaogan"),
        root.join(".biaogan/serve-index"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if biaogan::lock::TEMPORARY_PREFIXES
                .iter()
                .any(|p| name.starts_with(p))
            {
                found.push(name);
            }
        }
    }
    found.sort();
    found
}

/// A generated site of `cases` cases, built once: the site, how long the cold build took
/// and its output.
fn built(cases: usize) -> (TestSite, Duration, Files) {
    let site = generated(cases);
    let started = Instant::now();
    build_ok(site.root());
    let cold = started.elapsed();
    let reference = files_below(&site.public());
    (site, cold, reference)
}

/// A generated site of `cases` cases, not built, and the output of a cold build of the same
/// site elsewhere: for two processes started together on the first.
fn unbuilt_with_reference(cases: usize) -> (TestSite, Files) {
    let reference_site = generated(cases);
    build_ok(reference_site.root());
    (generated(cases), files_below(&reference_site.public()))
}

/// Starts a cold build (cache removed) of the site at `root`, its stdout discarded.
fn spawn_cold_build(root: &Path, stderr: Stdio) -> Child {
    let _ = std::fs::remove_dir_all(root.join(".biaogan/cache"));
    command(root, &["build"])
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

fn build_ok(root: &Path) -> String {
    let output = command(root, &["build"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "build failed:\n{stderr}");
    stderr
}

/// Waits for the child and returns its exit code, or 128 + signal.
fn exit_code(child: &mut Child) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    let status = child.wait().unwrap();
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

fn send(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

/// Kills builds with SIGKILL at 30 points spread over a cold build's duration, each starting
/// from what the previous one left (cache removed, so that each does a cold build's work).
/// After every kill: the output is the complete previous one, and the next build succeeds,
/// equals the cold build and leaves no temporary directory.
#[test]
fn issue_17_sigkill_at_30_points_never_blocks_the_next_build() {
    let (site, cold, reference) = built(40);
    let root = site.root();
    assert!(reference.len() > 40);
    let points = 30;
    let mut interrupted = 0;
    for i in 0..points {
        // Positions spread over the build; where each lands does not change what is asserted.
        let delay = cold.mul_f64((i as f64 + 0.5) / points as f64);
        let mut child = spawn_cold_build(root, Stdio::null());
        std::thread::sleep(delay);
        let _ = child.kill();
        if exit_code(&mut child) != 0 {
            interrupted += 1;
        }
        assert!(
            files_below(&site.public()) == reference,
            "kill point {i} ({delay:?}): the output is not the previous complete output"
        );
        let left = temporaries(root);
        let index_complete = root.join(".biaogan/index/biaogan-search.json").is_file();
        let stderr = build_ok(root);
        let notes = stderr.lines().filter(|l| l.starts_with("note:")).count();
        eprintln!(
            "kill point {i} at {delay:?}: left {left:?}, index complete: {index_complete}; next build ok with {notes} note(s)"
        );
        assert!(
            files_below(&site.public()) == reference,
            "kill point {i}: the build after the kill differs from the cold build\n{stderr}"
        );
        assert_eq!(
            temporaries(root),
            Vec::<String>::new(),
            "kill point {i}: temporary directories left after the next build\n{stderr}"
        );
    }
    // Most points land inside the build; the count is printed for the record.
    eprintln!(
        "{interrupted} of {points} builds were killed before they finished (cold build {cold:?})"
    );
}

/// SIGTERM and SIGINT stop the build; it removes its staging directory, leaves the previous
/// output and exits 128 + signal (or 0 when it had already finished).
#[test]
fn sigterm_and_sigint_stop_a_build_cleanly() {
    let (site, cold, reference) = built(40);
    let root = site.root();
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let mut child = spawn_cold_build(root, Stdio::piped());
        std::thread::sleep(cold / 3);
        send(&child, signal);
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        let status = exit_code(&mut child);
        assert!(
            status == code || status == 0,
            "SIGTERM gave exit {status}:\n{stderr}"
        );
        if status == code {
            assert!(stderr.contains("stopped by signal"), "{stderr}");
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(temporaries(root), Vec::<String>::new());
        assert!(files_below(&site.public()) == reference);
        let stderr = build_ok(root);
        assert!(files_below(&site.public()) == reference, "{stderr}");
    }
}

/// Holds the site's lock as another biaogan would, naming itself in the lock file.
fn hold_lock(root: &Path, holder: &str) -> std::fs::File {
    std::fs::create_dir_all(root.join(".biaogan")).unwrap();
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(root.join(".biaogan/lock"))
        .unwrap();
    assert!(fs4::fs_std::FileExt::try_lock_exclusive(&file).unwrap());
    writeln!(file, "{holder}").unwrap();
    file
}

#[test]
fn a_locked_site_is_refused_with_the_holder_named() {
    let site = TestSite::fixture("minimal");
    let lock = hold_lock(site.root(), "biaogan build (pid 1234)");
    let output = command(site.root(), &["build"])
        .env("BIAOGAN_LOCK_WAIT", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("biaogan build (pid 1234) is writing this site"),
        "{stderr}"
    );
    assert!(!stderr.contains("not created by biaogan"), "{stderr}");
    assert!(!site.public().exists());
    drop(lock);
}

#[test]
fn a_build_waits_for_the_holder_then_builds() {
    let site = TestSite::fixture("minimal");
    let lock = hold_lock(site.root(), "biaogan build (pid 1234)");
    let mut child = command(site.root(), &["build"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert_eq!(first, "waiting for biaogan build (pid 1234) to finish…\n");
    assert!(!site.public().exists());
    drop(lock);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert_eq!(exit_code(&mut child), 0, "{rest}");
    assert!(site.public().join("index.html").is_file());
}

/// A lock file left by a process that no longer runs is simply taken.
#[test]
fn a_lock_file_of_a_dead_process_is_taken_over() {
    let site = TestSite::fixture("minimal");
    std::fs::create_dir_all(site.root().join(".biaogan")).unwrap();
    std::fs::write(
        site.root().join(".biaogan/lock"),
        "biaogan build (pid 999999999)\n",
    )
    .unwrap();
    let output = command(site.root(), &["build"])
        .env("BIAOGAN_LOCK_WAIT", "0")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Two builds started together: both succeed (one waits), and the output is the cold one.
#[test]
fn two_concurrent_builds_both_succeed() {
    let (site, reference) = unbuilt_with_reference(60);
    let root = site.root();
    let children: Vec<Child> = (0..2)
        .map(|_| {
            command(root, &["build"])
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(!stderr.contains("not created by biaogan"), "{stderr}");
    }
    assert!(files_below(&site.public()) == reference);
    assert_eq!(temporaries(root), Vec::<String>::new());
}

/// `build` while `serve` runs on the same site succeeds and writes the cold build's output.
#[test]
fn build_during_serve_succeeds() {
    let (site, reference) = unbuilt_with_reference(60);
    let root = site.root();
    let mut serve = command(root, &["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(serve.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("serving "), "{line}");
    let stderr = build_ok(root);
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(files_below(&site.public()) == reference, "{stderr}");
}

/// Runs `biaogan ARGS` with its standard output a pipe closed before it writes.
fn with_closed_stdout(root: &Path, args: &[&str]) -> (i32, String) {
    let mut child = command(root, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    (exit_code(&mut child), stderr)
}

#[test]
fn a_closed_stdout_ends_commands_quietly() {
    let site = TestSite::fixture("minimal");
    build_ok(site.root());
    for args in [
        &["search", "质量"][..],
        &["search", "质量", "--json"],
        &["check", "--format", "json"],
        &[
            "export",
            "summary",
            "--year",
            "2023",
            "--out",
            "/dev/stdout",
        ],
        &[
            "export",
            "summary",
            "--year",
            "2023",
            "--csv",
            "/dev/stdout",
        ],
    ] {
        let (code, stderr) = with_closed_stdout(site.root(), args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}

/// A build whose output cannot be written (its file system mounted read-only, in a user
/// namespace) fails naming the path and leaves the output alone. Skipped where unprivileged
/// user namespaces are not available.
#[test]
fn a_read_only_output_fails_cleanly() {
    let site = TestSite::fixture("minimal");
    let root = site.root();
    let mount = root.join("ro");
    let script = "'{bin}' --root '{r}' build --out '{o}' 2>/dev/null || exit 78\n\
         find '{o}' -type f | sort | xargs md5sum > '{r}/before'\n\
         mount -o remount,ro '{m}' || exit 77\n\
         echo '---\ntitle: 关于\n---\n\n改过的页面。' > '{r}/content/about.md'\n\
         '{bin}' --root '{r}' build --out '{o}'; echo \"exit=$?\"\n\
         find '{o}' -type f | sort | xargs md5sum > '{r}/after'\n\
         ls -A '{m}'";
    let Some((stdout, stderr)) = on_tmpfs(root, &mount, "8m", script) else {
        return;
    };
    assert!(stdout.contains("exit=1"), "{stdout}\n{stderr}");
    assert!(stderr.contains("Read-only file system"), "{stderr}");
    assert!(stderr.contains(&*mount.to_string_lossy()), "{stderr}");
    assert!(stdout.ends_with("exit=1\npublic\n"), "{stdout}\n{stderr}");
    let before = std::fs::read_to_string(root.join("before")).unwrap();
    assert!(before.contains("index.html"));
    assert_eq!(before, std::fs::read_to_string(root.join("after")).unwrap());
}

/// Runs `script` in a new user and mount namespace (see [`in_user_namespace`]) with a tmpfs
/// of `size` mounted at `mount`; in the script, `{m}` is the mount point, `{o}` the output
/// directory `{m}/public`, `{r}` the site root and `{bin}` biaogan.
fn on_tmpfs(root: &Path, mount: &Path, size: &str, script: &str) -> Option<(String, String)> {
    std::fs::create_dir_all(mount).unwrap();
    let script = format!("mount -t tmpfs -o size={size} tmpfs '{{m}}' || exit 77\n{script}")
        .replace("{o}", &mount.join("public").display().to_string())
        .replace("{m}", &mount.display().to_string())
        .replace("{r}", &root.display().to_string())
        .replace("{bin}", &bin().display().to_string());
    in_user_namespace(&script)
}

/// Runs a shell script as root of a new user and mount namespace; `None` (test skipped, with
/// a message) where that is not possible.
fn in_user_namespace(script: &str) -> Option<(String, String)> {
    let output = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", script])
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .env_remove("BIAOGAN_LOCK_WAIT")
        .output();
    let Ok(output) = output else {
        eprintln!("skipped: unshare is not available");
        return None;
    };
    if output.status.code() == Some(77) {
        eprintln!(
            "skipped: cannot mount a tmpfs in a user namespace here: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return None;
    }
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stdout}\n{stderr}");
    Some((stdout, stderr))
}

/// On a full disk (a 512 KiB tmpfs mounted in a user namespace), the build says so, leaves the
/// previous output untouched and removes its staging directory. Skipped where unprivileged
/// user namespaces are not available.
#[test]
fn a_full_disk_fails_cleanly() {
    let site = generated(40);
    let root = site.root();
    let script =
        "mkdir -p '{o}' && echo kept > '{o}/.biaogan-output' && echo previous > '{o}/index.html'\n\
         '{bin}' --root '{r}' build --out '{o}'; echo \"exit=$?\"\n\
         ls -A '{m}'; cat '{o}/index.html'";
    let Some((stdout, stderr)) = on_tmpfs(root, &root.join("small"), "512k", script) else {
        return;
    };
    assert!(stdout.contains("exit=1"), "{stdout}\n{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    // Only the previous output is left on the small disk, unchanged.
    assert!(
        stdout.ends_with("exit=1\npublic\nprevious\n"),
        "{stdout}\n{stderr}"
    );
}
