//! Static export of the tantivy index for `templates/static/search.js`.
//!
//! Every file is a classic script `window.__biaogan_shard("<name>",<JSON>);` so that the
//! same files load over http(s) and from `file://` (browsers refuse `fetch` on `file://` but
//! run `<script src>`); one format means one code path and no duplicated bytes. Files, all
//! under `public/search/`:
//!
//! * `meta.js`: format version, document count `N`, average document file size `D`, per-field token totals `tot` (tantivy's
//!   average field norm is `tot / N`), the separator marker's document frequency per field
//!   `sep`, boosts, bucket count `S`, facet shard size `FS`, facet value dictionaries and
//!   labels, and the few `idf` values whose `f32` logarithm on this machine differs from a
//!   correctly rounded one (`idfx`).
//! * `t/<b>.js`: term bucket `b = fnv1a32(code points of term) mod S` → an object
//!   `{term: entry}`; an entry is either `[[field, docs, positions?], …]` inline or, for a
//!   term whose postings exceed [`ExportOptions::big_term_bytes`], `[n, q, s, dfs?]`:
//!   postings in `p/<n>.js` (`[[field, docs], …]`), positions in `q/<n>.js` (`[[field,
//!   positions], …]`, `q` bytes, loaded only for phrases; `q` is 0 and the file left out
//!   for a term without positions, one of the unigram fields only), flags in `s/<n>.js` when `s` is 1,
//!   and for a bigram its document frequency per bigram field (`dfs`, for phrases whose first
//!   results leave its postings unloaded: see `first_page.rs`). Fields are
//!   numbered 0–4 for the bigram fields and 5–9 for the unigram fields, in `TEXT_FIELDS`
//!   order.
//! * Flags, `[[field, sep, end], …]`: `sep` marks the positions that the separator marker
//!   follows (for quoted phrases with a separator), `end` the positions of a bigram that ends
//!   its run of Chinese characters. A bucket file is `{"t": {term: entry}, "r": {term:
//!   flags}}`: the flags of its inline terms beside their entries; `s/<n>.js` holds the flags
//!   of big term `n`. The run-end flags let the browser skip
//!   the positions of an expensive interior bigram `b[k]` of a phrase: `b[k-1]` at `p` not
//!   ending its run and `b[k+1]` at `p + 2` imply `b[k]` at `p + 1`.
//! * `docs` strings are base-64 VLQ numbers, per posting: doc delta (from −1), term
//!   frequency − 1, field-norm id (tantivy's `u8` code). `positions` strings hold, per
//!   posting in the same order, the first position, then for each next one its distance
//!   to the previous one − 1; flag strings the index deltas (from −1) of the flagged
//!   positions in that list.
//! * Positions are tantivy's. The separator marker term (`tokenizer::SEPARATOR`) is not
//!   exported as a term: its postings are as large as the text. Its document frequency per
//!   field is in `meta.js` (`sep`, for the idf of phrases that contain it) and its positions
//!   become the flags above: "marker at p + 1" is "the token at p is flagged".
//! * `f/<k>.js`: facets of documents `k·FS … k·FS+FS−1`: `[[year, area, region,
//!   [industries], [methods], [tags], date], …]`, the facets as indices into the
//!   dictionaries in `meta.js`, `date` the document's `date_key` (`YYYYMMDD`, the key of
//!   `sort=date`). Loaded for the candidates of a query before its results when filters or
//!   `sort=date` need them, otherwise after the first results, for the facet counts.
//! * `d/<n>.js`: document `n`: `{u, t, e, y, a, r, k, s, g, b}` (url, title, enterprise,
//!   year, area, region, date key, summary, headings joined by `\n`, body): everything a
//!   result card shows, so that the first results need no facet shard, and every text field
//!   whole, so that the first results of a long Chinese phrase are verified from the texts
//!   the cards load anyway instead of from positions (see `first_page`).
//!
//! Documents are numbered by URL rank, so equal scores order by document number in the
//! browser exactly as by URL in [`SearchIndex::search`].

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, TermInfo};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::termdict::TermStreamer;
use tantivy::{DocAddress, DocSet, InvertedIndexReader, Searcher, TantivyDocument, TERMINATED};

use crate::fs::Output;

use super::index::{SearchIndex, FORMAT};
use super::tokenizer::{continuing_bigrams, is_bigram, SEPARATOR};
use super::{SearchError, BOOSTS, FACETS, TEXT_FIELDS};

const VLQ: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Knobs of the static export.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// Display names of facet values: facet (`area`, `region`, …) → id → name. Values
    /// without a label are shown as they are.
    pub labels: BTreeMap<String, BTreeMap<String, String>>,
    /// Documents per facet shard `f/<k>.js`.
    pub docs_per_facet_shard: usize,
    /// Average number of terms per bucket `t/<b>.js` (sets the bucket count).
    pub terms_per_bucket: usize,
    /// Postings larger than this (encoded bytes) get their own `p/`/`q/` files.
    pub big_term_bytes: usize,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            labels: BTreeMap::new(),
            docs_per_facet_shard: 512,
            terms_per_bucket: 32,
            big_term_bytes: 1024,
        }
    }
}

/// What [`export_to`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportStats {
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Documents exported.
    pub docs: usize,
    /// Distinct terms (over all fields).
    pub terms: usize,
    /// Term buckets (`t/` files).
    pub buckets: usize,
    /// Terms with their own postings files (`p/` and `q/`).
    pub big_terms: usize,
}

/// FNV-1a over the Unicode code points of `term` (the bucket hash; `search.js` has the same).
pub(crate) fn term_hash(term: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for c in term.chars() {
        h ^= c as u32;
        h = h.wrapping_mul(16_777_619);
    }
    h
}

