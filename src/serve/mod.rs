//! `biaogan serve`: a preview server on 127.0.0.1 that builds the site into memory, watches
//! the sources, rebuilds on change and reloads open pages.
//!
//! The only async module of the library. [`serve`] is a blocking call that owns its tokio
//! runtime; the build itself stays synchronous ([`rebuild::SiteBuilder::rebuild`], run with
//! `spawn_blocking`). A failed rebuild keeps the last good site and shows the error in an
//! overlay on every page until the next good build. Nothing here prints: progress goes to
//! the caller's [`Event`] callback.
//!
//! - [`http`]: routing, path resolution, content types.
//! - [`reload`]: the injected script, the error overlay, the Server-Sent Events endpoint.
//! - [`watch`]: the debounced file watcher.
//! - [`rebuild`]: the build step: full, incremental after case edits, and the background
//!   full build that follows incremental ones.

pub mod http;
pub mod rebuild;
pub mod reload;
pub mod watch;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch as channel, Notify};

use crate::error::{format_diagnostics, Diagnostic, Error};
use crate::search::SearchIndex;
use http::{AppState, Snapshot};
use rebuild::{BuildKind, Built, Reconciled, SiteBuilder};
use watch::{Change, Watcher};

/// Default port.
pub const DEFAULT_PORT: u16 = 1111;

/// How long open connections may take to finish after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// What to serve and how.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site directory (holding `site.yaml`).
    pub root: PathBuf,
    /// Port on 127.0.0.1; 0 picks a free one (reported in [`Event::Listening`]).
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Publish drafts too.
    pub drafts: bool,
}

impl ServeOptions {
    /// Options for serving the site at `root` on the default port.
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            root: root.into(),
            port: DEFAULT_PORT,
            open: false,
            drafts: false,
        }
    }
}

/// What happens while serving, for the caller to report.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// The first build is done and the site is served at `url`.
    Listening {
        /// `http://127.0.0.1:PORT/`.
        url: &'a str,
    },
    /// Sources changed; a rebuild starts.
    Changed {
        /// The changed paths.
        paths: &'a [PathBuf],
    },
    /// A build succeeded; it is served from now on.
    Built {
        /// Whether this is the first build.
        initial: bool,
        /// Number of HTML pages.
        pages: usize,
        /// Number of files.
        files: usize,
        /// How long the build took.
        elapsed: Duration,
        /// Warnings of the build.
        warnings: &'a [Diagnostic],
        /// Whether the warnings differ from those of the previous build.
        warnings_changed: bool,
        /// Full or incremental.
        kind: BuildKind,
    },
    /// A build failed; the last good site is still served, with the error shown in pages.
    Failed {
        /// Whether this is the first build.
        initial: bool,
        /// How long the build took.
        elapsed: Duration,
        /// Why (content errors are [`Error::Content`]).
        error: &'a Error,
    },
    /// Something went wrong that does not stop the server (watching, opening the browser).
    Notice {
        /// What, in a sentence.
        message: &'a str,
    },
    /// Ctrl-C (or SIGTERM) was received; the server stops.
    Stopping,
}

/// Callback receiving [`Event`]s.
pub type Reporter = Arc<dyn Fn(&Event<'_>) + Send + Sync>;

/// Errors that stop the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The directory is not a site.
    #[error("{} has no site.yaml; pass the site directory with --root, or create a site with `biaogan init`", crate::error::display_path(.0))]
    NotASite(PathBuf),
    /// The port is taken.
    #[error("port {port} on 127.0.0.1 is already in use (another `biaogan serve`?); choose another with --port, or --port 0 for any free port")]
    PortInUse {
        /// The port asked for.
        port: u16,
    },
    /// Another I/O failure (binding, the runtime, the site directory).
    #[error("cannot {action}: {source}")]
    Io {
        /// What was being done.
        action: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file watcher could not start.
    #[error("{0}")]
    Watch(String),
}

/// Builds the site, serves it on 127.0.0.1 and rebuilds on change until Ctrl-C. Blocks.
pub fn serve(options: &ServeOptions, reporter: Reporter) -> Result<(), ServeError> {
    if !options.root.join("site.yaml").is_file() {
        return Err(ServeError::NotASite(options.root.clone()));
    }
    let root = options
        .root
        .canonicalize()
        .map_err(|source| ServeError::Io {
            action: format!(
                "resolve the site directory {}",
                crate::error::display_path(&options.root)
            ),
            source,
        })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| ServeError::Io {
            action: "start the async runtime".to_string(),
            source,
        })?;
    let result = runtime.block_on(run(root, options.clone(), reporter));
    // A rebuild may still be running on a blocking thread; do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    result
}

