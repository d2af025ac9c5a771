//! Related cases, computed at build time by distinctive-term overlap.
//!
//! Each document is reduced to its [`TOP_TERMS`] most distinctive terms (bigrams and words
//! of the title ×3, summary ×2, headings ×2 and body, weighted `(1 + ln tf) · ln(N / df)`,
//! L2-normalized). Two documents are related by the dot product of these vectors, ×
//! [`SAME_AREA_BONUS`] when they share a focus area. Candidates come from an inverted
//! index over the top terms only, so the cost is about `Σ list²` over short lists instead of
//! `n²` over full texts; lists longer than [`MAX_LIST`] are dropped (such a term is not
//! distinctive). Everything is deterministic: fixed iteration orders, ties by document index.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::tokenizer::{for_each_run, push_lower, RunKind};
use super::SearchDoc;

/// Distinctive terms kept per document.
pub const TOP_TERMS: usize = 24;
/// Score multiplier for two cases in the same focus area.
pub const SAME_AREA_BONUS: f64 = 1.25;
/// Terms selected by more documents than this are ignored.
pub const MAX_LIST: usize = 400;

/// Hasher for `u64` keys: a [`key`] is already a hash and passes through (`MIX = false`); a
/// [`bigram_code`] is mixed once by [`mix`], a bijection of `u64` (`MIX = true`).
#[derive(Default)]
struct U64Hasher<const MIX: bool>(u64);

impl<const MIX: bool> Hasher for U64Hasher<MIX> {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ b as u64;
        }
        if MIX {
            self.0 = mix(self.0);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = if MIX { mix(n) } else { n };
    }
}

type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<U64Hasher<false>>>;
type CodeMap<V> = HashMap<u64, V, BuildHasherDefault<U64Hasher<true>>>;

