//! Result snippets: about [`SNIPPET_CHARS`] characters of the body (or of the summary when
//! the body has no match) around the first match, HTML-escaped, matches in `<mark>`.
//!
//! Matching is on normalized characters (see [`norm_char`]): Chinese needles match as
//! substrings, words as whole words. `search.js` implements the same algorithm, so the
//! static site shows the same snippets as `biaogan search`.

use super::query::Needle;
use super::tokenizer::{classify, norm_char, CharClass};

/// Length of a snippet window in characters.
pub const SNIPPET_CHARS: usize = 100;
/// Characters of context kept before the first match.
pub const SNIPPET_LEAD: usize = 20;
/// Sorted, merged `[start, end)` character ranges of every needle occurrence in `text`.
pub fn find_matches(text: &[char], needles: &[Needle]) -> Vec<(usize, usize)> {
    let norm: Vec<char> = text.iter().map(|&c| norm_char(c)).collect();
    let is_word = |i: usize| norm.get(i).is_some_and(|&c| classify(c) == CharClass::Word);
    let mut ranges = Vec::new();
    for needle in needles {
        let n = needle.chars.len();
        if n == 0 || n > norm.len() {
            continue;
        }
        for i in 0..=norm.len() - n {
            if norm[i..i + n] == needle.chars[..]
                && !(needle.word && ((i > 0 && is_word(i - 1)) || is_word(i + n)))
            {
                ranges.push((i, i + n));
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

fn escape_into(c: char, out: &mut String) {
    match c {
        '\n' | '\r' | '\t' => out.push(' '),
        c => match crate::escape::html_entity(c) {
            Some(entity) => out.push_str(entity),
            None => out.push(c),
        },
    }
}

fn render(text: &[char], start: usize, end: usize, matches: &[(usize, usize)]) -> String {
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut open = false;
    for (i, &c) in text.iter().enumerate().take(end).skip(start) {
        if !open && matches.iter().any(|&(s, e)| s <= i && i < e) {
            out.push_str("<mark>");
            open = true;
        }
        escape_into(c, &mut out);
        if open && matches.iter().any(|&(_, e)| e == i + 1) {
            out.push_str("</mark>");
            open = false;
        }
    }
    if open {
        out.push_str("</mark>");
    }
    if end < text.len() {
        out.push('…');
    }
    out
}

/// The snippet window `[start, end)` for the first match `(first_start, first_end)` in a
/// text of `len` characters.
fn bounds(first: (usize, usize), len: usize) -> (usize, usize) {
    let start = first
        .0
        .saturating_sub(SNIPPET_LEAD)
        .min(len.saturating_sub(SNIPPET_CHARS));
    (start, (start + SNIPPET_CHARS).min(len).max(first.1))
}

fn window(text: &[char], needles: &[Needle]) -> Option<String> {
    let matches = find_matches(text, needles);
    let &first = matches.first()?;
    let (start, end) = bounds(first, text.len());
    Some(render(text, start, end, &matches))
}

/// Builds the snippet for a document (see the module docs).
pub fn make_snippet(body: &str, summary: &str, needles: &[Needle]) -> String {
    let body: Vec<char> = body.chars().collect();
    if let Some(s) = window(&body, needles) {
        return s;
    }
    let summary: Vec<char> = summary.chars().collect();
    if let Some(s) = window(&summary, needles) {
        return s;
    }
    let text = if body.is_empty() { &summary } else { &body };
    render(text, 0, SNIPPET_CHARS.min(text.len()), &[])
}
