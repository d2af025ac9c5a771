//! Text analysis shared by indexing, querying, snippets and the static export.
//!
//! Every character is first *folded* (full-width ASCII `！`..`～` → `!`..`~`, ideographic
//! space → space) and then classified:
//!
//! * [`CharClass::Cjk`]: Han ideographs (URO, extensions A–H, compatibility ideographs,
//!   `々` `〇`), kana, bopomofo and hangul. A maximal run of them becomes overlapping
//!   bigrams at consecutive positions (`质量管理` → `质量`@p `量管`@p+1 `管理`@p+2); a run of
//!   one character emits that character. Every CJK character also goes, on its own, to the
//!   unigram fields (see [`UnigramTokenizer`]), so one-character queries work.
//! * [`CharClass::Word`]: any other alphabetic or numeric character (`char::is_alphanumeric`).
//!   A maximal run is one lowercased word: `5G` → `5g`, `ＩＳＯ9004` → `iso9004`.
//! * [`CharClass::Sep`]: everything else (whitespace, punctuation, symbols). Separators are
//!   never indexed.
//!
//! Positions: the first token of a value is at position 0 and tokens follow each other at
//! consecutive positions, also across a change of script (`5G质量` → `5g`@0 `质量`@1). Where
//! one or more separators lie between two runs, the bigram fields get a marker token
//! [`SEPARATOR`] (a space, which can never be a real token) at the position between them
//! (`质量，管理` → `质量`@0 ` `@1 `管理`@2). tantivy leaves one empty position between the
//! values of a multi-valued field. So a phrase of bigrams (an unquoted Chinese query) can
//! never match across a separator, a script change or a value boundary, and a quoted phrase
//! with a separator is the exact phrase `A`, marker, `B`. The marker counts in the field
//! length (BM25's field norm) like any token; it is not exported as a term (see `export`).
//!
//! `templates/static/search.js` implements the same rules for queries; keep both in step.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The marker token indexed where separators lie between two runs (see the module docs).
pub const SEPARATOR: &str = " ";

/// The class of a (folded) character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CharClass {
    /// Han, kana, bopomofo or hangul: indexed as bigrams and unigrams.
    Cjk,
    /// Other letters and digits: indexed as lowercased words.
    Word,
    /// Whitespace, punctuation and symbols: token separators.
    Sep,
}

/// Folds full-width ASCII variants to ASCII and the ideographic space to a space
/// (the part of NFKC that matters for Chinese text).
#[inline]
pub fn fold(c: char) -> char {
    let u = c as u32;
    if (0xFF01..=0xFF5E).contains(&u) {
        char::from_u32(u - 0xFEE0).unwrap_or(c)
    } else if u == 0x3000 {
        ' '
    } else {
        c
    }
}

/// True for characters that are indexed as CJK bigrams/unigrams (see the module docs).
#[inline]
pub fn is_cjk(c: char) -> bool {
    let u = c as u32;
    matches!(u,
        0x3005 | 0x3007 | 0x3021..=0x3029 | 0x3038..=0x303B
        | 0x3041..=0x309F          // hiragana (incl. voicing marks)
        | 0x30A1..=0x30FA | 0x30FC..=0x30FF // katakana (not ゠ or the middle dot ・)
        | 0x3105..=0x312F | 0x31A0..=0x31BF // bopomofo
        | 0x3131..=0x318E          // hangul compatibility jamo
        | 0x31F0..=0x31FF          // katakana phonetic extensions
        | 0x3400..=0x4DBF          // CJK extension A
        | 0x4E00..=0x9FFF          // CJK unified ideographs
        | 0x1100..=0x11FF | 0xA960..=0xA97F | 0xD7B0..=0xD7FF // hangul jamo
        | 0xAC00..=0xD7A3          // hangul syllables
        | 0xF900..=0xFAFF          // CJK compatibility ideographs
        | 0xFF66..=0xFF9F          // half-width katakana
        | 0xFFA0..=0xFFDC          // half-width hangul
        | 0x1B000..=0x1B16F        // kana supplement / extended
        | 0x20000..=0x3FFFF        // CJK extensions B–H, compatibility supplement
    )
}

/// Classifies a character that has already been [`fold`]ed.
///
/// Characters of the Basic Multilingual Plane (all of ordinary Chinese text, punctuation
/// included) are looked up in a table made once from [`classify_slowly`]: Chinese
/// punctuation would otherwise go through the Unicode tables of `char::is_alphanumeric`
/// for every character of every text indexed.
#[inline]
pub fn classify(c: char) -> CharClass {
    match BMP_CLASSES.get(c as usize) {
        Some(&class) => class,
        None => classify_slowly(c),
    }
}

