//! The tantivy index: schema, building (segments written in parallel), opening and searching.

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use tantivy::columnar::Column;
use tantivy::directory::{Directory, MmapDirectory, RamDirectory};
use tantivy::query::{BoostQuery, EnableScoring, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, STORED, STRING,
};
use tantivy::{
    DocAddress, DocSet, Index, IndexMeta, IndexReader, IndexSettings, ReloadPolicy, Searcher,
    SingleSegmentIndexWriter, TantivyDocument, Term, TERMINATED,
};

use super::query::{parse_query, Clause, FieldKind, ParsedQuery};
use super::snippet::make_snippet;
use super::tokenizer::{BigramTokenizer, UnigramTokenizer, BIGRAM_TOKENIZER, UNIGRAM_TOKENIZER};
use super::{date_key, Filters, Hit, SearchDoc, SearchError, Sort, BOOSTS, FACETS, TEXT_FIELDS};

/// File written into the index directory to mark it as ours (and its format version).
const MARKER: &str = "biaogan-search.json";
/// Format version of the index (bump when the schema or the tokenizers change).
pub(crate) const FORMAT: u32 = 3;

/// Fields of the schema.
#[derive(Clone, Debug)]
pub(crate) struct IndexFields {
    /// Bigram/word fields, in [`TEXT_FIELDS`] order.
    pub text: [Field; 5],
    /// Unigram fields, in [`TEXT_FIELDS`] order.
    pub uni: [Field; 5],
    /// Site-relative URL (stored, raw).
    pub url: Field,
    /// Rank of the URL among all documents (fast): the tie-breaker and the export's doc id.
    pub ord: Field,
    /// [`date_key`] of the document (fast, stored): the key of [`Sort::Date`].
    pub date: Field,
    /// Facet fields in [`FACETS`] order (raw, stored).
    pub facets: [Field; 6],
}

impl IndexFields {
    /// The field a clause searches in text field `i`.
    pub fn for_kind(&self, kind: FieldKind, i: usize) -> Field {
        match kind {
            FieldKind::Main => self.text[i],
            FieldKind::Unigram => self.uni[i],
        }
    }

    fn from_schema(schema: &Schema, path: &Path) -> Result<Self, SearchError> {
        let get = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| SearchError::Incompatible {
                    path: path.to_path_buf(),
                    reason: format!("field `{name}` is missing"),
                })
        };
        let mut text = Vec::new();
        let mut uni = Vec::new();
        for name in TEXT_FIELDS {
            text.push(get(name)?);
            uni.push(get(&format!("{name}_u"))?);
        }
        let mut facets = Vec::new();
        for name in FACETS {
            facets.push(get(name)?);
        }
        let arr5 = |v: Vec<Field>| -> [Field; 5] { [v[0], v[1], v[2], v[3], v[4]] };
        Ok(IndexFields {
            text: arr5(text),
            uni: arr5(uni),
            url: get("url")?,
            ord: get("ord")?,
            date: get("date")?,
            facets: [
                facets[0], facets[1], facets[2], facets[3], facets[4], facets[5],
            ],
        })
    }
}

fn build_schema() -> Schema {
    let mut b = Schema::builder();
    let main = TextFieldIndexing::default()
        .set_tokenizer(BIGRAM_TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let uni = TextFieldIndexing::default()
        .set_tokenizer(UNIGRAM_TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqs);
    for name in TEXT_FIELDS {
        b.add_text_field(
            name,
            TextOptions::default()
                .set_indexing_options(main.clone())
                .set_stored(),
        );
    }
    for name in TEXT_FIELDS {
        b.add_text_field(
            &format!("{name}_u"),
            TextOptions::default().set_indexing_options(uni.clone()),
        );
    }
    b.add_text_field("url", STRING | STORED);
    b.add_u64_field("ord", FAST | STORED);
    b.add_u64_field("date", FAST | STORED);
    for name in FACETS {
        b.add_text_field(name, STRING | STORED);
    }
    b.build()
}

fn register_tokenizers(index: &Index) {
    let m = index.tokenizers();
    m.register(BIGRAM_TOKENIZER, BigramTokenizer::default());
    m.register(UNIGRAM_TOKENIZER, UnigramTokenizer::default());
}

/// Whether `dir` may be replaced by a new index: it is missing or empty, holds an index
/// biaogan finished (its marker), or holds only tantivy's files without the marker, an index
/// whose writing was stopped halfway (an older biaogan wrote `.biaogan/index` in place).
/// A directory with anything else is not ours.
fn check_replaceable(dir: &Path) -> Result<(), SearchError> {
    let Some(entries) = crate::fs::read_dir(dir).map_err(|e| super::fs_error(e, dir))? else {
        return Ok(());
    };
    if dir.join(MARKER).is_file() {
        return Ok(());
    }
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let tantivy_file = matches!(
            name.as_ref(),
            "meta.json" | ".managed.json" | ".tantivy-meta.lock" | ".tantivy-writer.lock"
        ) || name
            .split_once('.')
            .is_some_and(|(id, _)| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()));
        if !tantivy_file || !entry.file_type().is_ok_and(|t| t.is_file()) {
            return Err(SearchError::NotOurs {
                path: dir.to_path_buf(),
            });
        }
    }
    Ok(())
}