fn vlq(mut v: u32, out: &mut String) {
    loop {
        let d = v & 31;
        v >>= 5;
        if v == 0 {
            out.push(VLQ[d as usize] as char);
            return;
        }
        out.push(VLQ[(d | 32) as usize] as char);
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The export's directories, below its prefix.
const SUBDIRS: [&str; 6] = ["t", "p", "q", "s", "d", "f"];

/// Where the export's files go: `output` below `prefix` (`search/` in a site).
#[derive(Clone, Copy)]
struct Dest<'a> {
    output: &'a Output,
    prefix: &'a str,
}

/// Writes files and counts them.
struct Out<'a> {
    dest: Dest<'a>,
    files: usize,
    bytes: u64,
}

impl Out<'_> {
    /// Writes shard `name` and returns its size in bytes.
    fn write(&mut self, name: &str, data: &str) -> Result<u64, SearchError> {
        let (files, bytes) = write_shard(self.dest, name, data)?;
        self.files += files;
        self.bytes += bytes;
        Ok(bytes)
    }

    /// Writes the shards `(name, data)` on every core.
    fn write_all(&mut self, shards: &[(String, String)]) -> Result<(), SearchError> {
        let dest = self.dest;
        let written: Vec<Result<(usize, u64), SearchError>> = shards
            .par_iter()
            .map(|(name, data)| write_shard(dest, name, data))
            .collect();
        for w in written {
            let (files, bytes) = w?;
            self.files += files;
            self.bytes += bytes;
        }
        Ok(())
    }
}

/// What a shard file holds before its name and after its data.
const SHARD_OPEN: &str = "window.__biaogan_shard(";
const SHARD_CLOSE: &str = ");\n";

/// The text of shard `name` holding `data`.
fn shard_text(name: &str, data: &str) -> String {
    format!("{SHARD_OPEN}{},{data}{SHARD_CLOSE}", json_str(name))
}

/// The size in bytes of [`shard_text`], without making it.
fn shard_len(name: &str, data: &str) -> u64 {
    (SHARD_OPEN.len() + json_str(name).len() + 1 + data.len() + SHARD_CLOSE.len()) as u64
}

fn write_shard(dest: Dest<'_>, name: &str, data: &str) -> Result<(usize, u64), SearchError> {
    let path = format!("{}{name}.js", dest.prefix);
    let text = shard_text(name, data);
    dest.output
        .write(&path, text.as_bytes())
        .map_err(output_error(&path))?;
    Ok((1, text.len() as u64))
}

/// The output's error as this module's: an I/O error keeps its path and cause.
fn output_error(path: &str) -> impl FnOnce(crate::error::Error) -> SearchError + '_ {
    move |error| super::fs_error(error, Path::new(path))
}

/// The natural logarithm as tantivy computes its idf (`f32::ln`), and as a browser does
/// (`Math.fround(Math.log(x))`); they differ only where this machine's `logf` is not
/// correctly rounded.
fn idf_exceptions(n_docs: u64) -> BTreeMap<u64, f64> {
    let mut out = BTreeMap::new();
    for n in 1..=n_docs {
        let x = ((n_docs - n) as f32 + 0.5) / (n as f32 + 0.5);
        let y = 1.0f32 + x;
        let native = y.ln();
        let browser = (y as f64).ln() as f32;
        if native.to_bits() != browser.to_bits() {
            out.insert(n, native as f64);
        }
    }
    out
}

/// Bit marking a position that the separator marker follows.
const SEP_FLAG: u32 = 1 << 31;
/// Bit marking the position of a bigram that ends its run.
const END_FLAG: u32 = 1 << 30;
// `flag_positions` shifts the table's bits onto the flags.
const _: () = assert!((SEP_BIT << 31) as u32 == SEP_FLAG && (END_BIT << 29) as u32 == END_FLAG);

/// Per-field postings of one term: `(doc number, tf, field norm id, start in positions)`;
/// positions have [`SEP_FLAG`] set where the separator marker follows.
#[derive(Default)]
struct TermPostings {
    postings: Vec<(u32, u32, u8, usize)>,
    positions: Vec<u32>,
}

/// One encoded field of a term: field number, document frequency, docs, positions, and the
/// two flag lists.
struct Encoded {
    field: usize,
    doc_freq: usize,
    docs: String,
    positions: Option<String>,
    sep: String,
    end: String,
}

impl TermPostings {
    fn encode(&mut self, field: usize) -> Encoded {
        let with_positions = field < 5;
        self.postings.sort_unstable_by_key(|p| p.0);
        let mut e = Encoded {
            field,
            doc_freq: self.postings.len(),
            docs: String::new(),
            positions: None,
            sep: String::new(),
            end: String::new(),
        };
        let mut pos = String::new();
        let mut prev: i64 = -1;
        let mut index: i64 = 0;
        let (mut last_sep, mut last_end) = (-1i64, -1i64);
        for &(doc, tf, fnid, start) in &self.postings {
            vlq((doc as i64 - prev - 1) as u32, &mut e.docs);
            prev = doc as i64;
            vlq(tf.saturating_sub(1), &mut e.docs);
            vlq(fnid as u32, &mut e.docs);
            if with_positions {
                let mut last: Option<u32> = None;
                for &raw in &self.positions[start..start + tf as usize] {
                    let p = raw & !(SEP_FLAG | END_FLAG);
                    match last {
                        None => vlq(p, &mut pos),
                        Some(l) => vlq(p.saturating_sub(l + 1), &mut pos),
                    }
                    last = Some(p);
                    if raw & SEP_FLAG != 0 {
                        vlq((index - last_sep - 1) as u32, &mut e.sep);
                        last_sep = index;
                    }
                    if raw & END_FLAG != 0 {
                        vlq((index - last_end - 1) as u32, &mut e.end);
                        last_end = index;
                    }
                    index += 1;
                }
            }
        }
        if with_positions {
            e.positions = Some(pos);
        }
        e
    }
}