async fn run(root: PathBuf, options: ServeOptions, reporter: Reporter) -> Result<(), ServeError> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
    let listener = TcpListener::bind(address).await.map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            ServeError::PortInUse { port: options.port }
        } else {
            ServeError::Io {
                action: format!("listen on {address}"),
                source,
            }
        }
    })?;
    let port = listener
        .local_addr()
        .map_err(|source| ServeError::Io {
            action: "read the listening address".to_string(),
            source,
        })?
        .port();
    let url = format!("http://127.0.0.1:{port}/");

    // Watch before the first build, so that nothing saved during it is missed.
    let (change_sender, changes) = mpsc::unbounded_channel();
    let (watcher, problems) = Watcher::start(&root, change_sender).map_err(ServeError::Watch)?;
    for message in &problems {
        reporter(&Event::Notice { message });
    }

    let mut rebuilder = Rebuilder {
        builder: Arc::new(Mutex::new(SiteBuilder::new(&root, options.drafts, &url))),
        instance: instance_id(),
        builds: 0,
        warnings: Vec::new(),
        reporter: reporter.clone(),
    };
    let first = rebuilder.build(Vec::new()).await;
    let (site_sender, site) = channel::channel(rebuilder.snapshot(None, first));

    let app = http::router(AppState { site });
    let rebuild_task = tokio::spawn(rebuild_loop(rebuilder, watcher, changes, site_sender));

    reporter(&Event::Listening { url: &url });
    if options.open {
        let open_url = url.clone();
        let reporter = reporter.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(error) = opener::open_browser(&open_url) {
                let message = format!("cannot open a browser ({error}); open {open_url} yourself");
                reporter(&Event::Notice { message: &message });
            }
        });
    }

    let stop = Arc::new(Notify::new());
    let server = axum::serve(listener, app).with_graceful_shutdown({
        let stop = stop.clone();
        async move { stop.notified().await }
    });
    let on_signal = async {
        shutdown_signal().await;
        reporter(&Event::Stopping);
        // Ending the rebuild loop drops the state's sender, which ends the event streams
        // that open pages hold, so that the graceful shutdown does not wait for them.
        rebuild_task.abort();
        stop.notify_one();
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = server => result.map_err(|source| ServeError::Io {
            action: format!("serve on {address}"),
            source,
        }),
        () = on_signal => Ok(()),
    }
}

/// Runs builds one at a time and turns their outcome into snapshots.
struct Rebuilder {
    builder: Arc<Mutex<SiteBuilder>>,
    instance: String,
    builds: u64,
    warnings: Vec<String>,
    reporter: Reporter,
}

/// The outcome of one build, as the server needs it.
enum Outcome {
    Good {
        files: Arc<std::collections::BTreeMap<String, axum::body::Bytes>>,
        index: Arc<SearchIndex>,
    },
    Bad(Arc<str>),
}

/// A background full build (see [`SiteBuilder::reconcile_job`]) and when it started.
type Reconciling = tokio::task::JoinHandle<Option<(Reconciled, Instant)>>;

/// How long edits must pause before the background full build starts.
const RECONCILE_AFTER: Duration = Duration::from_millis(1500);

impl Rebuilder {
    /// Builds on a blocking thread and reports the outcome.
    async fn build(&mut self, changed: Vec<PathBuf>) -> Outcome {
        let initial = self.builds == 0;
        let builder = self.builder.clone();
        let started = Instant::now();
        let result = tokio::task::spawn_blocking(move || {
            let mut builder = builder.lock().unwrap_or_else(PoisonError::into_inner);
            builder.rebuild(&changed)
        })
        .await
        .unwrap_or_else(|join_error| Err(crashed(&join_error)));
        self.report(initial, started, result)
    }