fn make_doc(f: &IndexFields, d: &SearchDoc, ord: u64) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    let singles = [&d.title, &d.enterprise, &d.summary];
    for (i, text) in singles.into_iter().enumerate() {
        doc.add_text(f.text[i], text);
        doc.add_text(f.uni[i], text);
    }
    for h in &d.headings {
        doc.add_text(f.text[3], h);
        doc.add_text(f.uni[3], h);
    }
    doc.add_text(f.text[4], &d.body);
    doc.add_text(f.uni[4], &d.body);
    doc.add_text(f.url, &d.url);
    doc.add_u64(f.ord, ord);
    doc.add_u64(f.date, u64::from(date_key(d)));
    doc.add_text(f.facets[0], d.year.to_string());
    doc.add_text(f.facets[1], &d.area);
    doc.add_text(f.facets[2], &d.region);
    for (field, values) in [
        (f.facets[3], &d.industries),
        (f.facets[4], &d.methods),
        (f.facets[5], &d.tags),
    ] {
        for v in values {
            doc.add_text(field, v);
        }
    }
    doc
}

/// (Re)creates the tantivy index for `docs` in `index_dir` (e.g. `.biaogan/index`). Its
/// segments are never merged: scores, results and the export do not depend on them.
///
/// The index is written into a temporary directory next to `index_dir` (`.index-build-…`),
/// its marker last, and then swapped in whole ([`crate::fs::replace_dir`]): a process killed
/// at any point leaves either the previous index or the new one, never a part, and a reader
/// never sees a mix. The temporary directory is removed on failure or cancellation (and, if
/// the process is killed, by the next holder of the site lock, see [`crate::lock`]). A
/// non-empty `index_dir` that biaogan did not create is left alone ([`SearchError::NotOurs`]);
/// one holding a half-written index of an older biaogan is replaced.
pub fn build_index(docs: &[SearchDoc], index_dir: &Path) -> Result<SearchIndex, SearchError> {
    build_index_from(docs, index_dir)
}

/// [`build_index`] taking the documents: each is freed as soon as the index writer has its
/// copy (at 10,000 cases the documents hold ~250 MB of text).
pub fn build_index_owned(
    docs: Vec<SearchDoc>,
    index_dir: &Path,
) -> Result<SearchIndex, SearchError> {
    build_index_from(docs, index_dir)
}

