//! The build cache under `.biaogan/cache/`: results of expensive, pure steps, keyed by a
//! fingerprint of everything they depend on, so that a build with nothing changed skips the
//! work and a build after an edit redoes only what the edit touched.
//!
//! - Markdown: one file per rendered body (`markdown/<key>.bin`), key = the body text.
//! - Pages: the manifest of the last build (`output.bin`): for each page, the fingerprint of its
//!   template set and full template context. A page whose fingerprint is unchanged is
//!   hard-linked from the previous output instead of rendered.
//! - Search: the fingerprint of the search documents the index, related cases and static
//!   export were made from, with the related cases themselves.
//!
//! Every fingerprint includes [`BUILD_ID`] (a hash of biaogan's own sources), so a cache
//! written by another biaogan is never trusted. The cache is an optimisation only: a missing,
//! unreadable or corrupt file is a miss, and the output is byte-identical either way (a test
//! compares an incremental build with a cold one).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::markdown::Rendered;

/// Identifies the biaogan that wrote a cache: a hash of its sources and lock file.
pub const BUILD_ID: &str = env!("BIAOGAN_SOURCE_HASH");

/// The cache directory of the site at `root`.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(".biaogan").join("cache")
}

/// A 128-bit fingerprint.
pub type Key = u128;

/// Incremental fingerprinting; starts from [`BUILD_ID`] and a domain name.
pub struct Fingerprinter(Xxh3);

impl Fingerprinter {
    /// A fingerprint for values of one kind (`domain`), e.g. `"page"`.
    pub fn new(domain: &str) -> Fingerprinter {
        let mut hasher = Xxh3::new();
        hasher.update(BUILD_ID.as_bytes());
        hasher.update(&[0]);
        hasher.update(domain.as_bytes());
        hasher.update(&[0]);
        Fingerprinter(hasher)
    }

    /// Adds bytes, length-prefixed so that `("ab", "c")` and `("a", "bc")` differ.
    pub fn add(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds the JSON serialization of `value`.
    pub fn add_json<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        self.buffered(|out| serde_json::to_writer(out, value).map_err(std::io::Error::other));
        self.0.update(&[0]);
        self
    }

    /// Adds a JSON value by walking it: each node's kind, each string's length and bytes,
    /// each number's exact bits. Equal values add equal bytes and unequal ones never do, and
    /// nothing is escaped or formatted on the way (every page's template context is
    /// fingerprinted at each build; [`Fingerprinter::add_json`] of the same value costs about
    /// twice as much).
    pub fn add_value(&mut self, value: &serde_json::Value) -> &mut Self {
        self.buffered(|out| write_value(out, value))
    }

