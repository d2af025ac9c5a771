//! What `templates/static/search.js` loads for a first query, predicted from the index and
//! the export: the measure of the search page's first-page payload, and the JS parity test's
//! check that the browser loads exactly that.
//!
//! The browser answers a query in one of two ways (see `search.js`):
//!
//! * **exact**: the postings of every term, the positions of phrases (`q/`, unless the
//!   run-end flags stand in for them), and the document files of the first results;
//! * **first results from the texts**: when a phrase of three or more Chinese characters
//!   has a term with its own postings file, positions are not loaded. The candidates — the
//!   documents where every bigram of the phrase occurs in one field — are ranked by an upper
//!   bound of their score (BM25 with the smallest bigram frequency of the field standing in
//!   for the phrase's frequency, which cannot exceed it) and verified in that order from the
//!   texts in their document files, until the k-th verified result beats the next bound. The
//!   verified documents are the files loaded. When the texts would cost more than the
//!   positions of one pair of adjacent bigrams (the cheapest) of each phrase of three or more
//!   bigrams, those positions are loaded: how often the pair meets bounds the phrase too, the
//!   candidates left are ranked again, and the walk goes on; when they would cost more than
//!   all the phrase's positions, the walk gives up and ranks exactly. Of a phrase with such
//!   a pair, the dearest bigram outside it is not loaded at all ([`Plan::skip`]): the
//!   candidates hold the other bigrams, and its document frequencies, in its bucket entry,
//!   give the idf. [`first_results`] replays that walk.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Searcher, Term, TERMINATED};

use super::export::{omitted, term_hash};
use super::index::{every_clause, Columns, SearchIndex};
use super::query::{parse_query, Clause, FieldKind};
use super::tokenizer::SEPARATOR;
use super::{Filters, SearchError, BOOSTS};

/// The files (relative to `out_dir`, e.g. `t/12.js`) that `search.js` loads to answer a
/// first `query` with `filters` and show its first `shown` results: `meta.js`, the buckets
/// of the query's terms, the postings files of its big terms, the positions of phrases when
/// it ranks exactly (see the module docs), with filters the facet shards of every candidate
/// (without filters the first results show before the facet counts, which load after them),
/// and the document files of the results shown and of the candidates verified on the way.
/// Used to measure the payload of a query; the JS parity test checks it against what
/// `search.js` loads.
pub fn query_files(
    index: &SearchIndex,
    out_dir: &Path,
    query: &str,
    filters: &Filters,
    shown: usize,
) -> Result<Vec<String>, SearchError> {
    let parsed = parse_query(query);
    let meta = read_shard(out_dir, "meta")?;
    let fs = meta["FS"].as_u64().unwrap_or(512).max(1) as u32;
    let mut files = BTreeSet::new();
    files.insert("meta.js".to_string());
    let plans = plan_clauses(&parsed.clauses, out_dir, &meta, &mut files)?;
    let quick = plans.iter().any(|p| p.big) && plans.iter().all(|p| !p.big || textual(p.clause));
    let pairs: Vec<Option<usize>> = plans.iter().map(Plan::pair).collect();
    let skips: Vec<Option<usize>> = if quick {
        plans.iter().zip(&pairs).map(|(p, &j)| p.skip(j)).collect()
    } else {
        vec![None; plans.len()]
    };
    let (exact_files, position_bytes) = postings_files(&plans, &skips, &mut files);
    if parsed.clauses.is_empty() && filters.is_empty() {
        return Ok(files.into_iter().collect());
    }
    let searcher = index.searcher();
    let exact = index.matches(&searcher, &parsed, filters)?;
    if quick {
        let doc_bytes = meta["D"].as_u64().unwrap_or(1).max(1);
        let budget = shown as f64 + position_bytes as f64 / doc_bytes as f64;
        let scores: HashMap<u32, f32> = exact.iter().map(|m| (m.ord, m.score)).collect();
        let walk = TextWalk {
            index,
            searcher: &searcher,
            filters,
            docs_per_facet_shard: fs,
        }
        .files(
            &plans, &pairs, &skips, &scores, shown, budget, doc_bytes, &mut files,
        )?;
        if walk.probed {
            for (plan, pair) in plans.iter().zip(&pairs) {
                if let Some(j) = pair {
                    files.extend(plan.position_files(*j..*j + 2));
                }
            }
        }
        if !walk.ranked_exactly {
            return Ok(files.into_iter().collect());
        }
    } else if !filters.is_empty() {
        let all = index.matches(&searcher, &parsed, &Filters::default())?;
        let candidates: Vec<u32> = if parsed.clauses.is_empty() {
            (0..searcher.num_docs() as u32).collect()
        } else {
            all.iter().map(|m| m.ord).collect()
        };
        for ord in candidates {
            files.insert(format!("f/{}.js", ord / fs));
        }
    }
    files.extend(exact_files);
    for m in exact.iter().take(shown) {
        files.insert(format!("d/{}.js", m.ord));
    }
    Ok(files.into_iter().collect())
}