fn build_index_from<D: Borrow<SearchDoc> + Send>(
    docs: impl Documents<D>,
    index_dir: &Path,
) -> Result<SearchIndex, SearchError> {
    let ords = url_ranks(docs.slice())?;
    check_replaceable(index_dir)?;
    let parent = index_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    crate::fs::create_dir_all(parent).map_err(|e| super::fs_error(e, parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".index-build-")
        .tempdir_in(parent)
        .map_err(SearchError::io(parent))?;
    write_index_dir(docs, &ords, staging.path())?;
    let staged = staging.keep();
    if let Err(error) = crate::fs::replace_dir(&staged, index_dir) {
        let _ = crate::fs::remove_dir_all(&staged);
        return Err(super::fs_error(error, index_dir));
    }
    SearchIndex::open(index_dir)
}

/// Writes the index for `docs` into the empty directory `index_dir`, the marker last.
fn write_index_dir<D: Borrow<SearchDoc> + Send>(
    docs: impl Documents<D>,
    ords: &[u64],
    index_dir: &Path,
) -> Result<(), SearchError> {
    let directory = MmapDirectory::open(index_dir).map_err(|e| SearchError::Tantivy {
        path: index_dir.to_path_buf(),
        source: e.into(),
    })?;
    write_index(docs, ords, directory, index_dir)?;
    let marker = index_dir.join(MARKER);
    let text = serde_json::json!({ "format": FORMAT }).to_string();
    crate::fs::write(&marker, text.as_bytes()).map_err(|e| super::fs_error(e, &marker))
}

/// The same index as [`build_index`], held in memory (tantivy's `RamDirectory`): for the
/// preview and in-memory builds, which never write `build`'s index or any other directory.
pub fn build_index_in_memory(docs: &[SearchDoc]) -> Result<SearchIndex, SearchError> {
    build_index_in_memory_from(docs)
}

/// [`build_index_in_memory`] taking the documents, each freed once the writer has its copy.
pub fn build_index_in_memory_owned(docs: Vec<SearchDoc>) -> Result<SearchIndex, SearchError> {
    build_index_in_memory_from(docs)
}

fn build_index_in_memory_from<D: Borrow<SearchDoc> + Send>(
    docs: impl Documents<D>,
) -> Result<SearchIndex, SearchError> {
    let ords = url_ranks(docs.slice())?;
    let path = Path::new(IN_MEMORY);
    let index = write_index(docs, &ords, RamDirectory::create(), path)?;
    SearchIndex::from_index(&index, path)
}

/// Documents to index, borrowed or owned (then each is dropped once it has been fed).
trait Documents<D: Borrow<SearchDoc>>: IntoIterator<Item = D> {
    fn slice(&self) -> &[SearchDoc];
}

impl<'a> Documents<&'a SearchDoc> for &'a [SearchDoc] {
    fn slice(&self) -> &[SearchDoc] {
        self
    }
}

impl Documents<SearchDoc> for Vec<SearchDoc> {
    fn slice(&self) -> &[SearchDoc] {
        self
    }
}

/// What [`SearchIndex::path`] names for an index held in memory.
const IN_MEMORY: &str = "(in memory)";

/// The URL rank of each document (its document number); an error if two share a URL.
fn url_ranks(docs: &[SearchDoc]) -> Result<Vec<u64>, SearchError> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| docs[a].url.cmp(&docs[b].url));
    for w in order.windows(2) {
        if docs[w[0]].url == docs[w[1]].url {
            return Err(SearchError::DuplicateUrl {
                url: docs[w[0]].url.clone(),
            });
        }
    }
    let mut ords = vec![0u64; docs.len()];
    for (rank, &i) in order.iter().enumerate() {
        ords[i] = rank as u64;
    }
    Ok(ords)
}