    /// Starts the background full build if incremental builds left the site stale.
    fn start_reconcile(&self) -> Option<Reconciling> {
        let job = self
            .builder
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .reconcile_job()?;
        Some(tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            Some((job.run(), started))
        }))
    }

    /// Installs a finished background build; `None` if an edit made it outdated.
    async fn install(&mut self, reconciled: Reconciled, started: Instant) -> Option<Outcome> {
        let builder = self.builder.clone();
        let result = tokio::task::spawn_blocking(move || {
            let mut builder = builder.lock().unwrap_or_else(PoisonError::into_inner);
            builder.install(reconciled)
        })
        .await
        .unwrap_or_else(|join_error| Some(Err(crashed(&join_error))))?;
        Some(self.report(false, started, result))
    }

    /// Reports a build's result and turns it into an outcome.
    fn report(&mut self, initial: bool, started: Instant, result: Result<Built, Error>) -> Outcome {
        self.builds += 1;
        let elapsed = started.elapsed();
        match result {
            Ok(Built {
                files,
                warnings,
                kind,
                index,
            }) => {
                let rendered: Vec<String> = warnings.iter().map(|w| w.render(false)).collect();
                let warnings_changed = rendered != self.warnings;
                self.warnings = rendered;
                let pages = files.keys().filter(|k| k.ends_with(".html")).count();
                (self.reporter)(&Event::Built {
                    initial,
                    pages,
                    files: files.len(),
                    elapsed,
                    warnings: &warnings,
                    warnings_changed,
                    kind,
                });
                Outcome::Good {
                    files: Arc::new(files),
                    index,
                }
            }
            Err(error) => {
                (self.reporter)(&Event::Failed {
                    initial,
                    elapsed,
                    error: &error,
                });
                Outcome::Bad(error_text(&error).into())
            }
        }
    }

    /// The snapshot after `outcome`, given the files served before.
    fn snapshot(&self, previous: Option<&Snapshot>, outcome: Outcome) -> Snapshot {
        let version: Arc<str> = format!("{}-{}", self.instance, self.builds).into();
        match outcome {
            Outcome::Good { files, index } => Snapshot {
                files: Some(files),
                error: None,
                version,
                index: Some(index),
            },
            Outcome::Bad(error) => Snapshot {
                files: previous.and_then(|p| p.files.clone()),
                error: Some(error),
                version,
                index: previous.and_then(|p| p.index.clone()),
            },
        }
    }
}

/// The error of a build whose thread panicked.
fn crashed(join_error: &tokio::task::JoinError) -> Error {
    Error::Crashed {
        message: join_error.to_string(),
    }
}

/// Waits for changes and rebuilds; changes that arrive during a build make the next batch.
/// Once edits pause after incremental builds, a full build runs in the background and is
/// served if no edit came in meanwhile (see [`rebuild`]).
async fn rebuild_loop(
    mut rebuilder: Rebuilder,
    mut watcher: Watcher,
    mut changes: mpsc::UnboundedReceiver<Change>,
    site: channel::Sender<Snapshot>,
) {
    let reporter = rebuilder.reporter.clone();
    let mut reconciling: Option<Reconciling> = None;
    loop {
        let stale = reconciling.is_none()
            && rebuilder
                .builder
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_stale();
        tokio::select! {
            batch = watch::next_batch(&mut changes, |message| {
                reporter(&Event::Notice { message });
            }) => {
                let Some(paths) = batch else { break };
                for message in watcher.rewatch(&paths) {
                    reporter(&Event::Notice { message: &message });
                }
                reporter(&Event::Changed { paths: &paths });
                let outcome = rebuilder.build(paths).await;
                let previous = site.borrow().clone();
                site.send_replace(rebuilder.snapshot(Some(&previous), outcome));
            }
            () = tokio::time::sleep(RECONCILE_AFTER), if stale => {
                reconciling = rebuilder.start_reconcile();
            }
            finished = async {
                match reconciling.as_mut() {
                    Some(task) => task.await.ok().flatten(),
                    None => std::future::pending().await,
                }
            }, if reconciling.is_some() => {
                reconciling = None;
                if let Some((reconciled, started)) = finished {
                    if let Some(outcome) = rebuilder.install(reconciled, started).await {
                        let previous = site.borrow().clone();
                        site.send_replace(rebuilder.snapshot(Some(&previous), outcome));
                    }
                }
            }
        }
    }
}

/// The text shown in the overlay for a failed build.
fn error_text(error: &Error) -> String {
    if let Error::Content(diagnostics) = error {
        return format_diagnostics(diagnostics, false);
    }
    // The library's messages already include their cause.
    error.to_string()
}

/// Distinguishes this server's versions from those of an earlier run, so that pages left
/// open across a restart reload.
fn instance_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}", nanos & 0xffff_ffff_ffff)
}

/// Completes on Ctrl-C (or SIGTERM on Unix). If a handler cannot be installed, that signal
/// is simply not listened to.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
