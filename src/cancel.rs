//! Stopping a build on Ctrl-C or SIGTERM: the signal only sets a flag; the stages check it
//! between steps and inside their long loops and return [`Error::Cancelled`], so that every
//! temporary directory is removed by its owner's `Drop` and the previous output and the cache
//! stay usable.
//!
//! Until [`install`] is called (only commands that write do), signals keep their default
//! action and [`check`] never fails.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};

/// SIGINT (Ctrl-C).
pub const SIGINT: i32 = 2;
/// SIGTERM (`kill`, shutdown, CI timeouts).
pub const SIGTERM: i32 = 15;

/// The number of the first signal received, 0 while none was.
fn received() -> &'static Arc<AtomicUsize> {
    static RECEIVED: OnceLock<Arc<AtomicUsize>> = OnceLock::new();
    RECEIVED.get_or_init(|| Arc::new(AtomicUsize::new(0)))
}

/// Catches SIGINT and SIGTERM from now on: instead of ending the process, they make
/// [`check`] fail. A second signal of the same kind after the first ends the process at once
/// (the default action), for a build that does not stop.
pub fn install() -> Result<()> {
    #[cfg(unix)]
    {
        let armed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        for signal in [SIGINT, SIGTERM] {
            // Handlers run in registration order: the first signal finds `armed` false and
            // only arms it; a second one ends the process with the default action.
            let register = || -> std::io::Result<()> {
                signal_hook::flag::register_conditional_default(signal, Arc::clone(&armed))?;
                signal_hook::flag::register(signal, Arc::clone(&armed))?;
                signal_hook::flag::register_usize(signal, Arc::clone(received()), signal as usize)?;
                Ok(())
            };
            register().map_err(|source| Error::Io {
                action: "install a handler for signal",
                path: std::path::PathBuf::from(signal.to_string()),
                source,
            })?;
        }
    }
    Ok(())
}

/// The signal that asked to stop, if one did.
pub fn signal() -> Option<i32> {
    match received().load(Ordering::SeqCst) {
        0 => None,
        n => i32::try_from(n).ok(),
    }
}

/// `Err(Error::Cancelled)` once a caught signal asked to stop.
pub fn check() -> Result<()> {
    match signal() {
        None => Ok(()),
        Some(signal) => Err(Error::Cancelled { signal }),
    }
}
