//! Property tests of the front matter stage: `front_matter::split` and the YAML parse of a
//! case (`YamlSource::parse::<CaseMeta>`), on arbitrary bytes and on valid front matter with
//! hostile values. Properties: never panic, finish in bounded time, and every diagnostic
//! names the file and points at a line of it.
//!
//! 256 cases per property by default; `PROPTEST_CASES=100000` for a long run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use biaogan::content::front_matter::{self, CaseMeta, WorkshopMeta};
use biaogan::yaml::{YamlSource, MAX_YAML_BRACKETS};
use biaogan::Diagnostic;
use proptest::prelude::*;

const FILE: &str = "content/2023/甲方/index.md";

/// Time one input may take: 2 s optimized, generous in debug builds (unoptimized libyaml).
fn bound() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(20)
    } else {
        Duration::from_secs(2)
    }
}

/// What loading does with a case file, minus the file system: split, then parse.
fn parse_case(text: &str) -> Option<Result<CaseMeta, Diagnostic>> {
    let split = front_matter::split(text).ok()?;
    assert!(split.yaml_first_line >= 1 && split.body_first_line > split.yaml_first_line);
    assert!(
        text.ends_with(split.body),
        "the body is the end of the file"
    );
    let source = YamlSource {
        file: Path::new(FILE),
        file_text: text,
        text: split.yaml,
        first_line: split.yaml_first_line,
    };
    let result = source.parse::<CaseMeta>("case front matter");
    // The located messages `load` builds for a key's value must be safe for every key.
    for key in ["title", "year", "region", "aliases", "private", "tags"] {
        let diagnostic = source.key_diagnostic("test", key, format!("about `{key}`"));
        check_diagnostic(text, &diagnostic);
    }
    Some(result)
}

/// A diagnostic names the file and, when located, points inside it; rendering never panics.
fn check_diagnostic(text: &str, diagnostic: &Diagnostic) {
    assert_eq!(diagnostic.file, Path::new(FILE));
    assert!(!diagnostic.message.is_empty());
    let lines = text.lines().count().max(1);
    assert!(
        diagnostic.line <= lines,
        "line {} of a {lines}-line file: {diagnostic}",
        diagnostic.line
    );
    if diagnostic.line > 0 {
        assert!(diagnostic.column >= 1, "column 0: {diagnostic}");
        let line_chars = text
            .lines()
            .nth(diagnostic.line - 1)
            .map_or(0, |l| l.chars().count());
        assert!(
            diagnostic.column <= line_chars + 1,
            "column {} of a {line_chars}-character line: {diagnostic}",
            diagnostic.column
        );
        assert!(diagnostic.source_line.is_some(), "{diagnostic}");
    }
    let rendered = diagnostic.render(false);
    assert!(rendered.contains("index.md"), "{rendered}");
}

fn check_text(text: &str) {
    let start = Instant::now();
    if let Some(Err(diagnostic)) = parse_case(text) {
        check_diagnostic(text, &diagnostic);
    }
    let elapsed = start.elapsed();
    assert!(elapsed < bound(), "{elapsed:?} for {} bytes", text.len());
}

/// Valid front matter of a case, as (key, value) lines.
fn valid_lines() -> Vec<(&'static str, String)> {
    vec![
        ("title", "基于统计过程控制的关键工序质量提升经验".into()),
        ("enterprise", "甲方精密机械有限公司".into()),
        ("year", "2023".into()),
        ("number", "1".into()),
        ("region", "zhengzhou".into()),
        ("area", "key-process".into()),
        ("industry", "[equipment]".into()),
        ("methods", "[spc, 六西格玛]".into()),
        ("tags", "[首件检验, SPC]".into()),
        ("summary", "甲方公司运用统计过程控制稳定关键工序。".into()),
        ("date", "2023-09-15".into()),
        ("aliases", "[/2023/old/]".into()),
        (
            "private",
            "\n  contact: 张三\n  credit_code: \"91410100MA00000122\"\n  profit: {2020: 100, 2021: 120, 2022: 130}".into(),
        ),
    ]
}