/// Writes `docs` into `directory` (`path` names it in errors), in segments of
/// [`SEGMENT_DOCS`] documents written in parallel.
///
/// Each segment has a single-segment writer of its own: no writer queue, no commits, and a
/// term table that starts small (see [`SEGMENT_TABLE_BUDGET`]). No merges: every statistic
/// tantivy scores with (document frequencies, field-norm totals) is summed over the
/// segments, and the export numbers documents by URL rank, so the segments do not change a
/// score or a byte of output.
fn write_index<D: Borrow<SearchDoc> + Send>(
    docs: impl IntoIterator<Item = D>,
    ords: &[u64],
    directory: impl Into<Box<dyn Directory>>,
    path: &Path,
) -> Result<Index, SearchError> {
    let terr = SearchError::tantivy;
    let schema = build_schema();
    let fields = IndexFields::from_schema(&schema, path)?;
    let index = Index::create(directory, schema, IndexSettings::default()).map_err(terr(path))?;
    register_tokenizers(&index);
    let mut docs: Vec<(D, u64)> = docs.into_iter().zip(ords.iter().copied()).collect();
    // In document-number order, so that each segment holds a run of numbers, in order: the
    // export then reads every term's postings already sorted and every document's stored
    // fields block after block.
    docs.sort_unstable_by_key(|&(_, ord)| ord);
    // A single-segment writer's `finalize` writes `meta.json` naming its segment alone:
    // one at a time, so that each reads back its own segment's meta.
    let finalized = Mutex::new(Vec::new());
    docs.into_par_iter()
        .chunks(SEGMENT_DOCS)
        // One task per segment: otherwise rayon hands a thread several segments in a row
        // that no idle thread can take over, and the index ends on one core.
        .with_max_len(1)
        .try_for_each(|chunk| {
            let first = chunk.first().map_or(0, |&(_, ord)| ord);
            let mut writer: SingleSegmentIndexWriter<TantivyDocument> =
                SingleSegmentIndexWriter::new(index.clone(), SEGMENT_TABLE_BUDGET)
                    .map_err(terr(path))?;
            for (d, ord) in chunk {
                if let Some(signal) = crate::cancel::signal() {
                    return Err(SearchError::Cancelled { signal });
                }
                writer
                    .add_document(make_doc(&fields, d.borrow(), ord))
                    .map_err(terr(path))?;
            }
            let mut segments = finalized.lock().unwrap_or_else(PoisonError::into_inner);
            let written = writer.finalize().map_err(terr(path))?;
            segments.push((first, written.load_metas().map_err(terr(path))?.segments));
            Ok(())
        })?;
    // Segments in the order of their documents' numbers, not in the order they finished.
    let mut segments = finalized
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    segments.sort_unstable_by_key(|&(first, _)| first);
    let meta = IndexMeta {
        index_settings: index.settings().clone(),
        segments: segments.into_iter().flat_map(|(_, metas)| metas).collect(),
        schema: index.schema(),
        opstamp: 0,
        payload: None,
    };
    let mut json = serde_json::to_vec_pretty(&meta).map_err(|e| SearchError::Tantivy {
        path: path.to_path_buf(),
        source: tantivy::TantivyError::from(e),
    })?;
    json.push(b'\n');
    let directory = index.directory();
    directory.sync_directory().map_err(SearchError::io(path))?;
    directory
        .atomic_write(Path::new("meta.json"), &json)
        .map_err(SearchError::io(path))?;
    Ok(index)
}

/// Documents per segment.
const SEGMENT_DOCS: usize = 500;

/// Memory budget given to each segment's writer. tantivy uses it only to size the writer's
/// initial term table (the largest power of two of 8-byte slots under a third of it, capped at
/// 2<sup>19</sup>); the table doubles whenever it is half full. The smallest budget that
/// tantivy's own multi-threaded writer accepts, 15 MB, starts every segment at 2<sup>19</sup>
/// slots (4 MiB), which the processor's caches do not hold, so nearly every token's lookup
/// missed them. This one starts at 2<sup>14</sup> slots and grows to what the segment's terms
/// need.
const SEGMENT_TABLE_BUDGET: usize = 600_000;

/// A matching document before it is turned into a [`Hit`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Match {
    /// Where the document lives in the index.
    pub addr: DocAddress,
    /// URL rank (the static export's document number).
    pub ord: u32,
    /// Canonical BM25 score.
    pub score: f32,
    /// [`date_key`] of the document.
    pub date: u32,
}

/// Documents in every clause's scores (and in `allowed`, if given), each with the sum of its
/// clause scores in clause order.
pub(crate) fn every_clause(
    per_clause: &[HashMap<DocAddress, f32>],
    allowed: Option<&HashSet<DocAddress>>,
) -> Vec<(DocAddress, f32)> {
    let mut out = Vec::new();
    let Some(first) = per_clause.first() else {
        return out;
    };
    'docs: for &addr in first.keys() {
        if allowed.is_some_and(|s| !s.contains(&addr)) {
            continue;
        }
        let mut total = 0.0f32;
        for scores in per_clause {
            match scores.get(&addr) {
                Some(s) => total += s,
                None => continue 'docs,
            }
        }
        out.push((addr, total));
    }
    out
}

/// The `ord` and `date` fast-field columns of each segment, opened when first needed.
pub(crate) struct Columns<'a> {
    index: &'a SearchIndex,
    searcher: &'a Searcher,
    open: HashMap<u32, (Column<u64>, Column<u64>)>,
}

impl<'a> Columns<'a> {
    /// Columns of `searcher`'s segments.
    pub(crate) fn new(index: &'a SearchIndex, searcher: &'a Searcher) -> Self {
        Columns {
            index,
            searcher,
            open: HashMap::new(),
        }
    }

