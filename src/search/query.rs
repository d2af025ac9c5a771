//! Query language: from the text a user types to a list of required clauses.
//!
//! * Whitespace, punctuation and symbols separate query terms, and so does a change of
//!   script inside a word: `5G质量` is the two terms `5g` and `质量`, `质量，管理` is `质量` and
//!   `管理`. Every term is required (AND); a document matches a term when some text field
//!   (title, enterprise, summary, a heading, the body) contains it:
//!   * a run of Chinese (CJK) characters as an exact substring: one character is a term
//!     query on the unigram fields, two characters a term query on the bigram fields, more a
//!     phrase of overlapping bigrams;
//!   * a run of letters/digits as a whole word, case-insensitively, full-width folded.
//! * `"…"` (ASCII or full-width quotes, or `“…”`) keeps a phrase: its tokens must occur in
//!   order, with a separator wherever the quoted text has one, directly adjacent where it has
//!   none (`"GB/T 19004"` matches `GB/T 19004` and `GB-T，19004`), inside one field value
//!   (a separator is the marker token of `tokenizer`, so this is an ordinary phrase). A
//!   single Chinese character at either end of a quoted phrase must stand alone in the text
//!   (it is matched as a one-character run). An unclosed quote runs to the end of the query.
//! * Repeated terms count once; at most [`MAX_CLAUSES`] terms are used.
//!
//! `templates/static/search.js` parses queries identically; the parity test checks both.

use super::tokenizer::{for_each_run, push_lower, tokenize, RunKind};

/// Maximum number of clauses taken from one query.
pub const MAX_CLAUSES: usize = 32;

/// Which family of fields a clause searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// Bigram/word fields (`title`, `enterprise`, `summary`, `headings`, `body`).
    Main,
    /// Unigram fields (`title_u`, …): single CJK characters.
    Unigram,
}

/// Something to highlight in a snippet: a CJK substring or a whole word (normalized).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Needle {
    /// Normalized characters (folded, lowercased).
    pub chars: Vec<char>,
    /// True for a word (whole-word match), false for a CJK substring.
    pub word: bool,
}

/// One required clause: a term (one entry) or a phrase (several) over one field family.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    /// Field family searched.
    pub kind: FieldKind,
    /// `(offset, term text)`; offsets are relative positions within the phrase; quoted
    /// phrases contain the separator marker `tokenizer::SEPARATOR` as a term.
    pub terms: Vec<(usize, String)>,
    /// What to highlight for this clause.
    pub needles: Vec<Needle>,
}

/// A parsed query: every clause is required.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Clauses in query order (duplicates removed).
    pub clauses: Vec<Clause>,
}

impl ParsedQuery {
    /// All needles of all clauses.
    pub fn needles(&self) -> Vec<Needle> {
        let mut out: Vec<Needle> = Vec::new();
        for n in self.clauses.iter().flat_map(|c| c.needles.iter()) {
            if !out.contains(n) {
                out.push(n.clone());
            }
        }
        out
    }
}

/// True for the characters that open or close a quoted phrase.
fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{FF02}' | '\u{201C}' | '\u{201D}')
}

fn run_needle(kind: RunKind, chars: &[(usize, char)]) -> Needle {
    let mut s = String::new();
    for &(_, c) in chars {
        match kind {
            RunKind::Word => push_lower(c, &mut s),
            RunKind::Cjk => s.push(c),
        }
    }
    Needle {
        chars: s.chars().collect(),
        word: kind == RunKind::Word,
    }
}

fn unquoted(text: &str, out: &mut Vec<Clause>) {
    let mut buf = Vec::new();
    for_each_run(text, &mut buf, |run| {
        let needle = run_needle(run.kind, run.chars);
        let clause = match run.kind {
            RunKind::Word => Clause {
                kind: FieldKind::Main,
                terms: vec![(0, needle.chars.iter().collect())],
                needles: vec![needle],
            },
            RunKind::Cjk if run.chars.len() == 1 => Clause {
                kind: FieldKind::Unigram,
                terms: vec![(0, run.chars[0].1.to_string())],
                needles: vec![needle],
            },
            RunKind::Cjk => Clause {
                kind: FieldKind::Main,
                terms: run
                    .chars
                    .windows(2)
                    .enumerate()
                    .map(|(i, w)| (i, [w[0].1, w[1].1].iter().collect()))
                    .collect(),
                needles: vec![needle],
            },
        };
        out.push(clause);
    });
}

fn quoted(text: &str, out: &mut Vec<Clause>) {
    let mut needles = Vec::new();
    let mut buf = Vec::new();
    for_each_run(text, &mut buf, |run| {
        needles.push(run_needle(run.kind, run.chars))
    });
    let tokens = tokenize(text);
    match tokens.as_slice() {
        [] => {}
        [t] if t.single_cjk => out.push(Clause {
            kind: FieldKind::Unigram,
            terms: vec![(0, t.text.clone())],
            needles,
        }),
        [first, ..] => {
            let base = first.position;
            out.push(Clause {
                kind: FieldKind::Main,
                terms: tokens
                    .iter()
                    .map(|t| (t.position - base, t.text.clone()))
                    .collect(),
                needles,
            })
        }
    }
}

/// Parses a query string (see the module docs for the language).
pub fn parse_query(query: &str) -> ParsedQuery {
    let mut raw = Vec::new();
    let mut in_quote = false;
    let mut start = 0;
    for (i, c) in query.char_indices() {
        if is_quote(c) {
            let part = &query[start..i];
            if in_quote {
                quoted(part, &mut raw);
            } else {
                unquoted(part, &mut raw);
            }
            in_quote = !in_quote;
            start = i + c.len_utf8();
        }
    }
    let rest = &query[start..];
    if in_quote {
        quoted(rest, &mut raw);
    } else {
        unquoted(rest, &mut raw);
    }
    let mut clauses: Vec<Clause> = Vec::new();
    for c in raw {
        if clauses.len() == MAX_CLAUSES {
            break;
        }
        if !clauses
            .iter()
            .any(|d| d.kind == c.kind && d.terms == c.terms)
        {
            clauses.push(c);
        }
    }
    ParsedQuery { clauses }
}