/// Values of the wrong type, out of range, or otherwise hostile.
fn hostile_value() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "",
        "~",
        "null",
        "true",
        "yes",
        "-1",
        "0",
        "99999",
        "65536",
        "-0",
        "0x7E7",
        "0o17",
        "1e400",
        "-1e400",
        ".nan",
        ".inf",
        "99999999999999999999999999999999999999",
        "18446744073709551616",
        "[]",
        "{}",
        "[a, [b, [c]]]",
        "{a: 1}",
        "{2020: x}",
        "!!binary aGVsbG8=",
        "!!str 2023",
        "!!int \"x\"",
        "!custom x",
        "*undefined",
        "&a x",
        "&a [*a]",
        "\"\\u0000\"",
        "\"\\uD800\"",
        "\"\\x\"",
        "'unclosed",
        "\"unclosed",
        "|\n  block\n  scalar",
        ">-\n  folded",
        "- a\n- b",
        "\n  nested: {deep: [1, 2, {x: y}]}",
        "a: b: c",
        "? complex\n: key",
        "\t tab",
        "@reserved",
        "`reserved",
        "%TAG ! tag:x,2000:",
        "---",
        "...",
        "#comment",
        "\u{feff}",
        "河南省郑州市",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        4 => fixed,
        1 => "[ -~\u{4e00}-\u{4e20}]{0,40}",
        1 => (1usize..300).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n))),
        1 => (1usize..300).prop_map(|n| "{a: ".repeat(n)),
        1 => (1usize..200).prop_map(|n| "- ".repeat(n) + "x"),
        1 => (1usize..2000).prop_map(|n| "x".repeat(n)),
        1 => (1usize..100).prop_map(|n| format!("\"{}\"", "\\\\".repeat(n))),
    ]
}

/// One change to valid front matter.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, String),
    Remove(usize),
    Duplicate(usize),
    AddKey(String, String),
    Indent(usize, String),
    Raw(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let index = 0usize..13;
    prop_oneof![
        4 => (index.clone(), hostile_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        1 => index.clone().prop_map(Mutation::Remove),
        1 => index.clone().prop_map(Mutation::Duplicate),
        1 => ("[a-z_<>*&!-]{1,8}", hostile_value()).prop_map(|(k, v)| Mutation::AddKey(k, v)),
        1 => (index.clone(), prop::sample::select(vec![" ", "  ", "\t", " \t"]))
            .prop_map(|(i, s)| Mutation::Indent(i, s.to_string())),
        1 => (index, "[\\x00-\\x7f\u{3000}-\u{3010}]{0,30}").prop_map(|(i, s)| Mutation::Raw(i, s)),
    ]
}

/// Valid front matter with mutations applied, a body, and optional BOM / CRLF.
fn mutated_case() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(mutation(), 0..4),
        any::<bool>(),
        any::<bool>(),
        "[^\u{0}]{0,200}",
    )
        .prop_map(|(mutations, bom, crlf, body)| {
            let mut lines: Vec<String> = valid_lines()
                .into_iter()
                .map(|(k, v)| {
                    if v.starts_with('\n') {
                        format!("{k}:{v}")
                    } else {
                        format!("{k}: {v}")
                    }
                })
                .collect();
            let keys: Vec<&str> = valid_lines().iter().map(|(k, _)| *k).collect();
            for mutation in mutations {
                let len = lines.len();
                if len == 0 {
                    break;
                }
                match mutation {
                    Mutation::Replace(i, v) => {
                        let key = keys.get(i % keys.len()).copied().unwrap_or("title");
                        lines[i % len] = format!("{key}: {v}");
                    }
                    Mutation::Remove(i) => {
                        lines.remove(i % len);
                    }
                    Mutation::Duplicate(i) => {
                        let line = lines[i % len].clone();
                        lines.push(line);
                    }
                    Mutation::AddKey(k, v) => lines.insert(len / 2, format!("{k}: {v}")),
                    Mutation::Indent(i, s) => lines[i % len] = format!("{s}{}", lines[i % len]),
                    Mutation::Raw(i, s) => lines[i % len] = s,
                }
            }
            let mut text = format!("---\n{}\n---\n\n{body}\n", lines.join("\n"));
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            if bom {
                text.insert(0, '\u{feff}');
            }
            text
        })
}