/// [`classify_slowly`] of every character below U+10000 (surrogates: [`CharClass::Sep`]).
static BMP_CLASSES: std::sync::LazyLock<Box<[CharClass]>> = std::sync::LazyLock::new(|| {
    (0..0x1_0000u32)
        .map(|u| char::from_u32(u).map_or(CharClass::Sep, classify_slowly))
        .collect()
});

/// [`classify`] by the rules themselves.
fn classify_slowly(c: char) -> CharClass {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            CharClass::Word
        } else {
            CharClass::Sep
        }
    } else if is_cjk(c) {
        CharClass::Cjk
    } else if c.is_alphanumeric() {
        CharClass::Word
    } else {
        CharClass::Sep
    }
}

/// Folds and classifies a raw character.
#[inline]
pub fn class_of(c: char) -> CharClass {
    classify(fold(c))
}

/// Lowercases one folded word character into `out` (full Unicode lowercase mapping).
#[inline]
pub fn push_lower(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        out.extend(c.to_lowercase());
    }
}

/// Normalizes a character for substring matching (snippets, oracles): folded, and
/// lowercased when the lowercase form is a single character.
#[inline]
pub fn norm_char(c: char) -> char {
    let c = fold(c);
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// The kind of a [`Run`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunKind {
    /// A maximal run of CJK characters.
    Cjk,
    /// A maximal run of word characters.
    Word,
}

/// A maximal run of CJK or word characters in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run<'a> {
    /// CJK or word.
    pub kind: RunKind,
    /// True when one or more separators precede the run (false for the first run of a text).
    pub gap_before: bool,
    /// `(byte offset, folded char)` of every character of the run.
    pub chars: &'a [(usize, char)],
    /// Byte offset just past the run's last character.
    pub end: usize,
}

/// Calls `f` for every run of `text`, in order. `buf` is scratch space reused between runs.
pub fn for_each_run(text: &str, buf: &mut Vec<(usize, char)>, mut f: impl FnMut(&Run<'_>)) {
    buf.clear();
    let mut kind = RunKind::Cjk;
    let mut pending_gap = false;
    let mut seen_run = false;
    let mut run_gap = false;
    let mut flush = |buf: &mut Vec<(usize, char)>, kind: RunKind, gap: bool, end: usize| {
        if !buf.is_empty() {
            f(&Run {
                kind,
                gap_before: gap,
                chars: buf,
                end,
            });
            buf.clear();
        }
    };
    for (i, raw) in text.char_indices() {
        let c = fold(raw);
        let class = classify(c);
        let this = match class {
            CharClass::Sep => {
                flush(buf, kind, run_gap, i);
                if seen_run {
                    pending_gap = true;
                }
                continue;
            }
            CharClass::Cjk => RunKind::Cjk,
            CharClass::Word => RunKind::Word,
        };
        if buf.is_empty() || this != kind {
            flush(buf, kind, run_gap, i);
            kind = this;
            run_gap = pending_gap;
            pending_gap = false;
            seen_run = true;
        }
        buf.push((i, c));
    }
    flush(buf, kind, run_gap, text.len());
}

/// One token as produced by [`tokenize`] (for tests, queries and tools).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimpleToken {
    /// Token text (bigram, single CJK character or lowercased word).
    pub text: String,
    /// Position (see the module docs).
    pub position: usize,
    /// True for a single CJK character emitted because its run has length one.
    pub single_cjk: bool,
    /// Byte range in the input.
    pub offsets: (usize, usize),
}

/// True for a term of the bigram fields made of two CJK characters.
pub fn is_bigram(term: &str) -> bool {
    let mut chars = term.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(a), Some(b), None) if is_cjk(a) && is_cjk(b))
}

/// Sets, in the bitset `out`, the position of every bigram that is followed by another
/// bigram of the same run, for a field with the values `values`, positioned as tantivy does
/// (each value starts one position after the previous value's last position + 1).
pub fn continuing_bigrams<'a>(values: impl Iterator<Item = &'a str>, out: &mut Vec<u64>) {
    let mut buf = Vec::new();
    let mut base = 0usize;
    for text in values {
        let mut next = 0usize;
        for_each_run(text, &mut buf, |run| {
            if run.gap_before {
                next += 1;
            }
            let n = run.chars.len();
            if run.kind == RunKind::Cjk && n >= 3 {
                for p in base + next..base + next + n - 2 {
                    if out.len() <= p / 64 {
                        out.resize(p / 64 + 1, 0);
                    }
                    out[p / 64] |= 1 << (p % 64);
                }
            }
            next += match run.kind {
                RunKind::Cjk => n.saturating_sub(1).max(1),
                RunKind::Word => 1,
            };
        });
        base += next + 1;
    }
}

