//! File-system access with paths in every error, and the output writer.
//!
//! All reads and writes of the library go through these helpers so that an I/O error always
//! names its path. [`Output`] is where rendered files go: a directory on disk, or memory for
//! tests and `serve`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// Reads a whole file as bytes.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|source| Error::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })
}

/// Creates a directory and its parents.
pub fn create_dir_all(path: &Path) -> Result<()> {
    fs::create_dir_all(path).map_err(|source| Error::Io {
        action: "create directory",
        path: path.to_path_buf(),
        source,
    })
}

/// Writes a file, creating its parent directories.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    fs::write(path, bytes).map_err(|source| Error::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}

/// Replaces a file atomically: writes a temporary file next to it (`.<name>.<pid>.tmp`), then
/// renames it over `path`, so that readers see the old or the new text, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    write(&temporary, bytes)?;
    fs::rename(&temporary, path).map_err(|source| {
        let _ = fs::remove_file(&temporary);
        Error::Io {
            action: "replace",
            path: path.to_path_buf(),
            source,
        }
    })
}

/// Replaces the directory `target` with the directory `staged` (same parent file system), so
/// that a reader opening `target` finds the old or the new tree, never a mix. Where the
/// system can exchange two paths atomically (Linux), `target` never disappears and the old
/// tree ends up at `staged`, which is then removed; elsewhere the old tree is moved aside
/// first. A failure leaves `target` as it was.
pub fn replace_dir(staged: &Path, target: &Path) -> Result<()> {
    let io = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    };
    if !target.exists() {
        return fs::rename(staged, target).map_err(io("move into place", target));
    }
    #[cfg(target_os = "linux")]
    if exchange(staged, target).is_ok() {
        return fs::remove_dir_all(staged).map_err(io("remove the previous version", staged));
    }
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let old = tempfile::Builder::new()
        .prefix(".biaogan-old-")
        .tempdir_in(parent)
        .map_err(io("create temporary directory in", parent))?
        .keep();
    // `old` exists (empty); rename the target onto it.
    fs::remove_dir(&old).map_err(io("remove", &old))?;
    fs::rename(target, &old).map_err(io("move aside", target))?;
    if let Err(source) = fs::rename(staged, target) {
        let _ = fs::rename(&old, target);
        return Err(Error::Io {
            action: "move into place",
            path: target.to_path_buf(),
            source,
        });
    }
    fs::remove_dir_all(&old).map_err(io("remove the previous version", &old))
}

/// Swaps two paths in one step (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// Joins a site-relative path written with `/` (as in URLs) onto `base`, refusing anything
/// that could leave `base`: absolute paths, backslashes, drive prefixes and a `..` that climbs
/// above `base`. `.` and `..` follow the one rule of [`crate::site_path`] (`a/../b` is `b`).
pub fn join_relative(base: &Path, relative: &str) -> Option<PathBuf> {
    if relative.contains('\\') || relative.contains('\0') {
        return None;
    }
    let normalized = crate::site_path::normalize(relative)?;
    let mut out = base.to_path_buf();
    for part in normalized.split('/').filter(|part| !part.is_empty()) {
        let mut components = Path::new(part).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(_)), None) => out.push(part),
            _ => return None,
        }
    }
    Some(out)
}

/// Destination of a build: every file is written by its site-relative path (with `/`).
#[derive(Debug)]
pub enum Output {
    /// Files are written below this directory.
    Disk(PathBuf),
    /// Files are kept in memory, keyed by site-relative path.
    Memory(Mutex<BTreeMap<String, Vec<u8>>>),
}

impl Output {
    /// An output kept in memory.
    pub fn memory() -> Output {
        Output::Memory(Mutex::new(BTreeMap::new()))
    }

    /// Writes `bytes` at the site-relative `path` (e.g. `2023/slug/index.html`).
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        match self {
            Output::Disk(root) => {
                let target = Output::target(root, path)?;
                write(&target, bytes)
            }
            Output::Memory(files) => {
                let mut files = files
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                files.insert(path.to_string(), bytes.to_vec());
                Ok(())
            }
        }
    }

    /// Copies the file at `source` to the site-relative `path`.
    pub fn copy(&self, source: &Path, path: &str) -> Result<()> {
        match self {
            Output::Disk(root) => {
                let target = Output::target(root, path)?;
                if let Some(parent) = target.parent() {
                    create_dir_all(parent)?;
                }
                fs::copy(source, &target)
                    .map(|_| ())
                    .map_err(|source_err| Error::Io {
                        action: "copy",
                        path: source.to_path_buf(),
                        source: source_err,
                    })
            }
            Output::Memory(_) => self.write(path, &read(source)?),
        }
    }

    /// Makes the site-relative directory `path` exist and be empty: what an earlier writer
    /// (or a hard link into a previous output) left there is removed.
    pub fn reset_dir(&self, path: &str) -> Result<()> {
        match self {
            Output::Disk(root) => {
                let dir = Output::target(root, path)?;
                if dir.exists() {
                    fs::remove_dir_all(&dir).map_err(|source| Error::Io {
                        action: "remove",
                        path: dir.clone(),
                        source,
                    })?;
                }
                create_dir_all(&dir)
            }
            Output::Memory(files) => {
                let prefix = format!("{}/", path.trim_end_matches('/'));
                files
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .retain(|name, _| !name.starts_with(&prefix));
                Ok(())
            }
        }
    }

    /// Where the site-relative `path` lies below `root`; an error if it would leave it.
    fn target(root: &Path, path: &str) -> Result<PathBuf> {
        join_relative(root, path).ok_or_else(|| Error::OutputPath {
            path: path.to_string(),
        })
    }

    /// True if the site-relative `path` has been written.
    pub fn contains(&self, path: &str) -> bool {
        match self {
            Output::Disk(root) => join_relative(root, path).is_some_and(|p| p.exists()),
            Output::Memory(files) => files
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .contains_key(path),
        }
    }

    /// Hard-links the existing file `previous` (from an earlier output on the same file
    /// system) to the site-relative `path`. Returns false, having written nothing, when that
    /// is not possible (memory output, missing file); the caller then writes the file.
    pub fn link(&self, previous: &Path, path: &str) -> bool {
        match self {
            Output::Disk(root) => {
                let Some(target) = join_relative(root, path) else {
                    return false;
                };
                if let Some(parent) = target.parent() {
                    if fs::create_dir_all(parent).is_err() {
                        return false;
                    }
                }
                fs::hard_link(previous, &target).is_ok()
            }
            Output::Memory(_) => false,
        }
    }

    /// The files written so far, for a memory output (empty for disk).
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        match self {
            Output::Disk(_) => BTreeMap::new(),
            Output::Memory(files) => files.into_inner().unwrap_or_else(|p| p.into_inner()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_relative_refuses_escapes() {
        let base = Path::new("out");
        assert_eq!(
            join_relative(base, "2023/a/index.html"),
            Some(PathBuf::from("out/2023/a/index.html"))
        );
        assert_eq!(
            join_relative(base, "/2023/a/"),
            Some(PathBuf::from("out/2023/a"))
        );
        assert_eq!(join_relative(base, "../etc/passwd"), None);
        assert_eq!(join_relative(base, "a/../../b"), None);
        assert_eq!(
            join_relative(base, "a/./../b"),
            Some(PathBuf::from("out/b"))
        );
        assert_eq!(join_relative(base, "a\\..\\b"), None);
        assert_eq!(
            join_relative(base, "C:"),
            if cfg!(windows) {
                None
            } else {
                Some(PathBuf::from("out/C:"))
            }
        );
    }
}