proptest! {
    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check_text(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_bytes_inside_front_matter(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let text = format!("---\n{}\n---\nbody\n", String::from_utf8_lossy(&bytes));
        check_text(&text);
    }

    #[test]
    fn yaml_like_text(yaml in "[\\[\\]{}:,?&*!|>'\"#%@`\\- \\t\\r\\na-z0-9\u{4e00}\u{3002}\u{feff}]{0,600}") {
        check_text(&format!("---\n{yaml}\n---\n"));
    }

    #[test]
    fn split_never_panics_and_keeps_lines(text in "(---|\\.\\.\\.|\r|\n|\u{feff}|[a-z: ]){0,60}") {
        if let Ok(split) = front_matter::split(&text) {
            let without_bom = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let before_body = &without_bom[..without_bom.len() - split.body.len()];
            if !split.body.is_empty() {
                prop_assert_eq!(before_body.matches('\n').count() + 1, split.body_first_line);
            }
            prop_assert!(without_bom.contains(split.yaml));
        }
    }

    #[test]
    fn valid_front_matter_with_hostile_values(text in mutated_case()) {
        check_text(&text);
    }
}

#[test]
fn unmutated_front_matter_parses() {
    let lines: Vec<String> = valid_lines()
        .into_iter()
        .map(|(k, v)| {
            if v.starts_with('\n') {
                format!("{k}:{v}")
            } else {
                format!("{k}: {v}")
            }
        })
        .collect();
    let text = format!("\u{feff}---\r\n{}\r\n---\r\nbody\r\n", lines.join("\r\n"));
    let meta = parse_case(&text).unwrap().unwrap();
    assert_eq!(meta.year, 2023);
    assert_eq!(meta.tags, ["首件检验", "SPC"]);
}

fn bomb(indent: &str) -> String {
    let mut yaml = format!(
        "{indent}a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    );
    let mut previous = "a";
    for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
        let refs = vec![format!("*{previous}"); 9].join(",");
        yaml.push_str(&format!("{indent}{name}: &{name} [{refs}]\n"));
        previous = name;
    }
    yaml
}

const BASE: &str = "title: t\nenterprise: e\nyear: 2023\nregion: r\narea: a\nsummary: s\n";

/// A "billion laughs" alias bomb (9⁹ strings once expanded) is refused quickly, wherever it
/// sits: at the top level, under `private:` (kept as `serde_yaml::Value`) and in a list key.
#[test]
fn billion_laughs_is_bounded() {
    let bomb_tags = {
        let mut yaml = String::from(BASE);
        yaml.push_str("tags: &t [x, x, x, x, x, x, x, x, x]\n");
        yaml.push_str("methods: [*t, *t, *t, *t, *t, *t, *t, *t, *t]\n");
        yaml
    };
    for (name, yaml) in [
        ("top level", format!("{BASE}{}", bomb(""))),
        ("private", format!("{BASE}private:\n{}", bomb("  "))),
        (
            "private other",
            format!("{BASE}private:\n  lol: {}", bomb("    ").trim_start()),
        ),
        ("list key", bomb_tags),
    ] {
        let text = format!("---\n{yaml}---\n");
        let start = Instant::now();
        let result = parse_case(&text).unwrap();
        let elapsed = start.elapsed();
        assert!(elapsed < bound(), "{name}: {elapsed:?}");
        if let Err(diagnostic) = &result {
            check_diagnostic(&text, diagnostic);
        } else if name != "list key" {
            panic!("{name}: the bomb was accepted");
        }
    }
    let text = format!("---\n{BASE}private:\n{}---\n", bomb("  "));
    let message = parse_case(&text).unwrap().unwrap_err().message;
    assert!(message.contains("repetition limit"), "{message}");
    // Expanded, the bomb would be 387 million strings; the whole process stays far below.
    if let Some(peak) = peak_memory_kib() {
        assert!(peak < 1024 * 1024, "peak memory {peak} KiB");
    }
}

/// The process's peak resident memory (Linux), in KiB.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Deep nesting: libyaml's scanner is quadratic in the flow depth, so nested brackets beyond
/// [`MAX_YAML_BRACKETS`] are refused before parsing, with a located message.
#[test]
fn deep_nesting_is_bounded() {
    let huge = 5 * 1024 * 1024;
    for (name, yaml, code) in [
        (
            "flow sequences",
            format!("{BASE}private:\n  x: {}\n", "[".repeat(huge)),
            "too-large",
        ),
        (
            "just over the bracket limit",
            format!(
                "{BASE}private:\n  x: {}{}\n",
                "[".repeat(MAX_YAML_BRACKETS + 1),
                "]".repeat(MAX_YAML_BRACKETS + 1)
            ),
            "yaml-too-deep",
        ),
        (
            "at the bracket limit",
            format!(
                "{BASE}private:\n  x: {}{}\n",
                "[".repeat(MAX_YAML_BRACKETS),
                "]".repeat(MAX_YAML_BRACKETS)
            ),
            "yaml-syntax",
        ),
        (
            "flow maps",
            format!("{BASE}private:\n  x: {}\n", "{a: ".repeat(50_000)),
            "yaml-too-deep",
        ),
        (
            "block sequences",
            format!("{BASE}private:\n  x: {}y\n", "- ".repeat(50_000)),
            "yaml-syntax",
        ),
    ] {
        let text = format!("---\n{yaml}---\n");
        let start = Instant::now();
        let diagnostic = parse_case(&text).unwrap().unwrap_err();
        let elapsed = start.elapsed();
        assert!(elapsed < bound(), "{name}: {elapsed:?}");
        check_diagnostic(&text, &diagnostic);
        assert_eq!(diagnostic.code, code, "{name}: {}", diagnostic.message);
    }
}

/// The worst case the bracket limit admits: every token of a 1 MiB front matter at the
/// deepest allowed level.
#[test]
fn deepest_allowed_nesting_with_many_tokens_is_bounded() {
    let depth = MAX_YAML_BRACKETS - 1;
    let filler = "a,".repeat((biaogan::yaml::MAX_YAML_BYTES - 2 * depth - 200) / 2);
    let yaml = format!(
        "{BASE}private:\n  x: {}{filler}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert!(yaml.len() <= biaogan::yaml::MAX_YAML_BYTES);
    let text = format!("---\n{yaml}---\n");
    let start = Instant::now();
    let result = parse_case(&text).unwrap();
    let elapsed = start.elapsed();
    eprintln!("{} bytes at depth {depth}: {elapsed:?}", yaml.len());
    assert!(elapsed < bound(), "{elapsed:?}");
    check_diagnostic(&text, &result.unwrap_err());
}

/// Other kinds of front matter go through the same parser; one smoke test that the limits
/// apply to them too.
#[test]
fn limits_apply_to_every_kind() {
    let yaml = format!("title: t\ncases: {}\n", "[".repeat(MAX_YAML_BRACKETS + 5));
    let text = format!("---\n{yaml}---\n");
    let source = YamlSource {
        file: Path::new(FILE),
        file_text: &text,
        text: &yaml,
        first_line: 2,
    };
    let diagnostic = source
        .parse::<WorkshopMeta>("workshop front matter")
        .unwrap_err();
    assert_eq!(diagnostic.code, "yaml-too-deep");
    assert_eq!(diagnostic.line, 3);
    assert_eq!(diagnostic.column, 8 + MAX_YAML_BRACKETS);
    check_diagnostic(&text, &diagnostic);
}