/// A clause with the bucket entries of its terms (`None` for the separator or a term found
/// nowhere) and whether it is a phrase with a term in its own postings file.
struct Plan<'a> {
    clause: &'a Clause,
    entries: Vec<Option<serde_json::Value>>,
    big: bool,
}

impl Plan<'_> {
    /// The position bytes of term `i` when it has its own files (0 when it is inline or
    /// found nowhere): what loading its positions costs.
    fn weight(&self, i: usize) -> u64 {
        match &self.entries[i] {
            Some(v) if v[0].is_u64() => v[1].as_u64().unwrap_or(0),
            _ => 0,
        }
    }

    /// The position bytes of the adjacent terms `j, j + 1`.
    fn pair_weight(&self, j: usize) -> u64 {
        self.weight(j) + self.weight(j + 1)
    }

    /// For a big phrase of three or more bigrams, the cheapest pair of adjacent bigrams
    /// `j, j + 1` by [`Plan::pair_weight`] (the first of equals): the positions the walk
    /// loads once the texts run over, before all of them.
    fn pair(&self) -> Option<usize> {
        let n = self.clause.terms.len();
        if !self.big || n < 3 {
            return None;
        }
        (0..n - 1).reduce(|best, j| {
            if self.pair_weight(j) < self.pair_weight(best) {
                j
            } else {
                best
            }
        })
    }

    /// With the pair `j`, the bigram outside it with the most position bytes (the first of
    /// equals), when it has its own files and its document frequencies in its bucket entry:
    /// the first results from the texts leave its postings unloaded. Every candidate holds
    /// the other bigrams, so it still holds the phrase's; its bound (the smallest frequency
    /// of the others) is only looser.
    fn skip(&self, pair: Option<usize>) -> Option<usize> {
        let j = pair?;
        let mut best: Option<usize> = None;
        for m in (0..self.entries.len()).filter(|&m| m != j && m != j + 1) {
            let dearer = self.weight(m) > best.map_or(0, |b| self.weight(b));
            if dearer && self.has_doc_freqs(m) {
                best = Some(m);
            }
        }
        best
    }

    /// True when term `i`'s bucket entry carries its document frequency per bigram field
    /// (big bigrams do), which `search.js` takes for the idf of a term it does not load.
    fn has_doc_freqs(&self, i: usize) -> bool {
        self.entries[i]
            .as_ref()
            .is_some_and(|v| v.get(3).is_some_and(serde_json::Value::is_array))
    }

    /// The positions files (`q/`) of the terms in `range` that have them.
    fn position_files(&self, range: std::ops::Range<usize>) -> Vec<String> {
        self.entries[range]
            .iter()
            .filter_map(|e| e.as_ref().and_then(positions_file))
            .collect()
    }
}

