//! Watching the site's sources: `content/` and `templates/` (recursively) and `site.yaml`,
//! debounced into batches of changed paths for the rebuild loop.
//!
//! Uses notify directly and debounces here rather than with notify-debouncer-mini: the mini
//! debouncer drops event kinds, and notify reports file *opens* on Linux, so every build
//! (which reads the sources) would trigger the next one. [`is_change`] keeps only events
//! that can change a file.
//!
//! `site.yaml` is watched through its directory (editors replace files by renaming, which
//! would end a watch on the file itself); the same watch notices `content/` or `templates/`
//! being created or replaced, and [`Watcher::rewatch`] then watches the new directory.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};
use tokio::sync::mpsc;

/// Debounce interval: editors write a file in several steps; a batch ends after this long
/// without events.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// Longest a batch may keep growing (a long copy into `content/`) before a build starts.
pub const MAX_BATCH: Duration = Duration::from_secs(2);

/// The directories watched recursively.
pub const WATCHED_DIRS: [&str; 2] = ["content", "templates"];

/// What the watcher reports.
#[derive(Debug)]
pub enum Change {
    /// These source paths changed.
    Paths(Vec<PathBuf>),
    /// The watcher failed (the message says why).
    Error(String),
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    root: PathBuf,
    watcher: RecommendedWatcher,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl Watcher {
    /// Starts watching the site at `root` (an absolute, canonical path); changes go to
    /// `changes`, undebounced (see [`next_batch`]). Returns the watcher and messages about
    /// directories it could not watch.
    pub fn start(
        root: &Path,
        changes: mpsc::UnboundedSender<Change>,
    ) -> Result<(Watcher, Vec<String>), String> {
        let filter_root = root.to_path_buf();
        let watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
            let change = match result {
                Ok(event) => {
                    if !is_change(&event.kind) {
                        return;
                    }
                    let paths: Vec<PathBuf> = event
                        .paths
                        .into_iter()
                        .filter(|path| is_source(&filter_root, path))
                        .collect();
                    if paths.is_empty() {
                        return;
                    }
                    Change::Paths(paths)
                }
                Err(error) => Change::Error(format!("watching for changes: {error}")),
            };
            // The receiver is gone only while shutting down.
            let _ = changes.send(change);
        })
        .map_err(|error| format!("cannot start watching for changes: {error}"))?;
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            watcher,
        };
        let mut problems = Vec::new();
        if let Err(error) = watcher.watcher.watch(root, RecursiveMode::NonRecursive) {
            problems.push(format!(
                "cannot watch {} for changes of site.yaml: {error}",
                root.display()
            ));
        }
        for dir in WATCHED_DIRS {
            problems.extend(watcher.watch_dir(dir));
        }
        Ok((watcher, problems))
    }

    /// Watches again the watched directories among `paths` (created, deleted or replaced).
    /// Returns messages about those it could not watch.
    pub fn rewatch(&mut self, paths: &[PathBuf]) -> Vec<String> {
        let mut problems = Vec::new();
        for dir in WATCHED_DIRS {
            let full = self.root.join(dir);
            if paths.iter().any(|path| path == &full) {
                let _ = self.watcher.unwatch(&full);
                problems.extend(self.watch_dir(dir));
            }
        }
        problems
    }

    fn watch_dir(&mut self, dir: &str) -> Option<String> {
        let full = self.root.join(dir);
        if !full.is_dir() {
            return None;
        }
        self.watcher
            .watch(&full, RecursiveMode::Recursive)
            .err()
            .map(|error| format!("cannot watch {} for changes: {error}", full.display()))
    }
}

/// Waits for the next batch of changes: the first change, then everything that follows until
/// [`DEBOUNCE`] passes quietly (at most [`MAX_BATCH`]). Watcher errors go to `on_error`.
/// Returns the changed paths, sorted and deduplicated, or `None` when the watcher is gone.
pub async fn next_batch(
    changes: &mut mpsc::UnboundedReceiver<Change>,
    mut on_error: impl FnMut(&str),
) -> Option<Vec<PathBuf>> {
    loop {
        let mut paths = Vec::new();
        let mut add = |change: Change, paths: &mut Vec<PathBuf>| match change {
            Change::Paths(changed) => paths.extend(changed),
            Change::Error(message) => on_error(&message),
        };
        add(changes.recv().await?, &mut paths);
        let deadline = tokio::time::Instant::now() + MAX_BATCH;
        loop {
            let quiet = tokio::time::Instant::now() + DEBOUNCE;
            match tokio::time::timeout_at(quiet.min(deadline), changes.recv()).await {
                Ok(Some(change)) => add(change, &mut paths),
                Ok(None) | Err(_) => break,
            }
        }
        if !paths.is_empty() {
            paths.sort();
            paths.dedup();
            return Some(paths);
        }
    }
}

/// Whether an event can change a file: everything except opening and reading (notify
/// reports opens on Linux). Closing after writing counts.
pub fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Whether a change of `path` can change the site: `site.yaml`, or anything under `content/`
/// or `templates/` except editor droppings (hidden files, `foo~` backups, vim's `4913`).
pub fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let parts: Vec<&str> = relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .collect();
    match parts.as_slice() {
        ["site.yaml"] => true,
        [first, ..] if WATCHED_DIRS.contains(first) => {
            let name = parts.last().copied().unwrap_or_default();
            let editor_file = name.ends_with('~') || name == "4913";
            let hidden = parts.len() > 1 && name.starts_with('.');
            !(editor_file || hidden)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind};

    #[test]
    fn sources_are_site_yaml_content_and_templates() {
        let root = Path::new("/site");
        let yes = [
            "/site/site.yaml",
            "/site/content",
            "/site/content/2023/某某公司/index.md",
            "/site/content/2023/某某公司/chart.png",
            "/site/templates/case.html",
            "/site/templates/static/style.css",
        ];
        let no = [
            "/site",
            "/site/public/index.html",
            "/site/.biaogan/index/meta.json",
            "/site/README.md",
            "/site/content/2023/.index.md.swp",
            "/site/content/2023/index.md~",
            "/site/content/2023/4913",
            "/elsewhere/site.yaml",
            "/site/other/site.yaml",
        ];
        for path in yes {
            assert!(is_source(root, Path::new(path)), "{path}");
        }
        for path in no {
            assert!(!is_source(root, Path::new(path)), "{path}");
        }
    }

    #[test]
    fn reading_is_not_a_change() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Read)));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Modify(ModifyKind::Any)));
    }

    #[tokio::test]
    async fn batches_end_after_a_quiet_interval() {
        let (sender, mut receiver) = mpsc::unbounded_channel();
        sender
            .send(Change::Paths(vec![PathBuf::from("b")]))
            .unwrap();
        sender
            .send(Change::Paths(vec![PathBuf::from("a")]))
            .unwrap();
        sender.send(Change::Error("oops".to_string())).unwrap();
        sender
            .send(Change::Paths(vec![PathBuf::from("a")]))
            .unwrap();
        let mut errors = Vec::new();
        let batch = next_batch(&mut receiver, |e| errors.push(e.to_string())).await;
        assert_eq!(batch, Some(vec![PathBuf::from("a"), PathBuf::from("b")]));
        assert_eq!(errors, ["oops"]);
        drop(sender);
        assert_eq!(next_batch(&mut receiver, |_| {}).await, None);
    }
}
