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

/// The error of `action` on `path`, for `map_err`.
fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io {
        action,
        path,
        source,
    }
}

/// Reads a whole file as bytes.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(io("read", path))
}

/// Reads a whole file as bytes; `None` when it does not exist.
pub fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(io("read", path)(source)),
    }
}

/// Reads a whole file as UTF-8 text.
pub fn read_to_string(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(io("read", path))
}

/// The metadata of a file or directory (following symbolic links).
pub fn metadata(path: &Path) -> Result<fs::Metadata> {
    fs::metadata(path).map_err(io("read", path))
}

/// The entries of a directory, in the order the system lists them; `None` when it does not
/// exist.
pub fn read_dir(path: &Path) -> Result<Option<Vec<fs::DirEntry>>> {
    match fs::read_dir(path) {
        Ok(entries) => entries
            .collect::<std::io::Result<Vec<_>>>()
            .map(Some)
            .map_err(io("read directory", path)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(io("read directory", path)(source)),
    }
}

/// Removes a file.
pub fn remove_file(path: &Path) -> Result<()> {
    fs::remove_file(path).map_err(io("remove", path))
}

/// Removes an empty directory.
pub fn remove_dir(path: &Path) -> Result<()> {
    fs::remove_dir(path).map_err(io("remove", path))
}

/// Removes a directory and everything in it.
pub fn remove_dir_all(path: &Path) -> Result<()> {
    fs::remove_dir_all(path).map_err(io("remove", path))
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

/// Writes a new file, refusing to overwrite ([`Error::Exists`]). Atomic: the bytes go to a
/// temporary file in the same folder, which is then moved to `path` only if nothing is there
/// (a reader never sees half a file, and a file created meanwhile is not replaced).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let exists = || Error::Exists {
        path: path.to_path_buf(),
        outcome: "overwritten",
    };
    if path.exists() {
        return Err(exists());
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_dir_all(parent)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".biaogan-new-");
    #[cfg(unix)]
    {
        // Like any new file (the umask applies), not the temporary file's private 0600.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder
        .tempfile_in(parent)
        .map_err(io("create a temporary file for", path))?;
    std::io::Write::write_all(&mut temp, bytes).map_err(io("write", path))?;
    match temp.persist_noclobber(path) {
        Ok(_) => Ok(()),
        Err(_) if path.exists() => Err(exists()),
        // A file system that can neither rename without replacing nor hard-link (some USB
        // sticks): write in place, still refusing an existing file.
        Err(_) => {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| {
                    if e.kind() == std::io::ErrorKind::AlreadyExists {
                        exists()
                    } else {
                        io("write", path)(e)
                    }
                })?;
            std::io::Write::write_all(&mut file, bytes).map_err(io("write", path))
        }
    }
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
                keep(files, path, bytes.to_vec());
                Ok(())
            }
        }
    }

    /// Writes the site-relative `path` from what `fill` writes into it: on disk the bytes go
    /// straight to the file, so a large page (a yearly compilation is ~30 MB at 10,000 cases)
    /// is never held whole. The outer error is the output's own (the file, its folder or a
    /// write failed); the inner one is `fill`'s, when it failed for another reason.
    pub fn write_with<E>(
        &self,
        path: &str,
        fill: impl FnOnce(&mut dyn std::io::Write) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<(), E>> {
        match self {
            Output::Disk(root) => {
                let target = Output::target(root, path)?;
                if let Some(parent) = target.parent() {
                    create_dir_all(parent)?;
                }
                let io = |source| Error::Io {
                    action: "write",
                    path: target.clone(),
                    source,
                };
                let file = fs::File::create(&target).map_err(io)?;
                let mut writer = FailureKeeping {
                    inner: std::io::BufWriter::with_capacity(1 << 16, file),
                    failure: None,
                };
                let filled = fill(&mut writer);
                if let Some(failure) = writer.failure.take() {
                    return Err(io(failure));
                }
                if filled.is_ok() {
                    std::io::Write::flush(&mut writer.inner).map_err(io)?;
                }
                Ok(filled)
            }
            Output::Memory(files) => {
                let mut bytes = Vec::new();
                let filled = fill(&mut bytes);
                if filled.is_ok() {
                    keep(files, path, bytes);
                }
                Ok(filled)
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

/// Stores the file `path` of a memory output.
fn keep(files: &Mutex<BTreeMap<String, Vec<u8>>>, path: &str, bytes: Vec<u8>) {
    files
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(path.to_string(), bytes);
}

/// A writer that keeps its first I/O failure, so that a caller whose `fill` reports every
/// failure in its own error type (tera does) can still tell the output's failures apart.
struct FailureKeeping<W> {
    inner: W,
    failure: Option<std::io::Error>,
}

impl<W: std::io::Write> std::io::Write for FailureKeeping<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| self.keep(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| self.keep(e))
    }
}

impl<W> FailureKeeping<W> {
    fn keep(&mut self, error: &std::io::Error) {
        if self.failure.is_none() {
            self.failure = Some(std::io::Error::new(error.kind(), error.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_with_streams_into_the_file_and_keeps_a_failed_fill_out_of_memory() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let disk = Output::Disk(dir.path().to_path_buf());
        let written = disk.write_with("a/b/index.html", |out| out.write_all(b"<p>one</p>"));
        assert!(matches!(written, Ok(Ok(()))));
        let bytes = read(&dir.path().join("a/b/index.html")).unwrap_or_default();
        assert_eq!(bytes, b"<p>one</p>");

        let memory = Output::memory();
        let failed = memory.write_with("x.html", |out| {
            out.write_all(b"half")?;
            Err::<(), _>(std::io::Error::other("template failed"))
        });
        assert!(matches!(failed, Ok(Err(e)) if e.to_string() == "template failed"));
        assert!(!memory.contains("x.html"));
        assert!(matches!(
            disk.write_with("../out.html", |_| Ok::<(), ()>(())),
            Err(Error::OutputPath { .. })
        ));
    }

    #[test]
    fn a_failed_write_is_kept_apart_from_the_fill_error() {
        struct Full;
        impl std::io::Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "disk full",
                ))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut writer = FailureKeeping {
            inner: Full,
            failure: None,
        };
        assert!(std::io::Write::write_all(&mut writer, b"x").is_err());
        assert!(std::io::Write::write_all(&mut writer, b"y").is_err());
        let kept = writer.failure.map(|e| (e.kind(), e.to_string()));
        assert_eq!(
            kept,
            Some((std::io::ErrorKind::StorageFull, "disk full".to_string()))
        );
    }

    #[test]
    fn missing_files_and_directories_are_none_and_errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let missing = dir.path().join("missing");
        assert!(matches!(read_optional(&missing), Ok(None)));
        assert!(matches!(read_dir(&missing), Ok(None)));
        let error = read_to_string(&missing).err().map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.starts_with("cannot read ") && e.contains("missing")));
        let file = dir.path().join("a").join("new.txt");
        assert!(write_new(&file, b"one").is_ok());
        assert!(matches!(read_optional(&file), Ok(Some(bytes)) if bytes == b"one"));
        assert!(matches!(
            write_new(&file, b"two"),
            Err(Error::Exists {
                outcome: "overwritten",
                ..
            })
        ));
        assert!(matches!(read_dir(&dir.path().join("a")), Ok(Some(entries)) if entries.len() == 1));
    }

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