    /// Adds what `write` writes. serde_json and [`write_value`] write in many small pieces
    /// (each key, quote and comma); the hasher takes them in buffer-sized blocks instead,
    /// which gives the same digest. Writing into the hasher cannot fail; a value that cannot
    /// be written adds a marker instead, which only costs a cache miss.
    fn buffered(
        &mut self,
        write: impl FnOnce(&mut HashBuffer<'_>) -> std::io::Result<()>,
    ) -> &mut Self {
        let mut buffered = std::io::BufWriter::with_capacity(HASH_BUFFER, &mut *self);
        let written = write(&mut buffered).is_ok();
        let flushed = buffered.flush().is_ok();
        drop(buffered);
        if !(written && flushed) {
            self.0.update(b"\0unserializable");
        }
        self
    }

    /// Adds `items` in chunks of `chunk` on every core: each chunk's JSON serialization is
    /// fingerprinted on its own and the chunks' fingerprints are added in order.
    pub fn add_json_chunks<T: Serialize + Sync>(&mut self, items: &[T], chunk: usize) -> &mut Self {
        use rayon::prelude::*;
        let keys: Vec<Key> = items
            .par_chunks(chunk.max(1))
            .map(|c| Fingerprinter::new("chunk").add_json(c).finish())
            .collect();
        self.add(&(items.len() as u64).to_le_bytes());
        for key in keys {
            self.add(&key.to_le_bytes());
        }
        self
    }

    /// The fingerprint.
    pub fn finish(&self) -> Key {
        self.0.digest128()
    }
}

impl Write for Fingerprinter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The size of the buffer [`Fingerprinter::buffered`] puts in front of the hasher.
const HASH_BUFFER: usize = 16 * 1024;

/// A buffer in front of a fingerprint.
type HashBuffer<'a> = std::io::BufWriter<&'a mut Fingerprinter>;

/// The fingerprint of `entries`, name and value pairs in the order given, in the encoding of
/// [`Fingerprinter::add_value`]. For the keys of an in-memory cache that is asked often for
/// small values: one thread-local buffer and one hash call, where setting up a
/// [`Fingerprinter`] and its buffer would cost more than the hashing.
pub fn entries_key<'a>(entries: impl IntoIterator<Item = (&'a str, &'a serde_json::Value)>) -> Key {
    thread_local! {
        static BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BYTES.with_borrow_mut(|bytes| {
        bytes.clear();
        for (name, value) in entries {
            bytes.extend_from_slice(&(name.len() as u64).to_le_bytes());
            bytes.extend_from_slice(name.as_bytes());
            // Writing into a `Vec` cannot fail.
            let _ = write_value(bytes, value);
        }
        let key = xxhash_rust::xxh3::xxh3_128(bytes);
        if bytes.capacity() > HASH_BUFFER {
            // One large value does not keep its buffer for the rest of the thread's life.
            *bytes = Vec::new();
        }
        key
    })
}

/// Writes `value` in a prefix-free encoding: a kind byte, then for strings, arrays and objects
/// their length (so `["ab"]` and `["a", "b"]` differ), for numbers their bits.
fn write_value(out: &mut impl Write, value: &serde_json::Value) -> std::io::Result<()> {
    use serde_json::Value;
    let kind = |out: &mut dyn Write, kind: u8, n: u64| {
        out.write_all(&[kind])?;
        out.write_all(&n.to_le_bytes())
    };
    let text = |out: &mut dyn Write, text: &str| {
        kind(out, b's', text.len() as u64)?;
        out.write_all(text.as_bytes())
    };
    match value {
        Value::Null => out.write_all(b"n"),
        Value::Bool(b) => out.write_all(if *b { b"t" } else { b"f" }),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => kind(out, b'u', u),
            (None, Some(i)) => kind(out, b'i', i as u64),
            (None, None) => kind(out, b'd', n.as_f64().unwrap_or(f64::NAN).to_bits()),
        },
        Value::String(s) => text(out, s),
        Value::Array(items) => {
            kind(out, b'a', items.len() as u64)?;
            items.iter().try_for_each(|item| write_value(out, item))
        }
        Value::Object(map) => {
            kind(out, b'o', map.len() as u64)?;
            map.iter().try_for_each(|(key, item)| {
                text(out, key)?;
                write_value(out, item)
            })
        }
    }
}

/// Writes `bytes` to `path` through a temporary file with a name of its own, so a crash never
/// leaves half a file and threads storing the same entry never share a temporary file.
fn write_atomically(path: &Path, bytes: &[u8]) -> crate::error::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::fs::create_dir_all(dir)?;
    let io = |source| crate::error::Error::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    };
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Rendered Markdown bodies by the fingerprint of their text.
#[derive(Debug)]
pub struct MarkdownCache {
    dir: PathBuf,
    used: Mutex<HashSet<Key>>,
}

impl MarkdownCache {
    /// The Markdown cache of the cache directory `cache`.
    pub fn new(cache: &Path) -> MarkdownCache {
        MarkdownCache {
            dir: cache.join("markdown"),
            used: Mutex::new(HashSet::new()),
        }
    }

    fn path(&self, key: Key) -> PathBuf {
        self.dir.join(format!("{key:032x}.bin"))
    }

    /// The cached rendering of `text`, or `render()` (then stored).
    pub fn get_or_render(&self, text: &str, render: impl FnOnce() -> Rendered) -> Rendered {
        let key = Fingerprinter::new("markdown").add(text.as_bytes()).finish();
        self.used
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key);
        let path = self.path(key);
        if let Some(rendered) = crate::fs::read(&path)
            .ok()
            .and_then(|bytes| bincode::deserialize::<Rendered>(&bytes).ok())
        {
            return rendered;
        }
        let rendered = render();
        if let Ok(bytes) = bincode::serialize(&rendered) {
            // A cache that cannot be written only makes the next build slower.
            let _ = write_atomically(&path, &bytes);
        }
        rendered
    }

    /// Removes the entries this build did not use (edited or deleted bodies).
    pub fn prune(&self) {
        let used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        let Ok(Some(entries)) = crate::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries {
            let name = entry.file_name();
            let keep = name
                .to_str()
                .and_then(|n| n.strip_suffix(".bin"))
                .and_then(|hex| Key::from_str_radix(hex, 16).ok())
                .is_some_and(|key| used.contains(&key));
            if !keep {
                let _ = crate::fs::remove_file(&entry.path());
            }
        }
    }
}

impl crate::markdown::RenderCache for MarkdownCache {
    fn get_or_render(&self, text: &str, render: &dyn Fn() -> Rendered) -> Rendered {
        MarkdownCache::get_or_render(self, text, render)
    }
}