/// `[[field, sep, end], …]` for the fields of a term that have any flag.
fn flags_json(encoded: &[Encoded]) -> Option<String> {
    let parts: Vec<String> = encoded
        .iter()
        .filter(|e| !e.sep.is_empty() || !e.end.is_empty())
        .map(|e| format!("[{},\"{}\",\"{}\"]", e.field, e.sep, e.end))
        .collect();
    (!parts.is_empty()).then(|| format!("[{}]", parts.join(",")))
}

/// Position bitsets per main field and document number.
struct Bits(Vec<Vec<Vec<u64>>>);

/// Set in a [`FlagTable`] pair where the separator marker follows the token.
const SEP_BIT: u64 = 1;
/// Set in a [`FlagTable`] pair where the token does not continue its run of bigrams.
const END_BIT: u64 = 2;

/// The flags of every position of the main fields, two bits a position ([`SEP_BIT`],
/// [`END_BIT`]), documents one after another in one array per field: reading a posting's
/// flags touches one place instead of two bitsets a document. Built once from the marker
/// and run bitsets, which the term pass would otherwise look up per position.
struct FlagTable {
    fields: Vec<FieldFlags>,
}

struct FieldFlags {
    /// Word range of each document: `start[ord]..start[ord + 1]`.
    start: Vec<usize>,
    words: Vec<u64>,
}

impl FlagTable {
    /// Pairs `(marker at p + 1, bigram at p continues its run)` per field and document.
    fn new(markers: &Bits, continuing: &Bits) -> FlagTable {
        let fields = markers
            .0
            .par_iter()
            .zip(&continuing.0)
            .map(|(markers, continuing)| {
                let mut start = Vec::with_capacity(markers.len() + 1);
                let mut words = Vec::new();
                for (ord, m) in markers.iter().enumerate() {
                    start.push(words.len());
                    let c = continuing.get(ord).map_or(&[][..], Vec::as_slice);
                    for k in 0..2 * m.len().max(c.len()) {
                        let sep = bits32(m, 32 * k + 1);
                        let end = !bits32(c, 32 * k);
                        words.push(spread(sep) | spread(end) << 1);
                    }
                }
                start.push(words.len());
                FieldFlags { start, words }
            })
            .collect();
        FlagTable { fields }
    }

    /// The pairs of document `ord` in main field `field`.
    fn doc(&self, field: usize, ord: u32) -> &[u64] {
        let f = &self.fields[field];
        &f.words[f.start[ord as usize]..f.start[ord as usize + 1]]
    }
}

/// The pair of position `p` in a document's pairs: beyond them, no marker follows and no run
/// continues.
fn flags_at(pairs: &[u64], p: usize) -> u64 {
    pairs
        .get(p / 32)
        .map_or(END_BIT, |w| (w >> (2 * (p % 32))) & 3)
}

/// The 32 bits of bitset `v` from bit `from` on (zeros beyond its end).
fn bits32(v: &[u64], from: usize) -> u32 {
    let (i, shift) = (from / 64, from % 64);
    let lo = v.get(i).copied().unwrap_or(0) >> shift;
    let hi = match shift {
        0 => 0,
        _ => v.get(i + 1).copied().unwrap_or(0) << (64 - shift),
    };
    (lo | hi) as u32
}

/// Bit `i` of `x` at bit `2 i` of the result.
fn spread(x: u32) -> u64 {
    let mut v = u64::from(x);
    v = (v | v << 16) & 0x0000_FFFF_0000_FFFF;
    v = (v | v << 8) & 0x00FF_00FF_00FF_00FF;
    v = (v | v << 4) & 0x0F0F_0F0F_0F0F_0F0F;
    v = (v | v << 2) & 0x3333_3333_3333_3333;
    (v | v << 1) & 0x5555_5555_5555_5555
}

/// Writes the static search index of `index` through `output`, every file below `prefix`
/// (`search/` for a site, ending in `/`; empty for the output's root). The files of an
/// earlier export there are removed first.
pub fn export_to(
    index: &SearchIndex,
    output: &Output,
    prefix: &str,
    opts: &ExportOptions,
) -> Result<ExportStats, SearchError> {
    let dest = Dest { output, prefix };
    for sub in SUBDIRS {
        let dir = format!("{prefix}{sub}");
        output.reset_dir(&dir).map_err(output_error(&dir))?;
    }
    let searcher = index.searcher();
    let mut out = Out {
        dest,
        files: 0,
        bytes: 0,
    };
    let numbers = DocNumbers::read(index, &searcher)?;
    let sources = term_sources(index, &searcher)?;
    let before = out.bytes;
    // Counting the terms is one thread's merge: it runs beside the documents.
    let (documents, distinct) = rayon::join(
        || write_documents(index, &searcher, &numbers.addr_of, &mut out),
        || count_terms(&sources),
    );
    let (doc_facets, continuing) = documents?;
    let distinct = distinct.map_err(index.io_err())?;
    let doc_bytes = (out.bytes - before).div_ceil(numbers.addr_of.len().max(1) as u64);
    let dicts = write_facets(&doc_facets, opts.docs_per_facet_shard.max(1), &mut out)?;
    let (markers, sep_df) = separator_markers(index, &searcher, &numbers.ord_of)?;
    let buckets = (distinct / opts.terms_per_bucket.max(1))
        .max(1)
        .next_power_of_two();
    let flags = FlagTable::new(&markers, &continuing);
    drop((markers, continuing));
    let terms = TermWriter {
        index,
        sources: &sources,
        ord_of: &numbers.ord_of,
        flags: &flags,
        big_term_bytes: opts.big_term_bytes,
        bucket_text: vec![String::new(); buckets],
        bucket_flags: vec![String::new(); buckets],
        big: 0,
    };
    let (bucket_text, bucket_flags, big) = terms.write(&mut out)?;
    write_buckets(&bucket_text, &bucket_flags, &mut out)?;
    let meta = Meta {
        n_docs: numbers.addr_of.len() as u64,
        doc_bytes,
        sep_df,
        buckets,
        docs_per_facet_shard: opts.docs_per_facet_shard.max(1),
        dicts: &dicts,
        labels: &opts.labels,
    };
    meta.write(index, &searcher, &mut out)?;
    Ok(ExportStats {
        files: out.files,
        bytes: out.bytes,
        docs: numbers.addr_of.len(),
        terms: distinct,
        buckets,
        big_terms: big,
    })
}