    /// URL rank (the static export's document number) and [`date_key`] of `addr`.
    pub(crate) fn ord_and_date(&mut self, addr: DocAddress) -> Result<(u32, u32), SearchError> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.open.entry(addr.segment_ord) {
            let fast = self.searcher.segment_reader(addr.segment_ord).fast_fields();
            slot.insert((
                fast.u64("ord").map_err(self.index.err())?,
                fast.u64("date").map_err(self.index.err())?,
            ));
        }
        let column = self.open.get(&addr.segment_ord);
        let ord = column
            .and_then(|c| c.0.first(addr.doc_id))
            .unwrap_or(u64::MAX) as u32;
        let date = column
            .and_then(|c| c.1.first(addr.doc_id))
            .unwrap_or_default() as u32;
        Ok((ord, date))
    }
}

/// An opened search index.
pub struct SearchIndex {
    path: PathBuf,
    reader: IndexReader,
    pub(crate) fields: IndexFields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index that [`build_index`] wrote to `index_dir`.
    pub fn open(index_dir: &Path) -> Result<Self, SearchError> {
        let marker = index_dir.join(MARKER);
        let text = crate::fs::read_to_string(&marker).map_err(|_| SearchError::Incompatible {
            path: index_dir.to_path_buf(),
            reason: format!("{MARKER} is missing"),
        })?;
        let info: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        if info["format"].as_u64() != Some(FORMAT as u64) {
            return Err(SearchError::Incompatible {
                path: index_dir.to_path_buf(),
                reason: format!("unknown format {}", text.trim()),
            });
        }
        let index = Index::open_in_dir(index_dir).map_err(SearchError::tantivy(index_dir))?;
        SearchIndex::from_index(&index, index_dir)
    }

    /// A reader of `index`, which lives in `path` (for messages).
    fn from_index(index: &Index, path: &Path) -> Result<Self, SearchError> {
        let fields = IndexFields::from_schema(&index.schema(), path)?;
        register_tokenizers(index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(SearchError::tantivy(path))?;
        Ok(SearchIndex {
            path: path.to_path_buf(),
            reader,
            fields,
        })
    }

    /// The index directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of indexed documents.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub(crate) fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub(crate) fn err(&self) -> impl FnOnce(tantivy::TantivyError) -> SearchError {
        SearchError::tantivy(self.path.clone())
    }

    /// An I/O error of reading this index (e.g. its postings) as a [`SearchError`].
    pub(crate) fn io_err(&self) -> impl FnOnce(std::io::Error) -> SearchError {
        SearchError::io(self.path.clone())
    }

    /// Searches `query` (see [`super::query`] for the language) with exact facet `filters`,
    /// returning at most `limit` hits by descending score, ties by URL. A query without any
    /// term returns every document that passes the filters (score 0) when at least one
    /// filter is set, and nothing otherwise.
    pub fn search(
        &self,
        query: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        self.search_sorted(query, filters, Sort::Relevance, limit)
    }

    /// [`SearchIndex::search`] in the order `sort`: for [`Sort::Date`], newest first
    /// ([`date_key`] descending), equal dates in relevance order (score descending, then URL).
    pub fn search_sorted(
        &self,
        query: &str,
        filters: &Filters,
        sort: Sort,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let parsed = parse_query(query);
        let searcher = self.searcher();
        let mut matches = self.matches(&searcher, &parsed, filters)?;
        if sort == Sort::Date {
            // Stable: equal dates keep the relevance order.
            matches.sort_by_key(|m| std::cmp::Reverse(m.date));
        }
        matches.truncate(limit);
        let needles = parsed.needles();
        let f = &self.fields;
        let mut hits = Vec::with_capacity(matches.len());
        for m in matches {
            let doc: TantivyDocument = searcher.doc(m.addr).map_err(self.err())?;
            let get = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let body = get(f.text[4]);
            let summary = get(f.text[2]);
            hits.push(Hit {
                url: get(f.url),
                title: get(f.text[0]),
                enterprise: get(f.text[1]),
                score: m.score,
                snippet: make_snippet(&body, &summary, &needles),
            });
        }
        Ok(hits)
    }