/// What the last successful build wrote: the record that lets the next build reuse files.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct OutputManifest {
    /// The output directory, as given.
    pub out: PathBuf,
    /// Fingerprint of the search documents behind `search/` in that output.
    pub search: Option<Key>,
    /// Page path → fingerprint of its template set and context.
    pub pages: HashMap<String, Key>,
}

const MANIFEST_FILE: &str = "output.bin";

impl OutputManifest {
    /// The manifest in `cache`, if it describes the output directory `out`.
    pub fn load(cache: &Path, out: &Path) -> Option<OutputManifest> {
        let bytes = crate::fs::read(&cache.join(MANIFEST_FILE)).ok()?;
        let manifest: OutputManifest = bincode::deserialize(&bytes).ok()?;
        (manifest.out == out).then_some(manifest)
    }

    /// Stores the manifest in `cache` (best effort: a cache that cannot be written only makes
    /// the next build slower).
    pub fn save(&self, cache: &Path) {
        if let Ok(bytes) = bincode::serialize(self) {
            let _ = write_atomically(&cache.join(MANIFEST_FILE), &bytes);
        }
    }

    /// Forgets the manifest, before the output it describes is replaced.
    pub fn remove(cache: &Path) {
        let _ = crate::fs::remove_file(&cache.join(MANIFEST_FILE));
    }
}

/// Pages of the previous output that may be reused, and the fingerprints of this build's.
#[derive(Debug)]
pub struct PageReuse {
    previous_out: PathBuf,
    previous: HashMap<String, Key>,
    current: Mutex<HashMap<String, Key>>,
    theme: Key,
}

impl PageReuse {
    /// Reuse from `previous` (may be empty), whose pages are in `previous_out`; `theme` is
    /// the fingerprint of the template set.
    pub fn new(previous_out: PathBuf, previous: HashMap<String, Key>, theme: Key) -> PageReuse {
        PageReuse {
            previous_out,
            previous,
            current: Mutex::new(HashMap::new()),
            theme,
        }
    }

    /// The fingerprint of a page rendered with `template` from `context`.
    pub fn key(&self, template: &str, context: &serde_json::Value) -> Key {
        Fingerprinter::new("page")
            .add(&self.theme.to_le_bytes())
            .add(template.as_bytes())
            .add_value(context)
            .finish()
    }

