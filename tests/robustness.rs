//! End-to-end hostile content: symlinks out of the site, traversal in links, slugs and
//! aliases, files at and over the size limit, NUL bytes, BOM + CRLF, UTF-16, deep nesting.
//!
//! Every run must exit 0 (valid input) or 1 (content error), never 101 (panic); a message
//! must name the file; nothing outside `public/` may change (the site sits in a directory of
//! its own next to an `outside/` directory whose files carry a marker); and `public/` must
//! never contain the content of a file outside the site.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant, SystemTime};

use common::{copy_tree, fixtures, TestSite};

/// Content of every file outside the site; must never appear in `public/`.
const MARKER: &str = "OUTSIDE-SECRET-MARKER-5c1e";

/// Time one command may take (debug builds are slow; the 10 MB cases dominate).
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// A site (in `outer/<tmp>/`) next to `outer/outside/`, holding files the site must not leak.
struct Hostile {
    outer: tempfile::TempDir,
    site: TestSite,
}

/// What is recorded of each path outside `public/`.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Dir,
    File {
        bytes: Vec<u8>,
        modified: Option<SystemTime>,
    },
    Link(PathBuf),
}

impl Hostile {
    fn new() -> Hostile {
        let outer = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir_in(outer.path()).unwrap();
        copy_tree(&fixtures().join("minimal"), dir.path());
        let hostile = Hostile {
            outer,
            site: TestSite { dir },
        };
        let outside = hostile.outside();
        std::fs::create_dir_all(outside.join("case")).unwrap();
        std::fs::write(outside.join("secret.txt"), format!("{MARKER}\n")).unwrap();
        std::fs::write(outside.join("secret.svg"), format!("<svg>{MARKER}</svg>")).unwrap();
        std::fs::write(
            outside.join("case/index.md"),
            format!(
                "---\ntitle: 外部\nenterprise: 外部公司\nyear: 2023\nregion: kaifeng\narea: digital\nsummary: {MARKER}\n---\n\n{MARKER}\n"
            ),
        )
        .unwrap();
        std::fs::write(
            outside.join("case/chart.svg"),
            format!("<svg>{MARKER}</svg>"),
        )
        .unwrap();
        hostile
    }

    fn outside(&self) -> PathBuf {
        self.outer.path().join("outside")
    }

    fn root(&self) -> &Path {
        self.site.root()
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// A valid case of the minimal site's vocabulary with `extra` front matter and `body`.
    fn case(&self, folder: &str, extra: &str, body: &str) {
        let text = format!(
            "---\ntitle: 测试经验\nenterprise: {folder}\nyear: 2023\nregion: kaifeng\narea: digital\nsummary: 摘要。\n{extra}---\n\n{body}\n"
        );
        self.write(&format!("content/2023/{folder}/index.md"), text.as_bytes());
    }

    #[cfg(unix)]
    fn symlink(&self, target: &Path, rel: &str) {
        let link = self.root().join(rel);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, link).unwrap();
    }

    /// Everything under `outer/`; unless `everything`, without the output, the build's
    /// search-index cache (`.biaogan/`) and the record of published URLs, the only places
    /// `build` may write.
    fn snapshot(&self, everything: bool) -> BTreeMap<PathBuf, Entry> {
        let skip = if everything {
            Vec::new()
        } else {
            vec![
                self.site.public(),
                self.root().join(".biaogan"),
                self.root().join("published-urls.txt"),
            ]
        };
        walkdir::WalkDir::new(self.outer.path())
            .into_iter()
            .filter_entry(|e| !skip.iter().any(|s| e.path().starts_with(s)))
            .map(|e| e.unwrap())
            .map(|e| {
                let entry = if e.path_is_symlink() {
                    Entry::Link(std::fs::read_link(e.path()).unwrap())
                } else if e.file_type().is_dir() {
                    Entry::Dir
                } else {
                    Entry::File {
                        bytes: std::fs::read(e.path()).unwrap(),
                        modified: e.metadata().ok().and_then(|m| m.modified().ok()),
                    }
                };
                (e.path().to_path_buf(), entry)
            })
            .collect()
    }

