//! Test harness: a fixture site copied into a temporary directory, built with the real
//! binary, with helpers to read what it wrote.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// Directory of the fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A site in a temporary directory.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// The fixture `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixtures().join(name), dir.path());
        TestSite { dir }
    }

    /// The minimal valid site with the files of `tests/fixtures/invalid/<name>` laid over it.
    pub fn invalid(name: &str) -> TestSite {
        let site = TestSite::fixture("minimal");
        copy_tree(&fixtures().join("invalid").join(name), site.root());
        site
    }

    /// The repository's own sample site (site.yaml, its record of published URLs, content/).
    pub fn sample() -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
        std::fs::copy(
            repo.join("published-urls.txt"),
            dir.path().join("published-urls.txt"),
        )
        .unwrap();
        copy_tree(&repo.join("content"), &dir.path().join("content"));
        TestSite { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Writes a file of the site.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Runs `biaogan ARGS` with `--root` pointing at the site.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::cargo_bin("biaogan")
            .unwrap()
            .arg("--root")
            .arg(self.root())
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("CI")
            .output()
            .unwrap()
    }

    /// Builds and asserts success.
    pub fn build(&self) -> Output {
        let output = self.run(&["build"]);
        assert!(
            output.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// A file of the output as text.
    pub fn read(&self, rel: &str) -> String {
        let path = self.public().join(rel);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// Every file of the output, by relative path.
    pub fn output_files(&self) -> BTreeMap<String, Vec<u8>> {
        files_below(&self.public())
    }
}

/// Every file below `dir` by relative path with `/` separators (empty when `dir` is missing).
pub fn files_below(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    if !dir.exists() {
        return BTreeMap::new();
    }
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Standard error with the temporary root replaced by `[ROOT]`.
pub fn stderr(site: &TestSite, output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).replace(&site.root().display().to_string(), "[ROOT]")
}

/// Every `href`/`src` value of an HTML page.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// Checks that every relative link of every HTML page in `public` resolves to a file.
/// Returns the broken ones as "page -> link".
pub fn broken_links(public: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for entry in walkdir::WalkDir::new(public)
        .into_iter()
        .map(|e| e.unwrap())
    {
        if !entry.file_name().to_string_lossy().ends_with(".html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let dir = entry.path().parent().unwrap();
        for link in links(&html) {
            if link.contains("://")
                || link.starts_with("mailto:")
                || link.starts_with('#')
                || link.starts_with("data:")
                || link.starts_with("//")
            {
                continue;
            }
            let path = link.split(['#', '?']).next().unwrap();
            if path.is_empty() {
                continue;
            }
            let decoded = percent_decode(path);
            let mut target = dir.join(&decoded);
            if decoded.ends_with('/') {
                target = target.join("index.html");
            }
            if !target.exists() {
                broken.push(format!(
                    "{} -> {link}",
                    entry.path().strip_prefix(public).unwrap().display()
                ));
            }
        }
    }
    broken
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
