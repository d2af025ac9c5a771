//! Measures `biaogan serve`'s rebuild after one case is edited, on a site such as one written
//! by `gen-corpus`: a full build first, then repeated edits of one case's body and of its
//! title, each followed by the rebuild the server would run. The case file is restored at
//! the end. The background full build that follows incremental ones is timed once.
//!
//! ```text
//! cargo run --release --example serve-rebuild -- SITE_DIR [EDITS]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use biaogan::serve::rebuild::{BuildKind, SiteBuilder};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next().map(PathBuf::from) else {
        eprintln!("usage: serve-rebuild SITE_DIR [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10);
    let root = root.canonicalize().expect("the site directory exists");
    let mut builder = SiteBuilder::new(&root, false, "http://127.0.0.1:1111/");
    let started = Instant::now();
    let built = builder.rebuild(&[]).expect("the site builds");
    println!(
        "full build: {} files in {:.2} s",
        built.files.len(),
        started.elapsed().as_secs_f64()
    );

    let file = middle_case(&root);
    let original = std::fs::read_to_string(&file).expect("readable case");
    let restore = Restore {
        file: file.clone(),
        text: original.clone(),
    };
    println!("editing {}", file.display());

    let body: Vec<(Duration, BuildKind)> = (0..edits)
        .map(|n| {
            let text = format!("{original}\n\n第{n}次修改的段落：测量增量构建。\n");
            timed_rebuild(&mut builder, &file, &text)
        })
        .collect();
    report("body edit", &body);

    let title_line = original
        .lines()
        .find(|l| l.starts_with("title:"))
        .expect("a title line")
        .to_string();
    let title: Vec<(Duration, BuildKind)> = (0..edits)
        .map(|n| {
            let text = original.replacen(&title_line, &format!("title: 第{n}次修改的标题"), 1);
            timed_rebuild(&mut builder, &file, &text)
        })
        .collect();
    report("title edit", &title);

    drop(restore);
    let started = Instant::now();
    builder
        .rebuild(std::slice::from_ref(&file))
        .expect("restored");
    if let Some(job) = builder.reconcile_job() {
        let run = Instant::now();
        let reconciled = job.run();
        let ran = run.elapsed();
        builder
            .install(reconciled)
            .expect("current")
            .expect("builds");
        println!(
            "background full build (one thread): {:.2} s (restore + install {:.2} s)",
            ran.as_secs_f64(),
            (started.elapsed() - ran).as_secs_f64()
        );
    }
}

/// Puts the edited case back as it was, even if the run panics.
struct Restore {
    file: PathBuf,
    text: String,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.file, &self.text);
    }
}

fn timed_rebuild(builder: &mut SiteBuilder, file: &Path, text: &str) -> (Duration, BuildKind) {
    std::fs::write(file, text).expect("writable case");
    let started = Instant::now();
    let built = builder
        .rebuild(&[file.to_path_buf()])
        .expect("the edit builds");
    (started.elapsed(), built.kind)
}

fn report(what: &str, runs: &[(Duration, BuildKind)]) {
    let mut times: Vec<f64> = runs.iter().map(|(d, _)| d.as_secs_f64() * 1000.0).collect();
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let kinds: Vec<String> = runs
        .iter()
        .map(|(_, kind)| match kind {
            BuildKind::Incremental { pages } => format!("{pages}"),
            other => format!("{other:?}"),
        })
        .collect();
    println!(
        "{what}: median {median:.1} ms, min {:.1}, max {:.1} over {} rebuilds (pages rendered: {})",
        times.first().copied().unwrap_or_default(),
        times.last().copied().unwrap_or_default(),
        times.len(),
        kinds.join(" ")
    );
}

/// The case in the middle of the newest year, by file name.
fn middle_case(root: &Path) -> PathBuf {
    let mut cases: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.md")
        .map(|e| e.path().to_path_buf())
        .collect();
    cases.sort();
    let newest = cases
        .last()
        .and_then(|p| p.strip_prefix(root.join("content")).ok())
        .and_then(|p| p.iter().next())
        .map(|y| y.to_owned())
        .expect("a case");
    let year: Vec<PathBuf> = cases
        .into_iter()
        .filter(|p| {
            p.strip_prefix(root.join("content"))
                .ok()
                .and_then(|p| p.iter().next())
                == Some(newest.as_os_str())
        })
        .collect();
    year[year.len() / 2].clone()
}