    /// Runs `biaogan ARGS` and checks the invariants; returns the output and its stderr.
    fn run(&self, args: &[&str]) -> (Output, String) {
        // `check` writes nothing at all.
        let everything = args.first() == Some(&"check");
        let before = self.snapshot(everything);
        let start = Instant::now();
        let output = self.site.run(args);
        let elapsed = start.elapsed();
        let stderr = common::stderr(&self.site, &output);
        let code = output.status.code();
        assert!(
            code == Some(0) || code == Some(1),
            "{args:?} exited {code:?}:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?} panicked:\n{stderr}");
        assert!(elapsed < TIME_LIMIT, "{args:?} took {elapsed:?}");
        let after = self.snapshot(everything);
        let changed: Vec<_> = before
            .keys()
            .chain(after.keys())
            .filter(|path| before.get(*path) != after.get(*path))
            .collect();
        assert!(
            changed.is_empty(),
            "{args:?} changed files it must not touch: {changed:?}"
        );
        self.assert_output_is_clean();
        (output, stderr)
    }

    /// `public/` holds only regular files and directories, none with outside content.
    fn assert_output_is_clean(&self) {
        let public = self.site.public();
        if !public.exists() {
            return;
        }
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        let passwd_line = passwd.lines().find(|l| l.len() > 10).map(str::to_string);
        for entry in walkdir::WalkDir::new(&public) {
            let entry = entry.unwrap();
            assert!(
                !entry.path_is_symlink(),
                "symbolic link in the output: {}",
                entry.path().display()
            );
            if !entry.file_type().is_file() {
                continue;
            }
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(MARKER),
                "{} contains a file from outside the site",
                entry.path().display()
            );
            if let Some(line) = &passwd_line {
                assert!(
                    !text.contains(line.as_str()),
                    "{} contains /etc/passwd",
                    entry.path().display()
                );
            }
        }
    }

    fn build_ok(&self) -> String {
        let (output, stderr) = self.run(&["build"]);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        stderr
    }

    /// `check` and `build` both fail, and the message names `file`.
    fn fails_naming(&self, file: &str) -> String {
        let (check, stderr) = self.run(&["check"]);
        assert_eq!(check.status.code(), Some(1), "check:\n{stderr}");
        assert!(stderr.contains(file), "no mention of {file}:\n{stderr}");
        let (build, build_stderr) = self.run(&["build"]);
        assert_eq!(build.status.code(), Some(1), "build:\n{build_stderr}");
        assert!(!self.site.public().exists(), "a failed build wrote public/");
        stderr
    }
}

#[cfg(unix)]
#[test]
fn case_folder_symlinked_outside_is_skipped_with_a_warning() {
    let site = Hostile::new();
    site.symlink(&site.outside().join("case"), "content/2023/外部公司");
    let stderr = site.build_ok();
    assert!(
        stderr.contains("content/2023/外部公司") && stderr.contains("symbolic link"),
        "{stderr}"
    );
    assert!(!site.site.public().join("2023/wai-bu").exists());
}

#[cfg(unix)]
#[test]
fn year_folder_symlinked_outside_is_skipped() {
    let site = Hostile::new();
    std::fs::create_dir_all(site.outside().join("2022/外部公司")).unwrap();
    std::fs::copy(
        site.outside().join("case/index.md"),
        site.outside().join("2022/外部公司/index.md"),
    )
    .unwrap();
    site.symlink(&site.outside().join("2022"), "content/2022");
    let stderr = site.build_ok();
    assert!(stderr.contains("content/2022"), "{stderr}");
    assert!(!site.site.public().join("2022").exists());
}