/// Document numbers (URL rank) of every (segment, doc), and the address of every number.
struct DocNumbers {
    ord_of: Vec<Vec<u32>>,
    addr_of: Vec<DocAddress>,
}

impl DocNumbers {
    fn read(index: &SearchIndex, searcher: &Searcher) -> Result<DocNumbers, SearchError> {
        let mut ord_of: Vec<Vec<u32>> = Vec::new();
        let mut addr_of: Vec<DocAddress> =
            vec![DocAddress::new(0, 0); searcher.num_docs() as usize];
        for (seg, reader) in searcher.segment_readers().iter().enumerate() {
            let col = reader.fast_fields().u64("ord").map_err(index.err())?;
            let mut ords = Vec::with_capacity(reader.max_doc() as usize);
            for doc in 0..reader.max_doc() {
                let ord = col.first(doc).unwrap_or(u64::MAX);
                let slot =
                    addr_of
                        .get_mut(ord as usize)
                        .ok_or_else(|| SearchError::Incompatible {
                            path: index.path().to_path_buf(),
                            reason: format!("document number {ord} out of range"),
                        })?;
                *slot = DocAddress::new(seg as u32, doc);
                ords.push(ord as u32);
            }
            ord_of.push(ords);
        }
        Ok(DocNumbers { ord_of, addr_of })
    }
}

/// Facet values of one document, in [`FACETS`] order (its date key beside them where a pass
/// needs it).
type DocFacets = Vec<Vec<String>>;

/// Pass over the documents: writes `d/<n>.js`, and returns each document's
/// facet values and the run-continuation bits of its bigrams per main field.
fn write_documents(
    index: &SearchIndex,
    searcher: &Searcher,
    addr_of: &[DocAddress],
    out: &mut Out<'_>,
) -> Result<(Vec<(DocFacets, u64)>, Bits), SearchError> {
    let f = &index.fields;
    let dest = out.dest;
    type DocOut = ((DocFacets, u64), Vec<Vec<u64>>, usize, u64);
    let per_doc: Vec<Result<DocOut, SearchError>> = addr_of
        .par_iter()
        .enumerate()
        .map(|(n, &addr)| {
            let doc: TantivyDocument = searcher.doc(addr).map_err(index.err())?;
            let first = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let all = |field: Field| -> Vec<String> {
                doc.get_all(field)
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            };
            let facets: Vec<Vec<String>> = f.facets.iter().map(|&fl| all(fl)).collect();
            let date = doc.get_first(f.date).and_then(|v| v.as_u64()).unwrap_or(0);
            let year: u32 = facets[0].first().and_then(|y| y.parse().ok()).unwrap_or(0);
            let one = |i: usize| facets[i].first().map_or("", String::as_str);
            let data = format!(
                "{{\"u\":{},\"t\":{},\"e\":{},\"y\":{},\"a\":{},\"r\":{},\"k\":{},\"s\":{},\"g\":{},\"b\":{}}}",
                json_str(&first(f.url)),
                json_str(&first(f.text[0])),
                json_str(&first(f.text[1])),
                year,
                json_str(one(1)),
                json_str(one(2)),
                date,
                json_str(&first(f.text[2])),
                json_str(&all(f.text[3]).join("\n")),
                json_str(&first(f.text[4])),
            );
            let (files, bytes) = write_shard(dest, &format!("d/{n}"), &data)?;
            let continuing: Vec<Vec<u64>> = f
                .text
                .iter()
                .map(|&field| {
                    let values = all(field);
                    let mut bits = Vec::new();
                    continuing_bigrams(values.iter().map(String::as_str), &mut bits);
                    bits
                })
                .collect();
            Ok(((facets, date), continuing, files, bytes))
        })
        .collect();
    let mut doc_facets = Vec::with_capacity(per_doc.len());
    let mut continuing = Bits((0..5).map(|_| Vec::with_capacity(per_doc.len())).collect());
    for r in per_doc {
        let (facets, cont, files, bytes) = r?;
        out.files += files;
        out.bytes += bytes;
        doc_facets.push(facets);
        for (fi, bits) in cont.into_iter().enumerate() {
            continuing.0[fi].push(bits);
        }
    }
    Ok((doc_facets, continuing))
}

