//! One writer per site: the lock file `.biaogan/lock`, and what a writer killed before it could
//! clean up left behind.
//!
//! `build`, `import` and `serve` (while it builds) hold an exclusive advisory lock
//! ([`SiteLock`]) on `.biaogan/lock`. The operating system releases it when its owner exits,
//! however it exits (SIGKILL included), so a lock is never stale: a lock that can be taken
//! belongs to nobody. The file's text names the holder (`biaogan build (pid 1234)`) for the
//! message of a command that has to wait, and lists the temporary directories the holder is
//! writing outside `.biaogan/` (the staging directory next to the output). Whoever takes the
//! lock next finds that list from a holder that no longer runs and removes what is still there
//! ([`SiteLock::notes`] says so in one line each). `check` and `search` only read and never
//! take the lock.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::error::{display_path, Error, Result};

/// The lock file of the site at `root`.
pub fn lock_path(root: &Path) -> PathBuf {
    root.join(".biaogan").join("lock")
}

/// Prefixes of the temporary directories a writer may leave behind when it is killed; only
/// directories with one of these names are ever removed as leftovers.
pub const TEMPORARY_PREFIXES: [&str; 3] = [".biaogan-build-", ".biaogan-old-", ".index-build-"];

/// How a command that finds the site locked behaves.
#[derive(Debug, Clone, Copy)]
pub struct WaitPolicy {
    /// How long to wait for the holder before giving up (zero: refuse at once).
    pub limit: Duration,
    /// Called once, with the holder's description, when the command starts waiting.
    pub report: fn(&str),
}

fn no_report(_: &str) {}

/// The policy of this process: 10 minutes, silently, unless [`set_wait_policy`] said otherwise.
fn policy() -> &'static Mutex<WaitPolicy> {
    static POLICY: OnceLock<Mutex<WaitPolicy>> = OnceLock::new();
    POLICY.get_or_init(|| {
        Mutex::new(WaitPolicy {
            limit: Duration::from_secs(600),
            report: no_report,
        })
    })
}

/// Sets how commands of this process wait for the lock (the CLI prints the waiting message).
pub fn set_wait_policy(wait: WaitPolicy) {
    *policy().lock().unwrap_or_else(|p| p.into_inner()) = wait;
}

/// How often a waiting command tries the lock again.
const POLL: Duration = Duration::from_millis(50);

/// The exclusive lock on a site, held until dropped.
#[derive(Debug)]
pub struct SiteLock {
    file: File,
    path: PathBuf,
    header: String,
    temporaries: Vec<PathBuf>,
    notes: Vec<String>,
}

impl SiteLock {
    /// Takes the lock of the site at `root` for `command` (e.g. `build`), waiting for another
    /// holder as the process's [`WaitPolicy`] says, then removes what a killed holder left.
    ///
    /// Fails with [`Error::Locked`] when the holder did not finish in time, and with
    /// [`Error::Cancelled`] when a signal arrives while waiting.
    pub fn acquire(root: &Path, command: &str) -> Result<SiteLock> {
        let wait = *policy().lock().unwrap_or_else(|p| p.into_inner());
        let path = lock_path(root);
        let io = |action: &'static str| {
            let path = path.clone();
            move |source| Error::Io {
                action,
                path,
                source,
            }
        };
        if let Some(dir) = path.parent() {
            crate::fs::create_dir_all(dir)?;
        }
        // The lock needs the open file itself (`flock` holds while it is open), not its
        // contents: this one open stays local.
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io("open the lock file"))?;
        let started = Instant::now();
        let mut reported = false;
        while !fs4::fs_std::FileExt::try_lock_exclusive(&file).map_err(io("lock"))? {
            let holder = holder(&path);
            if started.elapsed() >= wait.limit {
                return Err(Error::Locked {
                    path,
                    holder,
                    waited_secs: started.elapsed().as_secs(),
                });
            }
            if !reported {
                (wait.report)(&holder);
                reported = true;
            }
            crate::cancel::check()?;
            std::thread::sleep(POLL.min(wait.limit.saturating_sub(started.elapsed())));
        }
        let mut previous = String::new();
        // A lock file that is not text only loses the list of leftovers.
        let _ = file.read_to_string(&mut previous);
        let header = format!("biaogan {command} (pid {})", std::process::id());
        // The dead holder's list stays in the file until its directories are gone, so that
        // a taker killed while removing them leaves the list to the next one.
        let mut lock = SiteLock {
            file,
            path,
            header,
            temporaries: previous
                .lines()
                .filter_map(|line| line.strip_prefix("temporary "))
                .map(PathBuf::from)
                .collect(),
            notes: Vec::new(),
        };
        lock.write()?;
        lock.remove_leftovers(root);
        lock.temporaries.clear();
        lock.write()?;
        Ok(lock)
    }

    /// One line for each thing a killed writer left behind and this lock removed.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Records that this holder is writing the temporary directory `path`, so that the next
    /// holder removes it if this process is killed before it does.
    pub fn record_temporary(&mut self, path: &Path) -> Result<()> {
        self.temporaries
            .push(std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
        self.write()
    }

    fn write(&mut self) -> Result<()> {
        let mut text = format!("{}\n", self.header);
        for temporary in &self.temporaries {
            text.push_str(&format!("temporary {}\n", temporary.to_string_lossy()));
        }
        let io = |source| Error::Io {
            action: "write the lock file",
            path: self.path.clone(),
            source,
        };
        self.file.set_len(0).map_err(io)?;
        self.file.rewind().map_err(io)?;
        self.file.write_all(text.as_bytes()).map_err(io)
    }

    /// Removes the temporary directories listed by the previous holder (in `temporaries`: it
    /// no longer runs, its lock was released) and biaogan's temporary directories inside
    /// `.biaogan/`.
    fn remove_leftovers(&mut self, root: &Path) {
        let mut candidates = self.temporaries.clone();
        for dir in [
            root.join(".biaogan"),
            root.join(".biaogan").join("serve-index"),
        ] {
            if let Ok(Some(entries)) = crate::fs::read_dir(&dir) {
                candidates.extend(entries.iter().map(|e| e.path()));
            }
        }
        // The record of published URLs is replaced through `.published-urls.txt.<pid>.tmp`.
        if let Ok(Some(entries)) = crate::fs::read_dir(root) {
            for entry in entries {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.starts_with(".published-urls.txt.") && name.ends_with(".tmp") {
                    let path = entry.path();
                    if crate::fs::remove_file(&path).is_ok() {
                        self.notes.push(format!(
                            "removed {}, left by a biaogan that was stopped before it finished",
                            display_path(&path)
                        ));
                    }
                }
            }
        }
        for path in candidates {
            let ours = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| TEMPORARY_PREFIXES.iter().any(|p| n.starts_with(p)));
            if !ours || !path.is_dir() {
                continue;
            }
            let what = match crate::fs::remove_dir_all(&path) {
                Ok(()) => "removed",
                Err(_) => "could not remove",
            };
            self.notes.push(format!(
                "{what} {}, left by a biaogan that was stopped before it finished",
                display_path(&path)
            ));
        }
    }
}

impl Drop for SiteLock {
    fn drop(&mut self) {
        // The temporary directories are gone (their owners removed them); the lock itself is
        // released when the file is closed.
        self.temporaries.clear();
        let _ = self.write();
    }
}

/// The holder named in the lock file at `path`, for messages.
fn holder(path: &Path) -> String {
    crate::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.lines().next().map(str::to_string))
        .filter(|line| line.starts_with("biaogan "))
        .unwrap_or_else(|| "another biaogan".to_string())
}