#[cfg(unix)]
#[test]
fn asset_symlinks_in_a_bundle_are_not_followed() {
    let site = Hostile::new();
    let bundle = "content/2023/甲方精密机械有限公司";
    site.symlink(Path::new("/etc/passwd"), &format!("{bundle}/passwd.txt"));
    site.symlink(
        &site.outside().join("secret.svg"),
        &format!("{bundle}/secret.svg"),
    );
    site.symlink(&site.outside(), &format!("{bundle}/outside-dir"));
    site.symlink(
        &site.outside().join("secret.txt"),
        "content/files/secret.txt",
    );
    let stderr = site.build_ok();
    for name in [
        "passwd.txt",
        "secret.svg",
        "outside-dir",
        "content/files/secret.txt",
    ] {
        assert!(stderr.contains(name), "no warning about {name}:\n{stderr}");
    }
    let files = site.site.output_files();
    assert!(
        !files
            .keys()
            .any(|k| k.contains("passwd") || k.contains("secret")),
        "{:?}",
        files.keys().collect::<Vec<_>>()
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_asset_referenced_by_the_case_is_an_error() {
    let site = Hostile::new();
    site.case(
        "丙方科技有限公司",
        "",
        "![图](secret.svg)\n\n[密码](passwd.txt)",
    );
    site.symlink(
        &site.outside().join("secret.svg"),
        "content/2023/丙方科技有限公司/secret.svg",
    );
    site.symlink(
        Path::new("/etc/passwd"),
        "content/2023/丙方科技有限公司/passwd.txt",
    );
    let stderr = site.fails_naming("content/2023/丙方科技有限公司/index.md");
    assert!(stderr.contains("secret.svg"), "{stderr}");
}

#[test]
fn image_links_above_the_root_are_errors() {
    let site = Hostile::new();
    site.case(
        "丙方科技有限公司",
        "",
        "![](../../../../etc/passwd)\n\n![](../../../../../outside/secret.svg)\n\n![](%2e%2e/%2e%2e/%2e%2e/etc/passwd)\n\n![](/etc/passwd)\n\n![](file:///etc/passwd)",
    );
    let stderr = site.fails_naming("content/2023/丙方科技有限公司/index.md");
    assert!(stderr.contains("../../../../etc/passwd"), "{stderr}");
    assert!(
        stderr.contains("%2e%2e/%2e%2e/%2e%2e/etc/passwd"),
        "{stderr}"
    );
}

#[test]
fn traversal_in_slugs_is_refused() {
    for slug in [
        "../outside",
        "%2e%2e",
        "..\\\\x",
        "C:\\\\x",
        "/abs",
        "a/../../b",
    ] {
        let site = Hostile::new();
        site.case("丙方科技有限公司", &format!("slug: \"{slug}\"\n"), "正文。");
        let stderr = site.fails_naming("content/2023/丙方科技有限公司/index.md");
        assert!(stderr.contains("slug"), "{slug}: {stderr}");
    }
}

#[test]
fn traversal_in_aliases_is_refused() {
    for alias in [
        "/../../outside/",
        "/2023/../../x/",
        "/%2e%2e/%2e%2e/x/",
        "/%2E%2E%2F%2E%2E%2Fx/",
        "..\\\\..\\\\x",
        "C:\\\\x\\\\",
        "c:/x/",
        "file:///etc/passwd",
        "/x/.../y/",
    ] {
        let site = Hostile::new();
        site.case(
            "丙方科技有限公司",
            &format!("aliases: [\"{alias}\"]\n"),
            "正文。",
        );
        let stderr = site.fails_naming("content/2023/丙方科技有限公司/index.md");
        assert!(stderr.contains("alias"), "{alias}: {stderr}");
    }
}

#[test]
fn markdown_file_at_the_size_limit_builds_and_one_byte_more_fails() {
    let limit = biaogan::content::MAX_FILE_BYTES as usize;
    let head = "---\ntitle: 大文件\nenterprise: 丙方科技有限公司\nyear: 2023\nregion: kaifeng\narea: digital\nsummary: 摘要。\n---\n\n";
    let paragraph = "质量管理体系持续改进，数字化追溯覆盖全流程。\n\n";
    let mut text = String::from(head);
    while text.len() + paragraph.len() <= limit {
        text.push_str(paragraph);
    }
    while text.len() < limit {
        text.push('a');
    }
    assert_eq!(text.len(), limit);

    let site = Hostile::new();
    site.write("content/2023/丙方科技有限公司/index.md", text.as_bytes());
    site.build_ok();
    assert!(site
        .site
        .public()
        .join("2023/bing-fang-ke-ji/index.html")
        .is_file());

    let site = Hostile::new();
    text.push('a');
    site.write("content/2023/丙方科技有限公司/index.md", text.as_bytes());
    let stderr = site.fails_naming("content/2023/丙方科技有限公司/index.md");
    assert!(stderr.contains("too-large"), "{stderr}");
}

#[test]
fn a_file_of_nul_bytes_is_an_error() {
    let site = Hostile::new();
    site.write("content/2023/丙方科技有限公司/index.md", &[0u8; 4096]);
    site.write("content/nul.md", &[0u8; 10]);
    let stderr = site.fails_naming("content/2023/丙方科技有限公司/index.md");
    assert!(stderr.contains("content/nul.md"), "{stderr}");
}

#[test]
fn bom_and_crlf_front_matter_builds() {
    let site = Hostile::new();
    let text = "\u{feff}---\r\ntitle: 带BOM的经验\r\nenterprise: 丙方科技有限公司\r\nyear: 2023\r\nregion: kaifeng\r\narea: digital\r\ntags: [甲, 乙]\r\nsummary: 摘要。\r\n---\r\n\r\n## 主要做法\r\n\r\n正文[链接](../yi-fang-shi-pin/)。\r\n";
    site.write("content/2023/丙方科技有限公司/index.md", text.as_bytes());
    site.build_ok();
    let page = site.site.read("2023/bing-fang-ke-ji/index.html");
    assert!(page.contains("带BOM的经验"), "title parsed");
    assert!(!page.contains('\u{feff}'), "no BOM in the output");
}

#[test]
fn utf16_files_are_errors_naming_the_encoding() {
    let site = Hostile::new();
    let text = "---\ntitle: 经验\nenterprise: 丙方科技有限公司\nyear: 2023\nregion: kaifeng\narea: digital\nsummary: 摘要。\n---\n正文\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    site.write("content/2023/丙方科技有限公司/index.md", &le);
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    site.write("content/about.md", &be);
    let stderr = site.fails_naming("content/2023/丙方科技有限公司/index.md");
    assert!(stderr.contains("content/about.md"), "{stderr}");
    assert!(stderr.contains("UTF-16"), "{stderr}");
}

#[test]
fn five_thousand_nested_blockquotes_build() {
    let site = Hostile::new();
    site.case(
        "丙方科技有限公司",
        "",
        &format!("{}深层引用 <b>粗</b>", "> ".repeat(5_000)),
    );
    site.build_ok();
    let page = site.site.read("2023/bing-fang-ke-ji/index.html");
    assert!(page.contains("深层引用"));
}

#[test]
fn deep_yaml_and_alias_bombs_fail_quickly() {
    let site = Hostile::new();
    let mut bomb = String::from("private:\n  a: &a [x, x, x, x, x, x, x, x, x]\n");
    let mut previous = "a".to_string();
    for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
        bomb.push_str(&format!(
            "  {name}: &{name} [{}]\n",
            vec![format!("*{previous}"); 9].join(", ")
        ));
        previous = name.to_string();
    }
    site.case("丙方科技有限公司", &bomb, "正文。");
    site.case(
        "丁方科技有限公司",
        &format!("tags: {}\n", "[".repeat(3_000_000)),
        "正文。",
    );
    let stderr = site.fails_naming("content/2023/丙方科技有限公司/index.md");
    assert!(
        stderr.contains("content/2023/丁方科技有限公司/index.md"),
        "{stderr}"
    );
}