/// Facet dictionaries (sorted values per facet) and the facet shards `f/<k>.js`, `per_shard`
/// documents each.
fn write_facets(
    doc_facets: &[(DocFacets, u64)],
    per_shard: usize,
    out: &mut Out<'_>,
) -> Result<Vec<BTreeSet<String>>, SearchError> {
    let mut dicts: Vec<BTreeSet<String>> = vec![BTreeSet::new(); FACETS.len()];
    for (facets, _) in doc_facets {
        for (i, values) in facets.iter().enumerate() {
            dicts[i].extend(values.iter().cloned());
        }
    }
    let dict_index: Vec<HashMap<&str, usize>> = dicts
        .iter()
        .map(|d| d.iter().enumerate().map(|(i, v)| (v.as_str(), i)).collect())
        .collect();
    for (k, chunk) in doc_facets.chunks(per_shard).enumerate() {
        let mut s = String::from("[");
        for (j, (facets, date)) in chunk.iter().enumerate() {
            if j > 0 {
                s.push(',');
            }
            s.push('[');
            for (i, values) in facets.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                let ids: Vec<String> = values
                    .iter()
                    .filter_map(|v| dict_index[i].get(v.as_str()).map(|x| x.to_string()))
                    .collect();
                if i < 3 {
                    s.push_str(ids.first().map_or("-1", |x| x.as_str()));
                } else {
                    let _ = write!(s, "[{}]", ids.join(","));
                }
            }
            let _ = write!(s, ",{date}]");
        }
        s.push(']');
        out.write(&format!("f/{k}"), &s)?;
    }
    Ok(dicts)
}

/// Separator markers: bitsets of positions per main field and document, and document
/// frequencies per field.
fn separator_markers(
    index: &SearchIndex,
    searcher: &Searcher,
    ord_of: &[Vec<u32>],
) -> Result<(Bits, [u64; 5]), SearchError> {
    let f = &index.fields;
    let mut markers = Bits(vec![vec![Vec::new(); searcher.num_docs() as usize]; 5]);
    let mut sep_df = [0u64; 5];
    let mut pos_buf: Vec<u32> = Vec::new();
    for (seg, reader) in searcher.segment_readers().iter().enumerate() {
        for (fi, &field) in f.text.iter().enumerate() {
            let inv = reader.inverted_index(field).map_err(index.err())?;
            let term = tantivy::Term::from_field_text(field, SEPARATOR);
            let Some(mut postings) = inv
                .read_postings(&term, IndexRecordOption::WithFreqsAndPositions)
                .map_err(index.io_err())?
            else {
                continue;
            };
            while postings.doc() != TERMINATED {
                let ord = ord_of[seg][postings.doc() as usize] as usize;
                postings.positions(&mut pos_buf);
                let bits = &mut markers.0[fi][ord];
                for &p in &pos_buf {
                    let p = p as usize;
                    if bits.len() <= p / 64 {
                        bits.resize(p / 64 + 1, 0);
                    }
                    bits[p / 64] |= 1 << (p % 64);
                }
                sep_df[fi] += 1;
                postings.advance();
            }
        }
    }
    Ok((markers, sep_df))
}

/// One term dictionary: text field `field` (0–4 bigram, 5–9 unigram fields, in
/// [`TEXT_FIELDS`] order) of segment `seg`.
struct Source {
    seg: usize,
    field: usize,
    inv: Arc<InvertedIndexReader>,
    norms: FieldNormReader,
}

/// The term dictionaries of every text field of every segment.
fn term_sources(index: &SearchIndex, searcher: &Searcher) -> Result<Vec<Source>, SearchError> {
    let fields = text_fields(index);
    let mut sources = Vec::new();
    for (seg, reader) in searcher.segment_readers().iter().enumerate() {
        for (fi, &field) in fields.iter().enumerate() {
            sources.push(Source {
                seg,
                field: fi,
                inv: reader.inverted_index(field).map_err(index.err())?,
                norms: reader.get_fieldnorms_reader(field).map_err(index.err())?,
            });
        }
    }
    Ok(sources)
}

/// The ten text fields: bigram fields, then unigram fields.
fn text_fields(index: &SearchIndex) -> Vec<Field> {
    let f = &index.fields;
    f.text.iter().chain(f.uni.iter()).copied().collect()
}

/// Every term of every source in one stream, in byte order: a k-way merge of the sorted term
/// dictionaries. Each term comes once, with the sources that hold it.
struct TermMerge<'a> {
    streams: Vec<TermStreamer<'a>>,
    heap: BinaryHeap<Reverse<(Vec<u8>, usize)>>,
    /// The sources of the current term, advanced past it by the next call.
    current: Vec<usize>,
}

impl<'a> TermMerge<'a> {
    fn new(sources: &'a [Source]) -> std::io::Result<TermMerge<'a>> {
        let mut streams = Vec::with_capacity(sources.len());
        for source in sources {
            streams.push(source.inv.terms().stream()?);
        }
        let mut heap = BinaryHeap::new();
        for (i, stream) in streams.iter_mut().enumerate() {
            if stream.advance() {
                heap.push(Reverse((stream.key().to_vec(), i)));
            }
        }
        Ok(TermMerge {
            streams,
            heap,
            current: Vec::new(),
        })
    }

    /// The next term; [`TermMerge::current`] and [`TermMerge::term_info`] describe it until
    /// the next call.
    fn next_term(&mut self) -> Option<Vec<u8>> {
        for i in std::mem::take(&mut self.current) {
            if self.streams[i].advance() {
                self.heap.push(Reverse((self.streams[i].key().to_vec(), i)));
            }
        }
        let Reverse((key, first)) = self.heap.pop()?;
        self.current.push(first);
        while self.heap.peek().is_some_and(|Reverse((k, _))| *k == key) {
            if let Some(Reverse((_, i))) = self.heap.pop() {
                self.current.push(i);
            }
        }
        Some(key)
    }

    /// The sources holding the current term, in source order.
    fn current(&self) -> &[usize] {
        &self.current
    }

    /// Where source `i` keeps the postings of the current term.
    fn term_info(&self, i: usize) -> &TermInfo {
        self.streams[i].value()
    }
}

/// Pass 1 over the merged terms: how many distinct terms there are (to size the buckets).
fn count_terms(sources: &[Source]) -> std::io::Result<usize> {
    let mut merge = TermMerge::new(sources)?;
    let mut distinct = 0;
    while merge.next_term().is_some() {
        distinct += 1;
    }
    Ok(distinct)
}

/// Pass 2 over the merged terms: reads each term's postings in every field, encodes them,
/// writes big terms to their own files and fills the buckets.
struct TermWriter<'a> {
    index: &'a SearchIndex,
    sources: &'a [Source],
    ord_of: &'a [Vec<u32>],
    flags: &'a FlagTable,
    big_term_bytes: usize,
    bucket_text: Vec<String>,
    bucket_flags: Vec<String>,
    big: usize,
}