/// The positions file `q/<n>.js` of a big term's bucket entry `[n, q bytes, …]`; `None`
/// for an inline entry or a term without positions (`q` bytes 0, no file).
fn positions_file(entry: &serde_json::Value) -> Option<String> {
    let n = entry[0].as_u64()?;
    (entry[1].as_u64()? > 0).then(|| format!("q/{n}.js"))
}

/// Looks every term up in its bucket, as `search.js` does first, adding the buckets to
/// `files`.
fn plan_clauses<'a>(
    clauses: &'a [Clause],
    out_dir: &Path,
    meta: &serde_json::Value,
    files: &mut BTreeSet<String>,
) -> Result<Vec<Plan<'a>>, SearchError> {
    let buckets = meta["S"].as_u64().unwrap_or(1).max(1) as u32;
    let mut loaded: HashMap<u32, serde_json::Value> = HashMap::new();
    let mut plans = Vec::new();
    for clause in clauses {
        let mut entries: Vec<Option<serde_json::Value>> = Vec::new();
        for (_, term) in &clause.terms {
            if term == SEPARATOR {
                entries.push(None);
                continue;
            }
            let b = term_hash(term) & (buckets - 1);
            files.insert(format!("t/{b}.js"));
            if let std::collections::hash_map::Entry::Vacant(slot) = loaded.entry(b) {
                slot.insert(read_shard(out_dir, &format!("t/{b}"))?);
            }
            entries.push(
                loaded
                    .get(&b)
                    .and_then(|v| v["t"].get(term.as_str()))
                    .cloned(),
            );
        }
        let big = clause.terms.len() > 1
            && entries
                .iter()
                .any(|e| e.as_ref().is_some_and(|v| v[0].is_u64()));
        plans.push(Plan {
            clause,
            entries,
            big,
        });
    }
    Ok(plans)
}

/// Adds the postings files of the big terms to `files`, but for the `skips`; returns what
/// ranking exactly adds (positions, flags and skipped postings files) and the bytes of the
/// big phrases' positions.
fn postings_files(
    plans: &[Plan<'_>],
    skips: &[Option<usize>],
    files: &mut BTreeSet<String>,
) -> (BTreeSet<String>, u64) {
    let mut exact_files = BTreeSet::new();
    let mut position_bytes = 0u64;
    for (plan, &skip) in plans.iter().zip(skips) {
        let terms = &plan.clause.terms;
        let weights: Vec<u64> = (0..plan.entries.len()).map(|i| plan.weight(i)).collect();
        let omit = omitted(terms, &weights);
        for (i, entry) in plan.entries.iter().enumerate() {
            let Some(n) = entry.as_ref().and_then(|v| v[0].as_u64()) else {
                continue;
            };
            if skip == Some(i) {
                exact_files.insert(format!("p/{n}.js"));
            } else {
                files.insert(format!("p/{n}.js"));
            }
            let flags = terms.get(i + 1).is_some_and(|next| next.1 == SEPARATOR)
                || omit.get(i + 1) == Some(&true);
            if terms.len() > 1 && !omit[i] {
                exact_files.extend(entry.as_ref().and_then(positions_file));
                if plan.big {
                    position_bytes += weights[i];
                }
            }
            if flags && entry.as_ref().is_some_and(|v| v[2].as_u64() == Some(1)) {
                exact_files.insert(format!("s/{n}.js"));
            }
        }
    }
    (exact_files, position_bytes)
}

/// The first results from the documents' texts (see the module docs).
struct TextWalk<'a> {
    index: &'a SearchIndex,
    searcher: &'a Searcher,
    filters: &'a Filters,
    docs_per_facet_shard: u32,
}

