//! The layering of ARCHITECTURE.md, checked against the code: every top-level module of
//! `src/` belongs to one layer, imports (`crate::…` paths outside comments) only from its
//! own layer or the ones below, and no two modules import each other, directly or round a
//! longer loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod common;

/// The layers, lowest first, as ARCHITECTURE.md's bird's-eye view draws them.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "lower",
        &[
            "error",
            "suggest",
            "escape",
            "slug",
            "yaml",
            "site_path",
            "fs",
            "cancel",
            "lock",
            "vocab",
        ],
    ),
    ("input", &["config", "markdown", "content", "scaffold"]),
    ("rules", &["taxonomy", "check", "published"]),
    (
        "output",
        &["cache", "search", "summary", "compilation", "render"],
    ),
    ("pipeline", &["pipeline"]),
    ("on top", &["build", "serve", "cli"]),
];

/// Top-level module of a file below `src/` (`content/load.rs` → `content`); `None` for the
/// crate roots, which only declare modules.
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_string())
}

/// The code of a Rust file without its comments (`//…` to the end of the line, `/* … */`);
/// string literals are kept, which is harmless here: no string in `src/` spells a path.
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |i| &after[i..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |i| &after[i + 2..]);
        } else {
            let ch = rest.chars().next().unwrap_or(' ');
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
    }
    out
}

/// The top-level modules a piece of code names through `crate::`: `crate::a::b`,
/// `crate::a`, and every first name of a group `crate::{a::x, b, c::{…}}`.
fn crate_references(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let after = code[at + "crate::".len()..].trim_start();
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 0usize;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        let name = ident(&group[i..]);
                        if !name.is_empty() {
                            found.insert(name);
                        }
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(after);
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// Module → the other top-level modules it names.
fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (relative, bytes) in common::files_below(&src) {
        let relative = Path::new(&relative);
        if relative.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Some(module) = module_of(relative) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let names = crate_references(&without_comments(&text));
        let entry = graph.entry(module.clone()).or_default();
        entry.extend(names.into_iter().filter(|n| *n != module));
    }
    graph
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

#[test]
fn the_reference_parser_reads_paths_and_groups() {
    let code = "use crate::{config::Site, fs,\n  markdown::{self, Renderer}};\nlet x = crate::vocab::find();";
    let names: Vec<String> = crate_references(code).into_iter().collect();
    assert_eq!(names, ["config", "fs", "markdown", "vocab"]);
    assert_eq!(
        without_comments("a // crate::x\nb /* crate::y */ c"),
        "a \nb  c"
    );
}

#[test]
fn every_module_has_a_layer_and_imports_only_its_own_or_lower_layers() {
    let graph = import_graph();
    let mut problems = Vec::new();
    for (module, imports) in &graph {
        let Some(own) = layer_of(module) else {
            problems.push(format!(
                "src/{module} is in no layer: add it to LAYERS here and to ARCHITECTURE.md"
            ));
            continue;
        };
        for import in imports {
            match layer_of(import) {
                Some(layer) if layer > own => problems.push(format!(
                    "{module} ({}) imports {import} ({}), a higher layer",
                    LAYERS[own].0, LAYERS[layer].0
                )),
                _ => {}
            }
        }
    }
    for (_, modules) in LAYERS {
        for module in *modules {
            if !graph.contains_key(*module) {
                problems.push(format!("LAYERS lists {module}, which src/ does not have"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_two_modules_import_each_other() {
    let graph = import_graph();
    // Depth-first search; a grey module met again closes a loop.
    fn visit<'a>(
        module: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        colour: &mut BTreeMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
        loops: &mut Vec<String>,
    ) {
        colour.insert(module, 1);
        path.push(module);
        for next in graph.get(module).into_iter().flatten() {
            match colour.get(next.as_str()).copied().unwrap_or(0) {
                0 => visit(next, graph, colour, path, loops),
                1 => {
                    let from = path.iter().position(|m| m == next).unwrap_or(0);
                    let mut cycle = path[from..].to_vec();
                    cycle.push(next);
                    loops.push(cycle.join(" → "));
                }
                _ => {}
            }
        }
        path.pop();
        colour.insert(module, 2);
    }
    let mut colour = BTreeMap::new();
    let mut loops = Vec::new();
    for module in graph.keys() {
        if !colour.contains_key(module.as_str()) {
            visit(module, &graph, &mut colour, &mut Vec::new(), &mut loops);
        }
    }
    assert!(loops.is_empty(), "import cycles:\n{}", loops.join("\n"));
}