/// Terms read and encoded together: their postings are decoded on every core, then placed
/// in term order (bucket order and big-term numbers do not depend on the threads).
const TERMS_PER_CHUNK: usize = 4_096;

/// A term of the merged stream and where each of its sources keeps its postings.
struct PendingTerm {
    key: Vec<u8>,
    infos: Vec<(usize, TermInfo)>,
}

/// A term's encoded postings, one entry per field that has any.
struct EncodedTerm {
    term: String,
    fields: Vec<Encoded>,
}

/// The next [`TERMS_PER_CHUNK`] terms of `merge` (fewer at its end, none past it).
fn next_chunk(merge: &mut TermMerge<'_>) -> Vec<PendingTerm> {
    let mut chunk = Vec::with_capacity(TERMS_PER_CHUNK);
    while chunk.len() < TERMS_PER_CHUNK {
        let Some(key) = merge.next_term() else {
            break;
        };
        let infos = merge
            .current()
            .iter()
            .map(|&i| (i, merge.term_info(i).clone()))
            .collect();
        chunk.push(PendingTerm { key, infos });
    }
    chunk
}

impl TermWriter<'_> {
    /// Runs the pass; returns the term buckets, the flag buckets and the number of big terms.
    ///
    /// The merged stream is cut into chunks of [`TERMS_PER_CHUNK`] terms; each chunk's
    /// postings are read and encoded in parallel ([`TermWriter::encode_term`]) while the next
    /// chunk is merged, then placed one by one in stream order ([`TermWriter::place_term`]),
    /// and the big terms' files of the chunk are written in parallel.
    fn write(
        mut self,
        out: &mut Out<'_>,
    ) -> Result<(Vec<String>, Vec<String>, usize), SearchError> {
        let mut merge = TermMerge::new(self.sources).map_err(self.index.io_err())?;
        let fields = text_fields(self.index).len();
        let mut next = next_chunk(&mut merge);
        loop {
            let chunk = next;
            if chunk.is_empty() {
                break;
            }
            // The merge is one thread's work: the next chunk is merged while this one is
            // encoded.
            let (encoded, following) = rayon::join(
                || -> Vec<Result<Option<EncodedTerm>, SearchError>> {
                    chunk
                        .par_iter()
                        .map_init(
                            || (Vec::new(), Vec::new()),
                            |(per_field, pos_buf), pending| {
                                per_field.resize_with(fields, TermPostings::default);
                                self.encode_term(pending, per_field, pos_buf)
                            },
                        )
                        .collect()
                },
                || next_chunk(&mut merge),
            );
            next = following;
            let mut files: Vec<(String, String)> = Vec::new();
            for term in encoded {
                if let Some(term) = term? {
                    self.place_term(term, &mut files);
                }
            }
            out.write_all(&files)?;
        }
        Ok((self.bucket_text, self.bucket_flags, self.big))
    }

    /// Reads `pending`'s postings from each of its sources and encodes them per field;
    /// `None` for the separator marker (its positions are flags) and for keys that are not
    /// UTF-8.
    fn encode_term(
        &self,
        pending: &PendingTerm,
        per_field: &mut [TermPostings],
        pos_buf: &mut Vec<u32>,
    ) -> Result<Option<EncodedTerm>, SearchError> {
        let Ok(term) = std::str::from_utf8(&pending.key) else {
            return Ok(None);
        };
        if term == SEPARATOR {
            return Ok(None);
        }
        for tp in per_field.iter_mut() {
            tp.postings.clear();
            tp.positions.clear();
        }
        let bigram = is_bigram(term);
        for (i, info) in &pending.infos {
            self.read_postings(*i, info, bigram, per_field, pos_buf)?;
        }
        let fields = per_field
            .iter_mut()
            .enumerate()
            .filter(|(_, tp)| !tp.postings.is_empty())
            .map(|(fi, tp)| tp.encode(fi))
            .collect();
        Ok(Some(EncodedTerm {
            term: term.to_string(),
            fields,
        }))
    }

    /// Appends the postings of source `i` (at `info`) to its field's list, positions
    /// flagged.
    fn read_postings(
        &self,
        i: usize,
        info: &TermInfo,
        bigram: bool,
        per_field: &mut [TermPostings],
        pos_buf: &mut Vec<u32>,
    ) -> Result<(), SearchError> {
        let source = &self.sources[i];
        let fi = source.field;
        let with_pos = fi < 5;
        let option = if with_pos {
            IndexRecordOption::WithFreqsAndPositions
        } else {
            IndexRecordOption::WithFreqs
        };
        let mut postings = source
            .inv
            .read_postings_from_terminfo(info, option)
            .map_err(self.index.io_err())?;
        let tp = &mut per_field[fi];
        let first = tp.postings.len();
        while postings.doc() != TERMINATED {
            let doc = postings.doc();
            let tf = postings.term_freq();
            let start = tp.positions.len();
            let ord = self.ord_of[source.seg][doc as usize];
            if with_pos {
                postings.positions(pos_buf);
                if pos_buf.last().is_some_and(|&p| p >= END_FLAG) {
                    return Err(SearchError::Incompatible {
                        path: self.index.path().to_path_buf(),
                        reason: format!("document {ord} has more than 2^30 tokens"),
                    });
                }
                tp.positions.extend_from_slice(pos_buf);
            }
            tp.postings
                .push((ord, tf, source.norms.fieldnorm_id(doc), start));
            postings.advance();
        }
        if with_pos {
            let wanted = if bigram { SEP_BIT | END_BIT } else { SEP_BIT };
            self.flag_positions(fi, wanted, tp, first);
        }
        Ok(())
    }

    /// Sets the flags of the positions of `tp`'s postings from `first` on. A pass of its own
    /// after the positions are read: the flag lookups of consecutive positions do not depend
    /// on one another, so the processor overlaps their cache misses (the flags of a field
    /// span megabytes), which it cannot while decoding positions in between.
    fn flag_positions(&self, fi: usize, wanted: u64, tp: &mut TermPostings, first: usize) {
        let TermPostings {
            postings,
            positions,
        } = tp;
        for (k, &(ord, _, _, start)) in postings.iter().enumerate().skip(first) {
            let end = postings.get(k + 1).map_or(positions.len(), |next| next.3);
            let pairs = self.flags.doc(fi, ord);
            for p in &mut positions[start..end] {
                let pair = flags_at(pairs, *p as usize) & wanted;
                *p |= ((pair & SEP_BIT) << 31 | (pair & END_BIT) << 29) as u32;
            }
        }
    }

    /// Places `term` in its bucket, inline or, if its postings are big, as a reference to
    /// its own files, which are added to `files` (name, data) for the caller to write.
    fn place_term(&mut self, term: EncodedTerm, files: &mut Vec<(String, String)>) {
        let EncodedTerm {
            term,
            fields: encoded,
        } = term;
        if encoded.is_empty() {
            return;
        }
        let size: usize = encoded
            .iter()
            .map(|e| e.docs.len() + e.positions.as_ref().map_or(0, String::len))
            .sum();
        let b = (term_hash(&term) as usize) & (self.bucket_text.len() - 1);
        let flags = flags_json(&encoded);
        let bt = &mut self.bucket_text[b];
        bt.push(if bt.is_empty() { '{' } else { ',' });
        bt.push_str(&json_str(&term));
        bt.push(':');
        if size > self.big_term_bytes {
            let n = self.big;
            self.big += 1;
            let mut p = String::from("[");
            let mut q = String::from("[");
            for e in &encoded {
                if p.len() > 1 {
                    p.push(',');
                }
                let _ = write!(p, "[{},\"{}\"]", e.field, e.docs);
                if let Some(pos) = &e.positions {
                    if q.len() > 1 {
                        q.push(',');
                    }
                    let _ = write!(q, "[{},\"{pos}\"]", e.field);
                }
            }
            p.push(']');
            q.push(']');
            // A term of the unigram fields only (a single character) has no positions:
            // `q` 0 and no file, where `search.js` would load an empty list.
            let q_bytes = if encoded.iter().any(|e| e.positions.is_some()) {
                let q_name = format!("q/{n}");
                let bytes = shard_len(&q_name, &q);
                files.push((q_name, q));
                bytes
            } else {
                0
            };
            let _ = write!(bt, "[{n},{q_bytes},{}", u8::from(flags.is_some()));
            write_bigram_doc_freqs(&encoded, bt);
            bt.push(']');
            files.push((format!("p/{n}"), p));
            if let Some(flags) = flags {
                files.push((format!("s/{n}"), flags));
            }
        } else {
            bt.push('[');
            for (j, e) in encoded.iter().enumerate() {
                if j > 0 {
                    bt.push(',');
                }
                let _ = write!(bt, "[{},\"{}\"", e.field, e.docs);
                if let Some(pos) = &e.positions {
                    let _ = write!(bt, ",\"{pos}\"");
                }
                bt.push(']');
            }
            bt.push(']');
            if let Some(flags) = &flags {
                let bf = &mut self.bucket_flags[b];
                bf.push(if bf.is_empty() { '{' } else { ',' });
                let _ = write!(bf, "{}:{flags}", json_str(&term));
            }
        }
    }
}