impl TextWalk<'_> {
    /// Adds the facet shards of the candidates (with filters) and the document files the
    /// walk verifies to `files`.
    #[allow(clippy::too_many_arguments)]
    fn files(
        &self,
        plans: &[Plan<'_>],
        pairs: &[Option<usize>],
        skips: &[Option<usize>],
        exact: &HashMap<u32, f32>,
        shown: usize,
        budget: f64,
        doc_bytes: u64,
        files: &mut BTreeSet<String>,
    ) -> Result<Walk, SearchError> {
        let no_pairs = vec![None; plans.len()];
        let loose = candidates(self.index, self.searcher, plans, &no_pairs, skips)?;
        let allowed = self.index.filter_set(self.searcher, self.filters)?;
        let mut columns = Columns::new(self.index, self.searcher);
        let mut ranked = Vec::with_capacity(loose.len());
        for (addr, bound) in loose {
            let (ord, _) = columns.ord_and_date(addr)?;
            if allowed.is_some() {
                files.insert(format!("f/{}.js", ord / self.docs_per_facet_shard));
            }
            if allowed.as_ref().is_none_or(|s| s.contains(&addr)) {
                ranked.push((ord, bound));
            }
        }
        let probe = if pairs.iter().any(Option::is_some) {
            let mut bounds = HashMap::new();
            for (addr, bound) in candidates(self.index, self.searcher, plans, pairs, skips)? {
                bounds.insert(columns.ord_and_date(addr)?.0, bound);
            }
            let costs = plans
                .iter()
                .zip(pairs)
                .filter_map(|(plan, pair)| {
                    pair.map(|j| plan.pair_weight(j) as f64 / doc_bytes as f64)
                })
                .collect();
            Some(Probe { bounds, costs })
        } else {
            None
        };
        let walk = first_results(ranked, exact, shown, budget, probe);
        for ord in &walk.verified {
            files.insert(format!("d/{ord}.js"));
        }
        Ok(walk)
    }
}

/// True for a phrase of consecutive bigrams of one run of Chinese characters: it occurs in
/// a field's token stream exactly where its characters occur in the field's text.
fn textual(clause: &Clause) -> bool {
    matches!(clause.needles.as_slice(), [n] if !n.word && n.chars.len() == clause.terms.len() + 1)
        && clause.kind == FieldKind::Main
        && clause.terms.iter().enumerate().all(|(j, t)| t.0 == j)
}