/// Visits the bigram-field tokens of `text`: `(text, position, byte range, single_cjk)`.
fn emit_main(
    text: &str,
    buf: &mut Vec<(usize, char)>,
    scratch: &mut String,
    mut sink: impl FnMut(&str, usize, (usize, usize), bool),
) {
    let mut next = 0;
    let mut prev_end = 0;
    for_each_run(text, buf, |run| {
        if run.gap_before {
            sink(SEPARATOR, next, (prev_end, run.chars[0].0), false);
            next += 1;
        }
        prev_end = run.end;
        let chars = run.chars;
        match run.kind {
            RunKind::Cjk if chars.len() == 1 => {
                scratch.clear();
                scratch.push(chars[0].1);
                sink(scratch, next, (chars[0].0, run.end), true);
                next += 1;
            }
            RunKind::Cjk => {
                for i in 0..chars.len() - 1 {
                    scratch.clear();
                    scratch.push(chars[i].1);
                    scratch.push(chars[i + 1].1);
                    let end = chars.get(i + 2).map_or(run.end, |c| c.0);
                    sink(scratch, next + i, (chars[i].0, end), false);
                }
                next += chars.len() - 1;
            }
            RunKind::Word => {
                scratch.clear();
                for &(_, c) in chars {
                    push_lower(c, scratch);
                }
                sink(scratch, next, (chars[0].0, run.end), false);
                next += 1;
            }
        }
    });
}

/// Tokenizes `text` as the bigram (main) fields do, [`SEPARATOR`] markers included.
pub fn tokenize(text: &str) -> Vec<SimpleToken> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut scratch = String::new();
    emit_main(
        text,
        &mut buf,
        &mut scratch,
        |t, position, offsets, single_cjk| {
            out.push(SimpleToken {
                text: t.to_string(),
                position,
                single_cjk,
                offsets,
            })
        },
    );
    out
}

/// Tokenizes `text` as the unigram fields do: every CJK character, in order.
pub fn tokenize_unigrams(text: &str) -> Vec<String> {
    text.chars()
        .map(fold)
        .filter(|&c| classify(c) == CharClass::Cjk)
        .map(String::from)
        .collect()
}

/// Name under which [`BigramTokenizer`] is registered in the index.
pub const BIGRAM_TOKENIZER: &str = "biaogan_bigram";
/// Name under which [`UnigramTokenizer`] is registered in the index.
pub const UNIGRAM_TOKENIZER: &str = "biaogan_unigram";

/// tantivy tokenizer for the main text fields: CJK bigrams, lowercased words and
/// [`SEPARATOR`] markers.
#[derive(Clone, Default)]
pub struct BigramTokenizer {
    tokens: Vec<Token>,
    buf: Vec<(usize, char)>,
    scratch: String,
}

/// tantivy tokenizer for the unigram fields: one token per CJK character.
#[derive(Clone, Default)]
pub struct UnigramTokenizer {
    tokens: Vec<Token>,
}

/// Token stream over a tokenizer's reusable token buffer.
pub struct BufferedTokenStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl TokenStream for BufferedTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next.saturating_sub(1)]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next.saturating_sub(1)]
    }
}

/// Writes a token into slot `n` of `tokens`, reusing its allocation.
fn put(tokens: &mut Vec<Token>, n: usize, text: &str, position: usize, offsets: (usize, usize)) {
    if n == tokens.len() {
        tokens.push(Token::default());
    }
    let t = &mut tokens[n];
    t.text.clear();
    t.text.push_str(text);
    t.position = position;
    t.offset_from = offsets.0;
    t.offset_to = offsets.1;
    t.position_length = 1;
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BufferedTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufferedTokenStream<'a> {
        let mut n = 0;
        let tokens = &mut self.tokens;
        emit_main(text, &mut self.buf, &mut self.scratch, |t, pos, off, _| {
            put(tokens, n, t, pos, off);
            n += 1;
        });
        BufferedTokenStream {
            tokens: &mut self.tokens[..n],
            next: 0,
        }
    }
}

impl Tokenizer for UnigramTokenizer {
    type TokenStream<'a> = BufferedTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufferedTokenStream<'a> {
        let mut n = 0;
        let mut tmp = [0u8; 4];
        for (i, raw) in text.char_indices() {
            let c = fold(raw);
            if classify(c) == CharClass::Cjk {
                let s: &str = c.encode_utf8(&mut tmp);
                put(&mut self.tokens, n, s, n, (i, i + raw.len_utf8()));
                n += 1;
            }
        }
        BufferedTokenStream {
            tokens: &mut self.tokens[..n],
            next: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_classifies_every_character_as_the_rules_do() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            assert_eq!(classify(c), classify_slowly(c), "U+{:04X}", c as u32);
        }
        assert_eq!(classify('，'), CharClass::Sep);
        assert_eq!(classify('质'), CharClass::Cjk);
        assert_eq!(classify('é'), CharClass::Word);
        assert_eq!(classify('𠀀'), CharClass::Cjk);
    }
}