/// Appends `,[df0,…]` to a big term's bucket entry: its document frequency in each bigram
/// field (0–4, trailing zeros left out), which stands in for its postings when a phrase's
/// first results leave them unloaded. Nothing for a term of the unigram fields.
fn write_bigram_doc_freqs(encoded: &[Encoded], out: &mut String) {
    let mut dfs = [0usize; 5];
    for e in encoded.iter().filter(|e| e.field < 5) {
        dfs[e.field] = e.doc_freq;
    }
    let Some(last) = dfs.iter().rposition(|&df| df > 0) else {
        return;
    };
    out.push_str(",[");
    for (f, df) in dfs[..=last].iter().enumerate() {
        if f > 0 {
            out.push(',');
        }
        let _ = write!(out, "{df}");
    }
    out.push(']');
}

/// Writes the term buckets `t/<b>.js`: `{"t": {term: entry}, "r": {term: flags}}`, the
/// flags of the bucket's inline terms beside their entries.
fn write_buckets(
    bucket_text: &[String],
    bucket_flags: &[String],
    out: &mut Out<'_>,
) -> Result<(), SearchError> {
    let object = |text: &str| {
        if text.is_empty() {
            "{}".to_string()
        } else {
            format!("{text}}}")
        }
    };
    let shards: Vec<(String, String)> = bucket_text
        .par_iter()
        .zip(bucket_flags.par_iter())
        .enumerate()
        .map(|(i, (text, flags))| {
            let data = format!("{{\"t\":{},\"r\":{}}}", object(text), object(flags));
            (format!("t/{i}"), data)
        })
        .collect();
    out.write_all(&shards)
}

/// What `meta.js` says besides the index's own statistics.
struct Meta<'a> {
    n_docs: u64,
    /// Average size of a document file `d/<n>.js`, in bytes.
    doc_bytes: u64,
    sep_df: [u64; 5],
    buckets: usize,
    docs_per_facet_shard: usize,
    dicts: &'a [BTreeSet<String>],
    labels: &'a BTreeMap<String, BTreeMap<String, String>>,
}