/// Documents matching every clause's terms — for a big phrase, every term of the phrase in
/// one field — with the sum, in clause order, of each clause's exact score or, for a big
/// phrase, its upper bound: per field, in field order, the boosted BM25 of the smallest term
/// frequency (what `search.js` computes from the postings alone), a skipped term (see
/// [`Plan::skip`]) counting only for the idf.
fn candidates(
    index: &SearchIndex,
    searcher: &Searcher,
    plans: &[Plan<'_>],
    pairs: &[Option<usize>],
    skips: &[Option<usize>],
) -> Result<Vec<(DocAddress, f32)>, SearchError> {
    let mut per_clause = Vec::with_capacity(plans.len());
    for ((plan, &pair), &skip) in plans.iter().zip(pairs).zip(skips) {
        per_clause.push(if plan.big {
            bounds(index, searcher, plan.clause, pair, skip)?
        } else {
            index.clause_scores(searcher, plan.clause)?
        });
    }
    Ok(every_clause(&per_clause, None))
}

/// The upper bound of a phrase's score per document (see [`candidates`]); with `pair` `j`,
/// the count of bigrams `j` and `j + 1` as a phrase bounds the frequency too (their
/// positions are read), and documents where they never meet drop out. The postings of term
/// `skip` are not read: a field counts when its document frequency there is not 0.
fn bounds(
    index: &SearchIndex,
    searcher: &Searcher,
    clause: &Clause,
    pair: Option<usize>,
    skip: Option<usize>,
) -> Result<HashMap<DocAddress, f32>, SearchError> {
    let mut acc: HashMap<DocAddress, f32> = HashMap::new();
    for (i, &boost) in BOOSTS.iter().enumerate() {
        let field = index.fields.for_kind(clause.kind, i);
        let terms: Vec<Term> = clause
            .terms
            .iter()
            .map(|(_, t)| Term::from_field_text(field, t))
            .collect();
        let mut frequencies: Vec<HashMap<DocAddress, u32>> = Vec::new();
        let mut norms: HashMap<DocAddress, u8> = HashMap::new();
        let mut positions: Vec<HashMap<DocAddress, Vec<u32>>> = Vec::new();
        let mut absent = false;
        for (i, term) in terms.iter().enumerate() {
            if skip == Some(i) {
                absent |= searcher.doc_freq(term).map_err(index.err())? == 0;
                positions.push(HashMap::new());
                continue;
            }
            let with_positions = pair.is_some_and(|j| i == j || i == j + 1);
            let option = if with_positions {
                IndexRecordOption::WithFreqsAndPositions
            } else {
                IndexRecordOption::WithFreqs
            };
            let mut tf = HashMap::new();
            let mut at = HashMap::new();
            for (seg, reader) in searcher.segment_readers().iter().enumerate() {
                let inverted = reader.inverted_index(field).map_err(index.err())?;
                let postings = inverted
                    .read_postings(term, option)
                    .map_err(index.io_err())?;
                let Some(mut p) = postings else { continue };
                let fieldnorms = reader.get_fieldnorms_reader(field).map_err(index.err())?;
                while p.doc() != TERMINATED {
                    let addr = DocAddress::new(seg as u32, p.doc());
                    tf.insert(addr, tantivy::postings::Postings::term_freq(&p));
                    norms.insert(addr, fieldnorms.fieldnorm_id(p.doc()));
                    if with_positions {
                        let mut list = Vec::new();
                        tantivy::postings::Postings::positions(&mut p, &mut list);
                        at.insert(addr, list);
                    }
                    p.advance();
                }
            }
            frequencies.push(tf);
            positions.push(at);
        }
        if absent || frequencies.iter().any(HashMap::is_empty) {
            continue;
        }
        let weight = Bm25Weight::for_terms(searcher, &terms)
            .map_err(index.err())?
            .boost_by(boost);
        let mut docs: Vec<&DocAddress> = frequencies[0].keys().collect();
        docs.sort();
        for addr in docs {
            let mut min = frequencies
                .iter()
                .map(|f| f.get(addr).copied())
                .try_fold(u32::MAX, |m, tf| tf.map(|tf| m.min(tf)));
            if let (Some(j), Some(tf)) = (pair, min) {
                let (first, second) = (&positions[j][addr], &positions[j + 1][addr]);
                let together = first
                    .iter()
                    .filter(|&&p| second.binary_search(&(p + 1)).is_ok())
                    .count() as u32;
                min = (together > 0).then_some(tf.min(together));
            }
            if let (Some(tf), Some(&norm)) = (min, norms.get(addr)) {
                *acc.entry(*addr).or_insert(0.0) += weight.score(norm, tf);
            }
        }
    }
    Ok(acc)
}

/// What the walk of [`first_results`] did.
#[derive(Debug, PartialEq)]
pub(crate) struct Walk {
    /// Document numbers verified from their texts, in the order loaded.
    pub verified: Vec<u32>,
    /// True when the walk gave up on the texts and ranked from the positions.
    pub ranked_exactly: bool,
    /// True when the walk loaded the positions of each phrase's pair (see [`Probe`]).
    pub probed: bool,
}

/// Tighter bounds, from the positions of one pair of bigrams per big phrase, for when the
/// texts first run over the budget.
#[derive(Debug)]
pub(crate) struct Probe {
    /// Document number → bound; candidates missing here cannot match.
    pub bounds: HashMap<u32, f32>,
    /// What loading each pair's positions costs, in document files, in clause order.
    pub costs: Vec<f64>,
}

impl Probe {
    /// The cost of all pairs, added in clause order as `search.js` does.
    fn total(&self) -> f64 {
        self.costs.iter().fold(0.0, |sum, c| sum + c)
    }
}

/// The documents `search.js` verifies to show the first `k` results: `ranked` holds every
/// candidate's document number and bound; `exact` the exact score of each that matches.
/// Candidates are taken in descending bound (then document) order, `k` minus the verified
/// count at a time, or once there are `k`, up to `k` whose bound the k-th verified result
/// does not beat, until that result beats the next bound. Before each round, when the
/// documents loaded plus those still in the running (`k` minus the verified count, or the
/// candidates whose bound the k-th does not beat) exceed `budget` (`k` plus the phrase
/// positions' bytes in document files), the texts cost more than the positions would and
/// the walk stops: the browser ranks exactly instead. With a `probe`, that check comes after
/// a first one against `k` plus the probe's cost: once over it, the probe's costs count as
/// loaded and the candidates not yet taken are ranked again by its bounds (those without
/// one drop out).
pub(crate) fn first_results(
    mut ranked: Vec<(u32, f32)>,
    exact: &HashMap<u32, f32>,
    k: usize,
    budget: f64,
    mut probe: Option<Probe>,
) -> Walk {
    let mut walk = Walk {
        verified: Vec::new(),
        ranked_exactly: false,
        probed: false,
    };
    if k == 0 {
        return walk;
    }
    let before = |a: &(u32, f32), b: &(u32, f32)| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.0.cmp(&b.0))
    };
    ranked.sort_by(before);
    let mut found: Vec<(u32, f32)> = Vec::new();
    let mut next = 0;
    let mut loaded = 0.0f64;
    loop {
        let kth = found.get(k - 1).copied();
        let beaten = |i: usize| kth.is_some_and(|t| before(&t, &ranked[i]).is_lt());
        if next >= ranked.len() || beaten(next) {
            return walk;
        }
        let running = match kth {
            Some(_) => (next..ranked.len()).take_while(|&i| !beaten(i)).count(),
            None => k - found.len(),
        };
        let over = |cost: f64| loaded + running as f64 > cost;
        if let Some(p) = probe.take_if(|p| over(k as f64 + p.total())) {
            walk.probed = true;
            for cost in p.costs {
                loaded += cost;
            }
            let mut rest: Vec<(u32, f32)> = ranked[next..]
                .iter()
                .filter_map(|&(ord, _)| p.bounds.get(&ord).map(|&b| (ord, b)))
                .collect();
            rest.sort_by(before);
            ranked.truncate(next);
            ranked.extend(rest);
            continue;
        }
        if over(budget) {
            walk.ranked_exactly = true;
            return walk;
        }
        let limit = if kth.is_some() { k } else { k - found.len() };
        let mut batch = 0;
        while next < ranked.len() && batch < limit && !beaten(next) {
            let ord = ranked[next].0;
            walk.verified.push(ord);
            if let Some(&s) = exact.get(&ord) {
                let at = found.partition_point(|v| before(v, &(ord, s)).is_lt());
                found.insert(at, (ord, s));
            }
            next += 1;
            batch += 1;
        }
        loaded += batch as f64;
    }
}