/// The finalizer of 64-bit MurmurHash3, which spreads every input bit over the result.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// 64-bit FNV-1a of a term (bigrams and words share one key space), finalized so that the
/// low bits are well mixed for [`KeyMap`].
fn key(s: &str) -> u64 {
    mix(fnv1a(FNV_OFFSET, s.as_bytes()))
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// 64-bit FNV-1a of `bytes`, continued from `h`.
fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A CJK bigram as one number: both characters (21 bits each) side by side. Exact, and far
/// cheaper to make than [`key`], so documents are counted by these codes and only the terms
/// that may be kept get their key.
fn bigram_code(first: char, second: char) -> u64 {
    (first as u64) << 21 | second as u64
}

/// The [`key`] of the bigram `code` spells, without building the string.
fn bigram_key(code: u64) -> u64 {
    let chars = [(code >> 21) as u32, (code & 0x1f_ffff) as u32].map(char::from_u32);
    let mut utf8 = [0u8; 4];
    let h = chars.into_iter().flatten().fold(FNV_OFFSET, |h, c| {
        fnv1a(h, c.encode_utf8(&mut utf8).as_bytes())
    });
    mix(h)
}

/// The weighted counts of a document's terms: its words by [`key`], its CJK bigrams by
/// [`bigram_code`].
#[derive(Default)]
struct Counts {
    words: KeyMap<u32>,
    bigrams: CodeMap<u32>,
}

impl Counts {
    fn clear(&mut self) {
        self.words.clear();
        self.bigrams.clear();
    }
}

/// Scratch space of [`term_counts`], reused from one document to the next.
#[derive(Default)]
struct Scratch {
    counts: Counts,
    chars: Vec<(usize, char)>,
    word: String,
}

fn add_terms(text: &str, weight: u32, scratch: &mut Scratch) {
    let Scratch {
        counts,
        chars,
        word,
    } = scratch;
    for_each_run(text, chars, |run| match run.kind {
        RunKind::Cjk => {
            for w in run.chars.windows(2) {
                *counts
                    .bigrams
                    .entry(bigram_code(w[0].1, w[1].1))
                    .or_insert(0) += weight;
            }
        }
        RunKind::Word => {
            word.clear();
            for &(_, c) in run.chars {
                push_lower(c, word);
            }
            if word.chars().nth(1).is_some() {
                *counts.words.entry(key(word)).or_insert(0) += weight;
            }
        }
    });
}

/// The weighted term counts of `d` in `scratch.counts` (in no particular order: every use
/// of them is independent of the order).
fn term_counts(d: &SearchDoc, scratch: &mut Scratch) {
    scratch.counts.clear();
    add_terms(&d.title, 3, scratch);
    add_terms(&d.summary, 2, scratch);
    for h in &d.headings {
        add_terms(h, 2, scratch);
    }
    add_terms(&d.body, 1, scratch);
}

/// Counts one more document for each of `terms` in `df`.
fn add_df<S: std::hash::BuildHasher>(
    df: &mut HashMap<u64, u32, S>,
    terms: impl Iterator<Item = u64>,
) {
    for k in terms {
        *df.entry(k).or_insert(0) += 1;
    }
}

/// The document frequencies of `a` and `b` together (the smaller map is added to the larger).
fn merged<S: std::hash::BuildHasher>(
    a: HashMap<u64, u32, S>,
    b: HashMap<u64, u32, S>,
) -> HashMap<u64, u32, S> {
    let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    for (k, v) in small {
        *big.entry(k).or_insert(0) += v;
    }
    big
}

/// Keeps the best `k` of `items`, in order: highest weight first, equal weights by key (a
/// total order when the keys are distinct). Only those `k` are sorted.
fn keep_best<K: Ord>(items: &mut Vec<(K, f64)>, k: usize) {
    let order = |a: &(K, f64), b: &(K, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if items.len() > k {
        items.select_nth_unstable_by(k, order);
        items.truncate(k);
    }
    items.sort_unstable_by(order);
}

/// Documents per parallel chunk of the document-frequency pass.
const DF_CHUNK: usize = 256;

/// Term counts whose logarithm is tabled (a larger count computes its own).
const LOG_TF_TABLE: usize = 4096;

/// For every document, the indices of up to `max` related documents, best first.
///
/// Two passes over the text: document frequencies first, then each document's counts again
/// to pick its top terms. Keeping every document's full term counts between the passes
/// instead would hold ~800 MB at 10,000 cases (and glibc keeps it as RSS for the rest of the
/// build); tokenizing twice costs less than a second there.
pub fn related(docs: &[SearchDoc], max: usize) -> Vec<Vec<usize>> {
    let n = docs.len();
    if n < 2 || max == 0 {
        return vec![Vec::new(); n];
    }
    let df: Counts = docs
        .par_chunks(DF_CHUNK)
        .map(|chunk| {
            let mut df = Counts::default();
            let mut scratch = Scratch::default();
            for doc in chunk {
                term_counts(doc, &mut scratch);
                add_df(&mut df.words, scratch.counts.words.keys().copied());
                add_df(&mut df.bigrams, scratch.counts.bigrams.keys().copied());
            }
            df
        })
        .reduce(Counts::default, |a, b| Counts {
            words: merged(a.words, b.words),
            bigrams: merged(a.bigrams, b.bigrams),
        });
    // Every document's every distinct term needs `ln`s of its counts: tabled once (the same
    // operations, so the same bits), not computed ~30 million times at 10,000 cases.
    let idf: Vec<Option<f64>> = (0..=n)
        .map(|d| {
            let d = d as f64;
            if d < 2.0 {
                return None;
            }
            let idf = (n as f64 / d).ln();
            (idf > 0.0).then_some(idf)
        })
        .collect();
    let log_tf: Vec<f64> = (0..LOG_TF_TABLE).map(|tf| (tf as f64).ln()).collect();
    let top: Vec<Vec<(u64, f64)>> = docs
        .par_iter()
        .map_init(
            || (Scratch::default(), Vec::new()),
            |(scratch, candidates), doc| {
                if crate::cancel::signal().is_some() {
                    // The build checks for cancellation when related cases are done.
                    return Vec::new();
                }
                term_counts(doc, scratch);
                candidates.clear();
                let weight = |tf: u32, df: Option<&u32>| {
                    let idf = idf.get(*df? as usize).copied().flatten()?;
                    let log_tf = match log_tf.get(tf as usize) {
                        Some(&l) => l,
                        None => (tf as f64).ln(),
                    };
                    Some((1.0 + log_tf) * idf)
                };
                let counts = &scratch.counts;
                candidates.extend(
                    counts
                        .words
                        .iter()
                        .filter_map(|(&k, &tf)| Some((k, weight(tf, df.words.get(&k))?))),
                );
                candidates.extend(counts.bigrams.iter().filter_map(|(&code, &tf)| {
                    Some((bigram_key(code), weight(tf, df.bigrams.get(&code))?))
                }));
                // Keys are distinct: the top terms do not depend on the order of the counts.
                keep_best(candidates, TOP_TERMS);
                let mut scored = candidates.clone();
                let norm = scored.iter().map(|x| x.1 * x.1).sum::<f64>().sqrt();
                if norm > 0.0 {
                    for x in &mut scored {
                        x.1 /= norm;
                    }
                }
                scored.sort_by_key(|x| x.0);
                scored
            },
        )
        .collect();
    drop(df);
    // Focus areas as small numbers, compared once per candidate.
    let mut area_ids: HashMap<&str, usize> = HashMap::new();
    let area: Vec<usize> = docs
        .iter()
        .map(|d| {
            let next = area_ids.len();
            *area_ids.entry(d.area.as_str()).or_insert(next)
        })
        .collect();
    let mut inverted: KeyMap<Vec<(usize, f64)>> = KeyMap::default();
    for (i, terms) in top.iter().enumerate() {
        for &(k, w) in terms {
            inverted.entry(k).or_default().push((i, w));
        }
    }
    inverted.retain(|_, list| list.len() <= MAX_LIST);
    (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0.0f64; n], Vec::new()),
            |(scores, touched), i| {
                for &(k, w) in &top[i] {
                    if let Some(list) = inverted.get(&k) {
                        for &(j, wj) in list {
                            if j != i {
                                if scores[j] == 0.0 {
                                    touched.push(j);
                                }
                                scores[j] += w * wj;
                            }
                        }
                    }
                }
                let mut ranked: Vec<(usize, f64)> = touched
                    .drain(..)
                    .map(|j| {
                        let s = std::mem::take(&mut scores[j]);
                        let bonus = if area[j] == area[i] {
                            SAME_AREA_BONUS
                        } else {
                            1.0
                        };
                        (j, s * bonus)
                    })
                    .collect();
                // Out of hundreds to thousands of candidates (indices are distinct).
                keep_best(&mut ranked, max);
                // Not `ranked.into_iter()…collect()`: that would reuse (and keep) the
                // allocation of every candidate, ~150 MB at 10,000 documents.
                let mut best = Vec::with_capacity(ranked.len());
                best.extend(ranked.iter().map(|x| x.0));
                best
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bigram_code_gives_the_key_of_the_string_it_spells() {
        for pair in ["质量", "检验", "𠀀𪚥", "品𠀀", "ab"] {
            let mut chars = pair.chars();
            let (first, second) = (chars.next().unwrap(), chars.next().unwrap());
            assert_eq!(bigram_key(bigram_code(first, second)), key(pair), "{pair}");
        }
    }

    #[test]
    fn bigram_codes_are_distinct_for_distinct_bigrams() {
        let codes = [
            ('质', '量'),
            ('量', '质'),
            ('\u{10ffff}', '质'),
            ('质', '\u{10ffff}'),
        ]
        .map(|(a, b)| bigram_code(a, b));
        for (i, a) in codes.iter().enumerate() {
            assert!(codes[i + 1..].iter().all(|b| b != a), "{codes:?}");
        }
    }
}