impl Meta<'_> {
    /// Writes `meta.js`.
    fn write(
        &self,
        index: &SearchIndex,
        searcher: &Searcher,
        out: &mut Out<'_>,
    ) -> Result<(), SearchError> {
        let mut totals = Vec::new();
        for field in text_fields(index) {
            let mut total = 0u64;
            for reader in searcher.segment_readers() {
                total += reader
                    .inverted_index(field)
                    .map_err(index.err())?
                    .total_num_tokens();
            }
            totals.push(total);
        }
        let facet_json: Vec<String> = FACETS
            .iter()
            .zip(self.dicts)
            .map(|(name, d)| {
                let values: Vec<String> = d.iter().map(|v| json_str(v)).collect();
                format!("{}:[{}]", json_str(name), values.join(","))
            })
            .collect();
        let labels = serde_json::to_string(self.labels).unwrap_or_else(|_| "{}".to_string());
        let idfx: Vec<String> = idf_exceptions(self.n_docs)
            .iter()
            .map(|(n, v)| format!("\"{n}\":{v:?}"))
            .collect();
        let (n_docs, buckets, fs) = (self.n_docs, self.buckets, self.docs_per_facet_shard);
        let doc_bytes = self.doc_bytes;
        let meta = format!(
            "{{\"v\":{FORMAT},\"N\":{n_docs},\"D\":{doc_bytes},\"sep\":[{}],\"S\":{buckets},\"FS\":{fs},\"tot\":[{}],\"boost\":[{}],\"fields\":[{}],\"facets\":{{{}}},\"labels\":{labels},\"idfx\":{{{}}}}}",
            self.sep_df.iter().map(u64::to_string).collect::<Vec<_>>().join(","),
            totals.iter().map(u64::to_string).collect::<Vec<_>>().join(","),
            BOOSTS.iter().map(|b| format!("{b:?}")).collect::<Vec<_>>().join(","),
            TEXT_FIELDS.iter().map(|n| json_str(n)).collect::<Vec<_>>().join(","),
            facet_json.join(","),
            idfx.join(","),
        );
        out.write("meta", &meta)?;
        Ok(())
    }
}

/// Which interior terms of a phrase `search.js` matches without loading their positions:
/// term `k` qualifies when it and both neighbours are bigrams at consecutive offsets and it
/// is big (`weights[k]`, the size of its positions file, is > 0); no two skipped terms are
/// adjacent; the choice maximizes the skipped bytes (ties: skip less, decided left to
/// right). `search.js` has the same function.
pub(crate) fn omitted(terms: &[(usize, String)], weights: &[u64]) -> Vec<bool> {
    let m = terms.len();
    let eligible = |k: usize| {
        k > 0
            && k + 1 < m
            && weights[k] > 0
            && (k - 1..=k + 1).all(|j| is_bigram(&terms[j].1))
            && terms[k].0 == terms[k - 1].0 + 1
            && terms[k + 1].0 == terms[k].0 + 1
    };
    let mut best = vec![0u64; m];
    let mut take = vec![false; m];
    for k in 0..m {
        let b1 = if k > 0 { best[k - 1] } else { 0 };
        let b2 = if k > 1 { best[k - 2] } else { 0 };
        take[k] = eligible(k) && b2 + weights[k] > b1;
        best[k] = if take[k] { b2 + weights[k] } else { b1 };
    }
    let mut omit = vec![false; m];
    let mut k = m.saturating_sub(1);
    while k > 0 {
        if take[k] {
            omit[k] = true;
            k = k.saturating_sub(2);
        } else {
            k -= 1;
        }
    }
    omit
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shard_len_is_the_size_of_the_shard_text() {
        for (name, data) in [
            ("q/0", "[]"),
            ("q/12345", "[[0,\"AAB\"]]"),
            ("t/7", "{\"质量\":1}"),
        ] {
            assert_eq!(shard_len(name, data), shard_text(name, data).len() as u64);
        }
    }

    fn bit(v: &[u64], p: usize) -> bool {
        v.get(p / 64).is_some_and(|w| w & (1 << (p % 64)) != 0)
    }

    proptest! {
        /// Every position's pair is (marker at p + 1, run not continued at p), also past the
        /// end of both bitsets, for documents of any length side by side.
        #[test]
        fn pairs_equal_the_bitsets_they_come_from(
            docs in prop::collection::vec(
                (prop::collection::vec(any::<u64>(), 0..4), prop::collection::vec(any::<u64>(), 0..4)),
                1..5,
            )
        ) {
            let markers = Bits(vec![docs.iter().map(|d| d.0.clone()).collect()]);
            let continuing = Bits(vec![docs.iter().map(|d| d.1.clone()).collect()]);
            let table = FlagTable::new(&markers, &continuing);
            for (ord, (m, c)) in docs.iter().enumerate() {
                let pairs = table.doc(0, ord as u32);
                for p in 0..64 * (m.len().max(c.len()) + 2) {
                    let want = u64::from(bit(m, p + 1)) * SEP_BIT + u64::from(!bit(c, p)) * END_BIT;
                    prop_assert_eq!(flags_at(pairs, p), want, "document {} position {}", ord, p);
                }
            }
        }
    }

    #[test]
    fn spread_puts_bit_i_at_2i() {
        assert_eq!(spread(0b1011), 0b100_0101);
        assert_eq!(spread(u32::MAX), 0x5555_5555_5555_5555);
        assert_eq!(
            bits32(&[u64::MAX << 40, 0b101], 40),
            u32::MAX >> 8 | 0b101 << 24
        );
    }
}