/// Reads the JSON payload of an exported shard.
fn read_shard(out_dir: &Path, name: &str) -> Result<serde_json::Value, SearchError> {
    let path = out_dir.join(format!("{name}.js"));
    let text = crate::fs::read_to_string(&path).map_err(|e| super::fs_error(e, &path))?;
    let bad = |reason: &str| SearchError::Incompatible {
        path: path.clone(),
        reason: reason.to_string(),
    };
    let start = text.find(',').ok_or_else(|| bad("not a shard"))?;
    let end = text.rfind(");").ok_or_else(|| bad("not a shard"))?;
    serde_json::from_str(&text[start + 1..end]).map_err(|e| bad(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(pairs: &[(u32, f32)]) -> HashMap<u32, f32> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn a_probe_reranks_what_is_left_once_the_texts_run_over_its_cost() {
        // Bounds of 9 everywhere (loose); exact 1, 1, 3, 3, 1. After two documents the walk
        // would take three more: over k (2) + the probe's 0.5, so the probe's bounds rank
        // documents 2, 3, 4 again and 2 and 3 end the walk.
        let ranked: Vec<(u32, f32)> = (0..5).map(|d| (d, 9.0)).collect();
        let exact = scores(&[(0, 1.0), (1, 1.0), (2, 3.0), (3, 3.0), (4, 1.0)]);
        let probe = |bounds: &[(u32, f32)]| {
            Some(Probe {
                bounds: scores(bounds),
                costs: vec![0.25, 0.25],
            })
        };
        let tight = [(2, 3.0), (3, 3.0), (4, 1.0)];
        let walk = first_results(ranked.clone(), &exact, 2, 100.0, probe(&tight));
        assert_eq!(walk.verified, vec![0, 1, 2, 3]);
        assert!(walk.probed && !walk.ranked_exactly);
        // Without a probe, the same budget of 4 documents stops the walk at the second round;
        // with it, the probe's cost counts as loaded and the walk still stops.
        let walk = first_results(ranked.clone(), &exact, 2, 4.0, None);
        assert!(!walk.probed && walk.ranked_exactly);
        let walk = first_results(ranked.clone(), &exact, 2, 4.0, probe(&tight));
        assert!(walk.probed && walk.ranked_exactly);
        assert_eq!(walk.verified, vec![0, 1]);
        // A candidate the probe gives no bound (its pair never meets) drops out.
        let walk = first_results(ranked, &exact, 2, 100.0, probe(&[(2, 3.0), (4, 1.0)]));
        assert_eq!(walk.verified, vec![0, 1, 2]);
    }

    #[test]
    fn stops_when_the_kth_verified_beats_the_next_bound() {
        // Bounds 9, 8, 7, 6, 5; exact 8.5 (doc 0), 7.5 (doc 1), 1 (doc 3); doc 2 does not match.
        let ranked = vec![(0, 9.0), (1, 8.0), (2, 7.0), (3, 6.0), (4, 5.0)];
        let exact = scores(&[(0, 8.5), (1, 7.5), (3, 1.0), (4, 4.0)]);
        let walk = first_results(ranked.clone(), &exact, 2, 100.0, None);
        assert_eq!(walk.verified, vec![0, 1]);
        assert!(!walk.ranked_exactly);
        // k = 3: docs 2 (no match), 3 (1.0) and 4 (4.0) must all be seen.
        let walk = first_results(ranked, &exact, 3, 100.0, None);
        assert_eq!(walk.verified, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn equal_scores_order_by_document() {
        let ranked = vec![(5, 2.0), (3, 2.0), (4, 2.0)];
        let exact = scores(&[(5, 2.0), (3, 2.0), (4, 2.0)]);
        let walk = first_results(ranked, &exact, 1, 100.0, None);
        assert_eq!(walk.verified, vec![3]);
    }

    #[test]
    fn gives_up_on_the_texts_when_positions_are_cheaper() {
        // Every bound 10, every exact score 1: the first k verified beat nothing.
        let ranked: Vec<(u32, f32)> = (0..50).map(|d| (d, 10.0)).collect();
        let exact: HashMap<u32, f32> = (0..50).map(|d| (d, 1.0)).collect();
        let walk = first_results(ranked.clone(), &exact, 2, 12.0, None);
        assert_eq!(walk.verified, vec![0, 1]);
        assert!(walk.ranked_exactly);
        let walk = first_results(ranked, &exact, 2, 1000.0, None);
        assert_eq!(walk.verified.len(), 50);
        assert!(!walk.ranked_exactly);
    }
}