    /// All matching documents, ranked (score descending, then URL).
    pub(crate) fn matches(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        filters: &Filters,
    ) -> Result<Vec<Match>, SearchError> {
        let allowed = self.filter_set(searcher, filters)?;
        let mut scored: Vec<(DocAddress, f32)> = Vec::new();
        if parsed.clauses.is_empty() {
            if let Some(allowed) = &allowed {
                scored.extend(allowed.iter().map(|&a| (a, 0.0f32)));
            }
        } else {
            let mut per_clause = Vec::with_capacity(parsed.clauses.len());
            for clause in &parsed.clauses {
                per_clause.push(self.clause_scores(searcher, clause)?);
            }
            scored = every_clause(&per_clause, allowed.as_ref());
        }
        let mut columns = Columns::new(self, searcher);
        let mut out = Vec::with_capacity(scored.len());
        for (addr, score) in scored {
            let (ord, date) = columns.ord_and_date(addr)?;
            out.push(Match {
                addr,
                ord,
                score,
                date,
            });
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.ord.cmp(&b.ord)));
        Ok(out)
    }

    /// Score of every document matching `clause` in some text field: the sum, in field
    /// order, of the (boosted) BM25 scores of the field queries.
    pub(crate) fn clause_scores(
        &self,
        searcher: &Searcher,
        clause: &Clause,
    ) -> Result<HashMap<DocAddress, f32>, SearchError> {
        let mut acc: HashMap<DocAddress, f32> = HashMap::new();
        for (i, &boost) in BOOSTS.iter().enumerate() {
            let field = self.fields.for_kind(clause.kind, i);
            let query: Box<dyn Query> = if let [(_, text)] = clause.terms.as_slice() {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, text),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(PhraseQuery::new_with_offset(
                    clause
                        .terms
                        .iter()
                        .map(|(o, t)| (*o, Term::from_field_text(field, t)))
                        .collect(),
                ))
            };
            let query: Box<dyn Query> = if boost == 1.0 {
                query
            } else {
                Box::new(BoostQuery::new(query, boost))
            };
            let weight = query
                .weight(EnableScoring::enabled_from_searcher(searcher))
                .map_err(self.err())?;
            for (seg, reader) in searcher.segment_readers().iter().enumerate() {
                weight
                    .for_each(reader, &mut |doc, score| {
                        *acc.entry(DocAddress::new(seg as u32, doc)).or_insert(0.0) += score;
                    })
                    .map_err(self.err())?;
            }
        }
        Ok(acc)
    }

    /// Documents passing the filters (any of the values of a facet, every facet), or `None`
    /// when no filter is set.
    pub(crate) fn filter_set(
        &self,
        searcher: &Searcher,
        filters: &Filters,
    ) -> Result<Option<HashSet<DocAddress>>, SearchError> {
        let mut result: Option<HashSet<DocAddress>> = None;
        for (name, values) in filters.groups() {
            let Some(pos) = FACETS.iter().position(|&n| n == name) else {
                continue;
            };
            let mut set = HashSet::new();
            for value in &values {
                let term = Term::from_field_text(self.fields.facets[pos], value);
                for (seg, reader) in searcher.segment_readers().iter().enumerate() {
                    let inverted = reader
                        .inverted_index(self.fields.facets[pos])
                        .map_err(self.err())?;
                    let postings = inverted
                        .read_postings(&term, IndexRecordOption::Basic)
                        .map_err(self.io_err())?;
                    if let Some(mut p) = postings {
                        while p.doc() != TERMINATED {
                            let addr = DocAddress::new(seg as u32, p.doc());
                            if result.as_ref().is_none_or(|r| r.contains(&addr)) {
                                set.insert(addr);
                            }
                            p.advance();
                        }
                    }
                }
            }
            result = Some(set);
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_hold_runs_of_document_numbers_in_order() {
        // Three segments' worth, given in an order far from their URLs' order.
        let n = 2 * SEGMENT_DOCS + 7;
        let docs: Vec<SearchDoc> = (0..n)
            .map(|i| SearchDoc {
                url: format!("{}/case-{:04}/", 2019 + (i * 7) % 6, (i * 389) % n),
                title: format!("质量标杆{i}"),
                ..SearchDoc::default()
            })
            .collect();
        let index = build_index_in_memory(&docs).expect("index builds");
        let searcher = index.searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let mut numbers = Vec::new();
        for reader in searcher.segment_readers() {
            let ords = reader.fast_fields().u64("ord").expect("ord column");
            numbers.extend((0..reader.max_doc()).map(|doc| ords.first(doc)));
        }
        let expected: Vec<Option<u64>> = (0..n as u64).map(Some).collect();
        assert_eq!(numbers, expected);
    }
}