    /// Records that `path` was produced with fingerprint `key`; returns the previous output's
    /// copy of it when that was produced with the same fingerprint.
    pub fn previous_file(&self, path: &str, key: Key) -> Option<PathBuf> {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_string(), key);
        (self.previous.get(path) == Some(&key))
            .then(|| crate::fs::join_relative(&self.previous_out, path))
            .flatten()
    }

    /// The fingerprints of this build's pages.
    pub fn into_pages(self) -> HashMap<String, Key> {
        self.current.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_separate_fields_and_domains() {
        let ab_c = Fingerprinter::new("x").add(b"ab").add(b"c").finish();
        let a_bc = Fingerprinter::new("x").add(b"a").add(b"bc").finish();
        let other = Fingerprinter::new("y").add(b"ab").add(b"c").finish();
        assert_ne!(ab_c, a_bc);
        assert_ne!(ab_c, other);
        assert_eq!(ab_c, Fingerprinter::new("x").add(b"ab").add(b"c").finish());
    }

    #[test]
    fn json_fingerprints_do_not_depend_on_the_buffer() {
        // Larger than the buffer, with escapes: the digest is that of the JSON text.
        let value = serde_json::json!({ "body": "质量\"<管理>\n".repeat(5_000), "n": [1, 2] });
        let mut direct = Fingerprinter::new("x");
        direct.0.update(&serde_json::to_vec(&value).unwrap());
        direct.0.update(&[0]);
        assert_eq!(
            Fingerprinter::new("x").add_json(&value).finish(),
            direct.finish()
        );
    }

    #[test]
    fn value_fingerprints_tell_kinds_and_boundaries_apart() {
        use serde_json::json;
        let key = |v: &serde_json::Value| Fingerprinter::new("x").add_value(v).finish();
        let values = [
            json!({ "a": "1" }),
            json!({ "a": 1 }),
            json!({ "a": -1 }),
            json!({ "a": 1.5 }),
            json!({ "a": true }),
            json!({ "a": null }),
            json!({ "a": [] }),
            json!({ "a": {} }),
            json!({ "b": "1" }),
            json!(["ab"]),
            json!(["a", "b"]),
            json!([["a"], "b"]),
            json!([]),
            json!(""),
        ];
        for (i, a) in values.iter().enumerate() {
            assert_eq!(key(a), key(&a.clone()), "{a}");
            for b in &values[i + 1..] {
                assert_ne!(key(a), key(b), "{a} and {b}");
            }
        }
    }

    #[test]
    fn entry_keys_follow_names_values_and_order() {
        use serde_json::json;
        let (one, two, ab) = (json!(1), json!("2"), json!("ab"));
        let key = entries_key([("a", &one), ("b", &two)]);
        assert_eq!(key, entries_key([("a", &one), ("b", &two)]));
        assert_ne!(key, entries_key([("b", &two), ("a", &one)]));
        assert_ne!(key, entries_key([("a", &one), ("c", &two)]));
        assert_ne!(key, entries_key([("a", &one), ("b", &one)]));
        assert_ne!(key, entries_key([("a", &one)]));
        // Names and values do not run into each other.
        assert_ne!(
            entries_key([("a", &ab)]),
            entries_key([("ab", &json!("b"))])
        );
        // A value larger than the kept buffer, then small ones: the same keys as ever.
        let big = json!("标杆".repeat(HASH_BUFFER));
        let before = entries_key([("a", &one)]);
        assert_ne!(entries_key([("a", &big)]), before);
        assert_eq!(entries_key([("a", &one)]), before);
    }

    #[test]
    fn value_fingerprints_do_not_depend_on_the_buffer() {
        // Strings longer than the buffer and many small pieces around them.
        let value = serde_json::json!({
            "body": "质量\"<管理>\n".repeat(5_000),
            "n": (0..3_000).collect::<Vec<u32>>(),
            "cards": vec![serde_json::json!({ "title": "标杆", "year": 2023 }); 500],
        });
        let walked = |capacity| {
            let mut fingerprint = Fingerprinter::new("x");
            let mut out = std::io::BufWriter::with_capacity(capacity, &mut fingerprint);
            write_value(&mut out, &value).unwrap();
            out.flush().unwrap();
            drop(out);
            fingerprint.finish()
        };
        assert_eq!(walked(1), walked(HASH_BUFFER));
        assert_eq!(walked(7), walked(1 << 20));
        assert_eq!(
            walked(HASH_BUFFER),
            Fingerprinter::new("x").add_value(&value).finish()
        );
    }

    #[test]
    fn chunked_fingerprints_follow_the_items_and_their_order() {
        let items: Vec<String> = (0..1_000).map(|i| format!("第{i}号")).collect();
        let key = |items: &[String]| Fingerprinter::new("x").add_json_chunks(items, 64).finish();
        assert_eq!(key(&items), key(&items.clone()));
        let mut swapped = items.clone();
        swapped.swap(10, 900);
        assert_ne!(key(&items), key(&swapped));
        assert_ne!(key(&items), key(&items[..999]));
    }

    #[test]
    fn markdown_cache_renders_once_and_prunes() {
        let dir = tempfile::tempdir().unwrap();
        let cache = MarkdownCache::new(dir.path());
        let rendered = Rendered {
            html: "<p>一</p>".into(),
            ..Rendered::default()
        };
        assert_eq!(cache.get_or_render("一", || rendered.clone()), rendered);
        let again = MarkdownCache::new(dir.path());
        let cached = again.get_or_render("一", || panic!("rendered twice"));
        assert_eq!(cached, rendered);
        // A build that no longer has the body drops it.
        let later = MarkdownCache::new(dir.path());
        later.get_or_render("二", Rendered::default);
        later.prune();
        assert_eq!(
            std::fs::read_dir(dir.path().join("markdown"))
                .unwrap()
                .count(),
            1
        );
    }

    #[test]
    fn corrupt_entries_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let cache = MarkdownCache::new(dir.path());
        cache.get_or_render("三", Rendered::default);
        for entry in std::fs::read_dir(dir.path().join("markdown")).unwrap() {
            std::fs::write(entry.unwrap().path(), b"\xff\xff\xff").unwrap();
        }
        let fresh = Rendered {
            html: "x".into(),
            ..Rendered::default()
        };
        assert_eq!(
            MarkdownCache::new(dir.path()).get_or_render("三", || fresh.clone()),
            fresh
        );
    }

    #[test]
    fn manifest_belongs_to_one_output_directory() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = OutputManifest {
            out: PathBuf::from("public"),
            search: Some(7),
            pages: HashMap::from([("index.html".to_string(), 1)]),
        };
        manifest.save(dir.path());
        assert!(OutputManifest::load(dir.path(), Path::new("public")).is_some());
        assert!(OutputManifest::load(dir.path(), Path::new("elsewhere")).is_none());
        OutputManifest::remove(dir.path());
        assert!(OutputManifest::load(dir.path(), Path::new("public")).is_none());
    }
}
