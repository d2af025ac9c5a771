//! CommonMark CJK-friendly emphasis amendment, applied to a pulldown-cmark event stream.
//!
//! pulldown-cmark 0.13.6 implements the plain CommonMark flanking rules, which leave
//! `**质量第一。**后文` unrendered: the closing `**` is preceded by punctuation and followed
//! by a letter, so it is not right-flanking.  The "CommonMark CJK-friendly amendments"
//! (<https://github.com/tats-u/markdown-cjk-friendly>, `specification.md`) relax the flanking
//! rules next to CJK characters.
//!
//! This pass works on one inline container at a time (the inline events of a paragraph,
//! heading, table cell or tight list item):
//!
//! 1. Every `*`/`_` delimiter run is reconstructed from the source: characters that
//!    pulldown-cmark left as text, plus the delimiters of the `Emphasis`/`Strong` events it
//!    emitted.  Escaped characters, entities, code spans, raw HTML, link destinations and
//!    autolinks never contribute delimiters.
//! 2. For each run, `can open`/`can close` is computed both with the plain CommonMark rules and
//!    with the amended rules.  If no run differs, the container is passed through untouched
//!    (this is the case for nearly all text, and for every text without CJK characters or
//!    variation selectors), so pulldown-cmark's own result is kept.
//! 3. Otherwise all emphasis in the container is dissolved and re-paired with the CommonMark
//!    "process emphasis" algorithm (spec appendix) using the amended flags.  Links, images and
//!    strikethrough spans stay as pulldown-cmark resolved them; as in CommonMark, the emphasis
//!    inside them is paired independently of the emphasis around them.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// An event with its byte range in the Markdown source.
pub(crate) type Spanned<'a> = (Event<'a>, Range<usize>);

/// Applies the CJK-friendly emphasis amendment to a whole document's events.
///
/// `source` must be the text the events were parsed from.
pub(crate) fn amend<'a>(source: &'a str, events: Vec<Spanned<'a>>) -> Vec<Spanned<'a>> {
    amend_impl(source, events, false)
}

/// [`amend`], optionally re-pairing every container that has delimiters even when the
/// amendment changes no flag (tests use this to check the pairing against pulldown-cmark).
fn amend_impl<'a>(source: &'a str, mut events: Vec<Spanned<'a>>, force: bool) -> Vec<Spanned<'a>> {
    // Built only once some container actually changes; until then nothing is copied.
    let mut rebuilt: Option<Vec<Spanned<'a>>> = None;
    let mut copied = 0usize;
    let mut code_block_depth = 0usize;
    let n = events.len();
    let mut scratch = Scratch::default();
    let mut i = 0;
    while i < n {
        if code_block_depth == 0 && is_inline(&events[i].0) {
            let start = i;
            while i < n && is_inline(&events[i].0) {
                i += 1;
            }
            let container = &events[start..i];
            if !has_delimiters(container) || !(force || may_involve_cjk(source, container)) {
                continue;
            }
            if analyse(source, container, force, &mut scratch) {
                let out = rebuilt.get_or_insert_with(|| Vec::with_capacity(n + 16));
                out.extend(events[copied..start].iter_mut().map(take));
                emit(source, &scratch, &mut events[start..i], out);
                copied = i;
            }
            continue;
        }
        match &events[i].0 {
            Event::Start(Tag::CodeBlock(_)) => code_block_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_block_depth = code_block_depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    match rebuilt {
        None => events,
        Some(mut out) => {
            out.extend(events[copied..].iter_mut().map(take));
            out
        }
    }
}

/// Moves an event out of the vector, leaving a placeholder.
fn take<'a>(slot: &mut Spanned<'a>) -> Spanned<'a> {
    (
        std::mem::replace(&mut slot.0, Event::SoftBreak),
        slot.1.clone(),
    )
}

/// Whether an event belongs to inline content.
fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        Event::Html(_) | Event::Rule | Event::TaskListMarker(_) => false,
    }
}

/// Cheap pre-check: can the amendment change anything here?  It only differs from plain
/// CommonMark next to CJK characters (all at or above U+1100) and variation selectors
/// (U+FE00…, U+E0100…), whose UTF-8 encodings all start with a byte of 0xE1 or more.
fn may_involve_cjk(source: &str, container: &[Spanned<'_>]) -> bool {
    let (Some(first), Some(last)) = (container.first(), container.last()) else {
        return false;
    };
    let start = first.1.start.min(source.len());
    let end = last.1.end.clamp(start, source.len());
    source.as_bytes()[start..end].iter().any(|&b| b >= 0xE1)
}

/// Cheap pre-check: does the container hold any emphasis or `*`/`_` text at all?
fn has_delimiters(container: &[Spanned<'_>]) -> bool {
    container.iter().any(|(event, _)| match event {
        Event::Start(Tag::Emphasis | Tag::Strong) => true,
        Event::Text(text) => text.bytes().any(|b| b == b'*' || b == b'_'),
        _ => false,
    })
}

/// A piece of an inline container after delimiter runs have been separated.
#[derive(Debug)]
enum Tok {
    /// The original event at this index of the container.
    Event(usize),
    /// A slice of the source that is literal text (part of a split `Text` event).
    Text(Range<usize>),
    /// A delimiter run (index into the run table).
    Run(usize),
    /// Start of a link, image or strikethrough: emphasis inside is paired separately.
    GroupOpen(usize),
    /// End of such a group.
    GroupClose(usize),
}

/// A delimiter run of `*` or `_`.
#[derive(Debug, Clone)]
struct Run {
    ch: u8,
    start: usize,
    len: usize,
    can_open: bool,
    can_close: bool,
    /// Characters still unmatched.
    remaining: usize,
    /// Characters consumed (from the left) by matches where this run closed emphasis.
    closed: usize,
    /// First and last match (index into the match table) where this run is the closer; the
    /// list continues through [`Match::next_close`], in match order.
    first_close: usize,
    last_close: usize,
    /// Latest match where this run is the opener; the list continues through
    /// [`Match::prev_open`], i.e. from the outermost to the innermost.
    last_open: usize,
}

/// End-of-list marker for the intrusive lists and linked delimiter stack.
const NONE: usize = usize::MAX;

/// One emphasis pairing found by the algorithm.
#[derive(Debug, Clone)]
struct Match {
    strong: bool,
    range: Range<usize>,
    next_close: usize,
    prev_open: usize,
}

/// Working buffers, reused across the containers of a document.
#[derive(Default)]
struct Scratch {
    toks: Vec<Tok>,
    runs: Vec<Run>,
    matches: Vec<Match>,
    group_stack: Vec<bool>,
    stack: Vec<usize>,
    bottoms: Vec<usize>,
    prev: Vec<usize>,
    next: Vec<usize>,
}

/// Splits the container into tokens and decides whether the amendment changes anything.
/// Returns `true` (with the re-paired tokens in `scratch`) when the container must be
/// rewritten, `false` when it can be kept as pulldown-cmark produced it.
fn analyse(source: &str, container: &[Spanned<'_>], force: bool, scratch: &mut Scratch) -> bool {
    tokenize(source, container, scratch).is_some() && {
        let differs = compute_flags(source, container, scratch);
        if differs || force {
            pair(scratch);
        }
        differs || force
    }
}

/// Fills `scratch.toks` and `scratch.runs`.  `None` if the events do not match the source as
/// expected (then the container is left alone) or there are no delimiter runs.
fn tokenize(source: &str, container: &[Spanned<'_>], scratch: &mut Scratch) -> Option<()> {
    let bytes = source.as_bytes();
    let Scratch {
        toks,
        runs,
        matches,
        group_stack,
        ..
    } = scratch;
    toks.clear();
    runs.clear();
    matches.clear();
    group_stack.clear();
    let mut autolink_depth = 0usize;

    // Adds one delimiter character, extending the previous run when contiguous.
    fn push_delim(toks: &mut Vec<Tok>, runs: &mut Vec<Run>, ch: u8, pos: usize) {
        if let Some(Tok::Run(last)) = toks.last() {
            let run = &mut runs[*last];
            if run.ch == ch && run.start + run.len == pos {
                run.len += 1;
                return;
            }
        }
        runs.push(Run {
            ch,
            start: pos,
            len: 1,
            can_open: false,
            can_close: false,
            remaining: 0,
            closed: 0,
            first_close: NONE,
            last_close: NONE,
            last_open: NONE,
        });
        toks.push(Tok::Run(runs.len() - 1));
    }

    for (idx, (event, range)) in container.iter().enumerate() {
        match event {
            Event::Start(Tag::Emphasis | Tag::Strong)
            | Event::End(TagEnd::Emphasis | TagEnd::Strong) => {
                // The delimiter characters: one for emphasis, two for strong emphasis.
                let width = match event {
                    Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => 2,
                    _ => 1,
                };
                let pos = if matches!(event, Event::Start(_)) {
                    range.start
                } else {
                    range.end.checked_sub(width)?
                };
                let ch = *bytes.get(pos)?;
                let delimiters = pos..pos + width;
                if (ch != b'*' && ch != b'_')
                    || delimiters.clone().any(|p| bytes.get(p) != Some(&ch))
                {
                    return None;
                }
                for p in delimiters {
                    push_delim(toks, runs, ch, p);
                }
            }
            Event::Text(text) => {
                let mapped = autolink_depth == 0
                    && source.get(range.clone()) == Some(text.as_ref())
                    && text.bytes().any(|b| b == b'*' || b == b'_');
                if !mapped {
                    toks.push(Tok::Event(idx));
                    continue;
                }
                let mut piece_start = range.start;
                for (offset, b) in text.bytes().enumerate() {
                    if b != b'*' && b != b'_' {
                        continue;
                    }
                    let pos = range.start + offset;
                    if is_escaped(bytes, pos) {
                        continue;
                    }
                    if piece_start < pos {
                        toks.push(Tok::Text(piece_start..pos));
                    }
                    push_delim(toks, runs, b, pos);
                    piece_start = pos + 1;
                }
                if piece_start < range.end {
                    toks.push(Tok::Text(piece_start..range.end));
                }
            }
            Event::Start(Tag::Link { link_type, .. }) => {
                if matches!(link_type, LinkType::Autolink | LinkType::Email) {
                    autolink_depth += 1;
                }
                group_stack.push(matches!(link_type, LinkType::Autolink | LinkType::Email));
                toks.push(Tok::GroupOpen(idx));
            }
            Event::Start(
                Tag::Image { .. } | Tag::Strikethrough | Tag::Superscript | Tag::Subscript,
            ) => {
                group_stack.push(false);
                toks.push(Tok::GroupOpen(idx));
            }
            Event::End(
                TagEnd::Link
                | TagEnd::Image
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript,
            ) => {
                if group_stack.pop() == Some(true) {
                    autolink_depth = autolink_depth.saturating_sub(1);
                }
                toks.push(Tok::GroupClose(idx));
            }
            _ => toks.push(Tok::Event(idx)),
        }
    }

    if runs.is_empty() {
        return None;
    }
    Some(())
}

/// Sets the amended flags of every run; returns whether any differs from plain CommonMark.
fn compute_flags(source: &str, container: &[Spanned<'_>], scratch: &mut Scratch) -> bool {
    let Scratch { toks, runs, .. } = scratch;
    let mut differs = false;
    for (t, tok) in toks.iter().enumerate() {
        let Tok::Run(r) = tok else { continue };
        let run = &runs[*r];
        let line_start = t == 0
            || matches!(
                toks.get(t - 1),
                Some(Tok::Event(i)) if matches!(container[*i].0, Event::SoftBreak | Event::HardBreak)
            );
        // The end of the container counts as whitespace; elsewhere the source character
        // decides (a backslash hard break is punctuation, as in pulldown-cmark).
        let line_end = match toks.get(t + 1) {
            None => true,
            Some(Tok::Event(i)) => matches!(container[*i].0, Event::SoftBreak),
            Some(_) => false,
        };
        let before = if line_start {
            Before::SPACE
        } else {
            Before::classify(source, run.start)
        };
        let after = if line_end {
            After::SPACE
        } else {
            After::classify(source, run.start + run.len)
        };
        let plain = flags_commonmark(run.ch, &before, &after);
        let amended = flags_amended(run.ch, &before, &after);
        differs |= plain != amended;
        let run = &mut runs[*r];
        (run.can_open, run.can_close) = amended;
        run.remaining = run.len;
    }
    differs
}

/// Whether the byte at `pos` is preceded by an odd number of backslashes.
fn is_escaped(bytes: &[u8], pos: usize) -> bool {
    let slashes = bytes[..pos]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    slashes % 2 == 1
}

/// What precedes a delimiter run.
#[derive(Debug, Clone, Copy)]
struct Before {
    /// The immediately preceding character (plain CommonMark view).
    raw_space: bool,
    raw_punct: bool,
    /// The amended view: the preceding character sequence, looking through a variation selector.
    space: bool,
    /// Unicode punctuation sequence.
    punct: bool,
    /// Non-CJK punctuation sequence.
    non_cjk_punct: bool,
    /// CJK sequence.
    cjk: bool,
    /// Ideographic variation selector.
    ideo_vs: bool,
}

impl Before {
    const SPACE: Before = Before {
        raw_space: true,
        raw_punct: false,
        space: true,
        punct: false,
        non_cjk_punct: false,
        cjk: false,
        ideo_vs: false,
    };

    fn classify(source: &str, pos: usize) -> Before {
        let head = source.get(..pos).unwrap_or("");
        let mut chars = head.chars().rev();
        let Some(raw) = chars.next() else {
            return Before::SPACE;
        };
        let raw_space = raw.is_whitespace();
        let raw_punct = is_punctuation(raw);
        let mut b = Before {
            raw_space,
            raw_punct,
            space: raw_space,
            punct: raw_punct,
            non_cjk_punct: raw_punct && !is_cjk(raw),
            cjk: is_cjk(raw),
            ideo_vs: false,
        };
        if is_ideographic_vs(raw) {
            b.ideo_vs = true;
        } else if is_general_vs(raw) {
            // A variation selector: the sequence is classified by its base character.
            match chars.next() {
                Some(base) => {
                    let punct = is_punctuation(base);
                    let cjk = is_cjk(base);
                    let ambiguous = raw == '\u{FE01}'
                        && matches!(base, '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}');
                    b.space = false;
                    b.punct = punct;
                    b.cjk = cjk;
                    b.non_cjk_punct = punct && !cjk && !ambiguous;
                }
                None => {
                    b.space = false;
                    b.punct = false;
                    b.non_cjk_punct = false;
                    b.cjk = false;
                }
            }
        }
        b
    }
}

/// What follows a delimiter run.
#[derive(Debug, Clone, Copy)]
struct After {
    space: bool,
    punct: bool,
    cjk: bool,
}

impl After {
    const SPACE: After = After {
        space: true,
        punct: false,
        cjk: false,
    };

    fn classify(source: &str, pos: usize) -> After {
        match source.get(pos..).and_then(|tail| tail.chars().next()) {
            None => After::SPACE,
            Some(c) => After {
                space: c.is_whitespace(),
                punct: is_punctuation(c),
                cjk: is_cjk(c),
            },
        }
    }
}

/// `(can_open, can_close)` under plain CommonMark 0.31.
fn flags_commonmark(ch: u8, before: &Before, after: &After) -> (bool, bool) {
    let left = !after.space && (!after.punct || before.raw_space || before.raw_punct);
    let right = !before.raw_space && (!before.raw_punct || after.space || after.punct);
    if ch == b'_' {
        (
            left && (!right || before.raw_punct),
            right && (!left || after.punct),
        )
    } else {
        (left, right)
    }
}

/// `(can_open, can_close)` under the CJK-friendly amendment.
fn flags_amended(ch: u8, before: &Before, after: &After) -> (bool, bool) {
    // Left-flanking: (1) not followed by whitespace, and (2a) not followed by a non-CJK
    // punctuation character, or (2b) preceded by whitespace, a non-CJK punctuation sequence,
    // a CJK sequence or an ideographic variation selector.
    let after_non_cjk_punct = after.punct && !after.cjk;
    let left = !after.space
        && (!after_non_cjk_punct
            || before.space
            || before.non_cjk_punct
            || before.cjk
            || before.ideo_vs);
    // Right-flanking: (1) not preceded by whitespace, and (2a) not preceded by a non-CJK
    // punctuation sequence, or (2b) followed by whitespace, a non-CJK punctuation character or
    // a CJK character.
    let right =
        !before.space && (!before.non_cjk_punct || after.space || after_non_cjk_punct || after.cjk);
    if ch == b'_' {
        (
            left && (!right || before.punct),
            right && (!left || after.punct),
        )
    } else {
        (left, right)
    }
}

/// Runs CommonMark's "process emphasis" over the container, group by group.
fn pair(scratch: &mut Scratch) {
    let Scratch {
        toks,
        runs,
        matches,
        stack,
        bottoms,
        prev,
        next,
        ..
    } = scratch;
    stack.clear();
    bottoms.clear();
    for tok in toks.iter() {
        match *tok {
            Tok::Run(r) => stack.push(r),
            Tok::GroupOpen(_) => bottoms.push(stack.len()),
            Tok::GroupClose(_) => {
                let bottom = bottoms.pop().unwrap_or(0).min(stack.len());
                process_emphasis(runs, matches, &stack[bottom..], prev, next);
                stack.truncate(bottom);
            }
            Tok::Event(_) | Tok::Text(_) => {}
        }
    }
    process_emphasis(runs, matches, stack, prev, next);
}

/// CommonMark 0.31 "process emphasis" over the delimiter runs `order` (in document order).
/// `prev`/`next` are scratch space for the doubly linked delimiter list.
fn process_emphasis(
    runs: &mut [Run],
    matches: &mut Vec<Match>,
    order: &[usize],
    prev: &mut Vec<usize>,
    next: &mut Vec<usize>,
) {
    let n = order.len();
    if n == 0 {
        return;
    }
    // Doubly linked list over positions in `order`; `NONE` marks the bottom / end.
    prev.clear();
    prev.extend((0..n).map(|i| i.checked_sub(1).unwrap_or(NONE)));
    next.clear();
    next.extend((1..=n).map(|i| if i == n { NONE } else { i }));
    let unlink = |prev: &mut [usize], next: &mut [usize], i: usize| {
        let (p, nx) = (prev[i], next[i]);
        if p != NONE {
            next[p] = nx;
        }
        if nx != NONE {
            prev[nx] = p;
        }
    };
    // openers_bottom[char][closer can open][closer length % 3]
    let mut openers_bottom = [[[NONE; 3]; 2]; 2];
    let mut current = 0usize;
    while current != NONE {
        let closer = &runs[order[current]];
        if !closer.can_close || closer.remaining == 0 {
            current = next[current];
            continue;
        }
        let ch_ix = usize::from(closer.ch == b'_');
        let open_ix = usize::from(closer.can_open);
        let len_ix = closer.len % 3;
        let bottom = openers_bottom[ch_ix][open_ix][len_ix];
        let mut opener = prev[current];
        let mut found = NONE;
        while opener != NONE && opener != bottom {
            let o = &runs[order[opener]];
            if o.ch == closer.ch && o.can_open && o.remaining > 0 {
                let both = o.can_close || closer.can_open;
                let odd_match = both
                    && (o.len + closer.len) % 3 == 0
                    && !(o.len % 3 == 0 && closer.len % 3 == 0);
                if !odd_match {
                    found = opener;
                    break;
                }
            }
            opener = prev[opener];
        }
        if found == NONE {
            openers_bottom[ch_ix][open_ix][len_ix] = prev[current];
            let after = next[current];
            if !closer.can_open {
                unlink(prev, next, current);
            }
            current = after;
            continue;
        }
        let (oi, ci) = (order[found], order[current]);
        let strong = runs[oi].remaining >= 2 && runs[ci].remaining >= 2;
        let used = if strong { 2 } else { 1 };
        // The opener gives up its rightmost unmatched characters, the closer its leftmost.
        let open_end = runs[oi].start + runs[oi].closed + runs[oi].remaining;
        let close_start = runs[ci].start + runs[ci].closed;
        let m = matches.len();
        matches.push(Match {
            strong,
            range: (open_end - used)..(close_start + used),
            next_close: NONE,
            prev_open: runs[oi].last_open,
        });
        runs[oi].remaining -= used;
        runs[oi].last_open = m;
        runs[ci].remaining -= used;
        runs[ci].closed += used;
        match runs[ci].last_close {
            NONE => runs[ci].first_close = m,
            last => matches[last].next_close = m,
        }
        runs[ci].last_close = m;
        // Delimiters between opener and closer can no longer match.
        let mut between = next[found];
        while between != NONE && between != current {
            let following = next[between];
            unlink(prev, next, between);
            between = following;
        }
        if runs[oi].remaining == 0 {
            unlink(prev, next, found);
        }
        if runs[ci].remaining == 0 {
            let after = next[current];
            unlink(prev, next, current);
            current = after;
        }
    }
}

/// Writes the re-paired container.
fn emit<'a>(
    source: &'a str,
    scratch: &Scratch,
    container: &mut [Spanned<'a>],
    out: &mut Vec<Spanned<'a>>,
) {
    let Scratch {
        toks,
        runs,
        matches,
        ..
    } = scratch;
    let text = |r: Range<usize>| -> Option<Spanned<'a>> {
        source
            .get(r.clone())
            .filter(|s| !s.is_empty())
            .map(|s| (Event::Text(CowStr::Borrowed(s)), r))
    };
    for tok in toks {
        match tok {
            Tok::Event(i) | Tok::GroupOpen(i) | Tok::GroupClose(i) => {
                out.push(take(&mut container[*i]));
            }
            Tok::Text(r) => out.extend(text(r.clone())),
            Tok::Run(r) => {
                let run = &runs[*r];
                let chain = |first: usize, next: fn(&Match) -> usize| {
                    std::iter::successors(matches.get(first), move |m| matches.get(next(m)))
                };
                let tag = |found: &Match| {
                    if found.strong {
                        Tag::Strong
                    } else {
                        Tag::Emphasis
                    }
                };
                for found in chain(run.first_close, |m| m.next_close) {
                    out.push((Event::End(tag(found).to_end()), found.range.clone()));
                }
                let lit_start = run.start + run.closed;
                out.extend(text(lit_start..lit_start + run.remaining));
                for found in chain(run.last_open, |m| m.prev_open) {
                    out.push((Event::Start(tag(found)), found.range.clone()));
                }
            }
        }
    }
}

/// Whether `c` is a CommonMark Unicode punctuation character (P* or S* category).
pub(crate) fn is_punctuation(c: char) -> bool {
    let cp = c as u32;
    if cp < 0x80 {
        return (c as u8).is_ascii_punctuation();
    }
    in_ranges(PUNCT_RANGES, cp)
}

/// Whether `c` is a CJK character as the amendment defines it.
pub(crate) fn is_cjk(c: char) -> bool {
    let cp = c as u32;
    cp >= 0x1100 && in_ranges(CJK_RANGES, cp)
}

/// Non-emoji general-use variation selectors (U+FE00–U+FE0E).
fn is_general_vs(c: char) -> bool {
    ('\u{FE00}'..='\u{FE0E}').contains(&c)
}

/// Ideographic variation selectors (U+E0100–U+E01EF).
fn is_ideographic_vs(c: char) -> bool {
    ('\u{E0100}'..='\u{E01EF}').contains(&c)
}

fn in_ranges(ranges: &[(u32, u32)], cp: u32) -> bool {
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// CJK characters as the CJK-friendly amendment defines them (East Asian Width W/F/H minus
/// default-emoji-presentation characters, plus the Hangul script), Unicode 17 data.
const CJK_RANGES: &[(u32, u32)] = &[
    (0x1100, 0x11FF),
    (0x20A9, 0x20A9),
    (0x2329, 0x232A),
    (0x2630, 0x2637),
    (0x268A, 0x268F),
    (0x2E80, 0x2E99),
    (0x2E9B, 0x2EF3),
    (0x2F00, 0x2FD5),
    (0x2FF0, 0x303E),
    (0x3041, 0x3096),
    (0x3099, 0x30FF),
    (0x3105, 0x312F),
    (0x3131, 0x318E),
    (0x3190, 0x31E5),
    (0x31EF, 0x321E),
    (0x3220, 0x3247),
    (0x3250, 0xA48C),
    (0xA490, 0xA4C6),
    (0xA960, 0xA97C),
    (0xAC00, 0xD7A3),
    (0xD7B0, 0xD7C6),
    (0xD7CB, 0xD7FB),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE19),
    (0xFE30, 0xFE52),
    (0xFE54, 0xFE66),
    (0xFE68, 0xFE6B),
    (0xFF01, 0xFFBE),
    (0xFFC2, 0xFFC7),
    (0xFFCA, 0xFFCF),
    (0xFFD2, 0xFFD7),
    (0xFFDA, 0xFFDC),
    (0xFFE0, 0xFFE6),
    (0xFFE8, 0xFFEE),
    (0x16FE0, 0x16FE4),
    (0x16FF0, 0x16FF6),
    (0x17000, 0x18CD5),
    (0x18CFF, 0x18D1E),
    (0x18D80, 0x18DF2),
    (0x1AFF0, 0x1AFF3),
    (0x1AFF5, 0x1AFFB),
    (0x1AFFD, 0x1AFFE),
    (0x1B000, 0x1B122),
    (0x1B132, 0x1B132),
    (0x1B150, 0x1B152),
    (0x1B155, 0x1B155),
    (0x1B164, 0x1B167),
    (0x1B170, 0x1B2FB),
    (0x1D300, 0x1D356),
    (0x1D360, 0x1D376),
    (0x1F200, 0x1F200),
    (0x1F202, 0x1F202),
    (0x1F210, 0x1F219),
    (0x1F21B, 0x1F22E),
    (0x1F230, 0x1F231),
    (0x1F237, 0x1F237),
    (0x1F23B, 0x1F23B),
    (0x1F240, 0x1F248),
    (0x1F260, 0x1F265),
    (0x20000, 0x3FFFD),
];

/// Non-ASCII Unicode punctuation (general categories P* and S*), as CommonMark 0.31 defines it.
/// Generated from the Unicode 14.0.0 character database (Python `unicodedata`).
const PUNCT_RANGES: &[(u32, u32)] = &[
    (0xA1, 0xA9),
    (0xAB, 0xAC),
    (0xAE, 0xB1),
    (0xB4, 0xB4),
    (0xB6, 0xB8),
    (0xBB, 0xBB),
    (0xBF, 0xBF),
    (0xD7, 0xD7),
    (0xF7, 0xF7),
    (0x2C2, 0x2C5),
    (0x2D2, 0x2DF),
    (0x2E5, 0x2EB),
    (0x2ED, 0x2ED),
    (0x2EF, 0x2FF),
    (0x375, 0x375),
    (0x37E, 0x37E),
    (0x384, 0x385),
    (0x387, 0x387),
    (0x3F6, 0x3F6),
    (0x482, 0x482),
    (0x55A, 0x55F),
    (0x589, 0x58A),
    (0x58D, 0x58F),
    (0x5BE, 0x5BE),
    (0x5C0, 0x5C0),
    (0x5C3, 0x5C3),
    (0x5C6, 0x5C6),
    (0x5F3, 0x5F4),
    (0x606, 0x60F),
    (0x61B, 0x61B),
    (0x61D, 0x61F),
    (0x66A, 0x66D),
    (0x6D4, 0x6D4),
    (0x6DE, 0x6DE),
    (0x6E9, 0x6E9),
    (0x6FD, 0x6FE),
    (0x700, 0x70D),
    (0x7F6, 0x7F9),
    (0x7FE, 0x7FF),
    (0x830, 0x83E),
    (0x85E, 0x85E),
    (0x888, 0x888),
    (0x964, 0x965),
    (0x970, 0x970),
    (0x9F2, 0x9F3),
    (0x9FA, 0x9FB),
    (0x9FD, 0x9FD),
    (0xA76, 0xA76),
    (0xAF0, 0xAF1),
    (0xB70, 0xB70),
    (0xBF3, 0xBFA),
    (0xC77, 0xC77),
    (0xC7F, 0xC7F),
    (0xC84, 0xC84),
    (0xD4F, 0xD4F),
    (0xD79, 0xD79),
    (0xDF4, 0xDF4),
    (0xE3F, 0xE3F),
    (0xE4F, 0xE4F),
    (0xE5A, 0xE5B),
    (0xF01, 0xF17),
    (0xF1A, 0xF1F),
    (0xF34, 0xF34),
    (0xF36, 0xF36),
    (0xF38, 0xF38),
    (0xF3A, 0xF3D),
    (0xF85, 0xF85),
    (0xFBE, 0xFC5),
    (0xFC7, 0xFCC),
    (0xFCE, 0xFDA),
    (0x104A, 0x104F),
    (0x109E, 0x109F),
    (0x10FB, 0x10FB),
    (0x1360, 0x1368),
    (0x1390, 0x1399),
    (0x1400, 0x1400),
    (0x166D, 0x166E),
    (0x169B, 0x169C),
    (0x16EB, 0x16ED),
    (0x1735, 0x1736),
    (0x17D4, 0x17D6),
    (0x17D8, 0x17DB),
    (0x1800, 0x180A),
    (0x1940, 0x1940),
    (0x1944, 0x1945),
    (0x19DE, 0x19FF),
    (0x1A1E, 0x1A1F),
    (0x1AA0, 0x1AA6),
    (0x1AA8, 0x1AAD),
    (0x1B5A, 0x1B6A),
    (0x1B74, 0x1B7E),
    (0x1BFC, 0x1BFF),
    (0x1C3B, 0x1C3F),
    (0x1C7E, 0x1C7F),
    (0x1CC0, 0x1CC7),
    (0x1CD3, 0x1CD3),
    (0x1FBD, 0x1FBD),
    (0x1FBF, 0x1FC1),
    (0x1FCD, 0x1FCF),
    (0x1FDD, 0x1FDF),
    (0x1FED, 0x1FEF),
    (0x1FFD, 0x1FFE),
    (0x2010, 0x2027),
    (0x2030, 0x205E),
    (0x207A, 0x207E),
    (0x208A, 0x208E),
    (0x20A0, 0x20C0),
    (0x2100, 0x2101),
    (0x2103, 0x2106),
    (0x2108, 0x2109),
    (0x2114, 0x2114),
    (0x2116, 0x2118),
    (0x211E, 0x2123),
    (0x2125, 0x2125),
    (0x2127, 0x2127),
    (0x2129, 0x2129),
    (0x212E, 0x212E),
    (0x213A, 0x213B),
    (0x2140, 0x2144),
    (0x214A, 0x214D),
    (0x214F, 0x214F),
    (0x218A, 0x218B),
    (0x2190, 0x2426),
    (0x2440, 0x244A),
    (0x249C, 0x24E9),
    (0x2500, 0x2775),
    (0x2794, 0x2B73),
    (0x2B76, 0x2B95),
    (0x2B97, 0x2BFF),
    (0x2CE5, 0x2CEA),
    (0x2CF9, 0x2CFC),
    (0x2CFE, 0x2CFF),
    (0x2D70, 0x2D70),
    (0x2E00, 0x2E2E),
    (0x2E30, 0x2E5D),
    (0x2E80, 0x2E99),
    (0x2E9B, 0x2EF3),
    (0x2F00, 0x2FD5),
    (0x2FF0, 0x2FFB),
    (0x3001, 0x3004),
    (0x3008, 0x3020),
    (0x3030, 0x3030),
    (0x3036, 0x3037),
    (0x303D, 0x303F),
    (0x309B, 0x309C),
    (0x30A0, 0x30A0),
    (0x30FB, 0x30FB),
    (0x3190, 0x3191),
    (0x3196, 0x319F),
    (0x31C0, 0x31E3),
    (0x3200, 0x321E),
    (0x322A, 0x3247),
    (0x3250, 0x3250),
    (0x3260, 0x327F),
    (0x328A, 0x32B0),
    (0x32C0, 0x33FF),
    (0x4DC0, 0x4DFF),
    (0xA490, 0xA4C6),
    (0xA4FE, 0xA4FF),
    (0xA60D, 0xA60F),
    (0xA673, 0xA673),
    (0xA67E, 0xA67E),
    (0xA6F2, 0xA6F7),
    (0xA700, 0xA716),
    (0xA720, 0xA721),
    (0xA789, 0xA78A),
    (0xA828, 0xA82B),
    (0xA836, 0xA839),
    (0xA874, 0xA877),
    (0xA8CE, 0xA8CF),
    (0xA8F8, 0xA8FA),
    (0xA8FC, 0xA8FC),
    (0xA92E, 0xA92F),
    (0xA95F, 0xA95F),
    (0xA9C1, 0xA9CD),
    (0xA9DE, 0xA9DF),
    (0xAA5C, 0xAA5F),
    (0xAA77, 0xAA79),
    (0xAADE, 0xAADF),
    (0xAAF0, 0xAAF1),
    (0xAB5B, 0xAB5B),
    (0xAB6A, 0xAB6B),
    (0xABEB, 0xABEB),
    (0xFB29, 0xFB29),
    (0xFBB2, 0xFBC2),
    (0xFD3E, 0xFD4F),
    (0xFDCF, 0xFDCF),
    (0xFDFC, 0xFDFF),
    (0xFE10, 0xFE19),
    (0xFE30, 0xFE52),
    (0xFE54, 0xFE66),
    (0xFE68, 0xFE6B),
    (0xFF01, 0xFF0F),
    (0xFF1A, 0xFF20),
    (0xFF3B, 0xFF40),
    (0xFF5B, 0xFF65),
    (0xFFE0, 0xFFE6),
    (0xFFE8, 0xFFEE),
    (0xFFFC, 0xFFFD),
    (0x10100, 0x10102),
    (0x10137, 0x1013F),
    (0x10179, 0x10189),
    (0x1018C, 0x1018E),
    (0x10190, 0x1019C),
    (0x101A0, 0x101A0),
    (0x101D0, 0x101FC),
    (0x1039F, 0x1039F),
    (0x103D0, 0x103D0),
    (0x1056F, 0x1056F),
    (0x10857, 0x10857),
    (0x10877, 0x10878),
    (0x1091F, 0x1091F),
    (0x1093F, 0x1093F),
    (0x10A50, 0x10A58),
    (0x10A7F, 0x10A7F),
    (0x10AC8, 0x10AC8),
    (0x10AF0, 0x10AF6),
    (0x10B39, 0x10B3F),
    (0x10B99, 0x10B9C),
    (0x10EAD, 0x10EAD),
    (0x10F55, 0x10F59),
    (0x10F86, 0x10F89),
    (0x11047, 0x1104D),
    (0x110BB, 0x110BC),
    (0x110BE, 0x110C1),
    (0x11140, 0x11143),
    (0x11174, 0x11175),
    (0x111C5, 0x111C8),
    (0x111CD, 0x111CD),
    (0x111DB, 0x111DB),
    (0x111DD, 0x111DF),
    (0x11238, 0x1123D),
    (0x112A9, 0x112A9),
    (0x1144B, 0x1144F),
    (0x1145A, 0x1145B),
    (0x1145D, 0x1145D),
    (0x114C6, 0x114C6),
    (0x115C1, 0x115D7),
    (0x11641, 0x11643),
    (0x11660, 0x1166C),
    (0x116B9, 0x116B9),
    (0x1173C, 0x1173F),
    (0x1183B, 0x1183B),
    (0x11944, 0x11946),
    (0x119E2, 0x119E2),
    (0x11A3F, 0x11A46),
    (0x11A9A, 0x11A9C),
    (0x11A9E, 0x11AA2),
    (0x11C41, 0x11C45),
    (0x11C70, 0x11C71),
    (0x11EF7, 0x11EF8),
    (0x11FD5, 0x11FF1),
    (0x11FFF, 0x11FFF),
    (0x12470, 0x12474),
    (0x12FF1, 0x12FF2),
    (0x16A6E, 0x16A6F),
    (0x16AF5, 0x16AF5),
    (0x16B37, 0x16B3F),
    (0x16B44, 0x16B45),
    (0x16E97, 0x16E9A),
    (0x16FE2, 0x16FE2),
    (0x1BC9C, 0x1BC9C),
    (0x1BC9F, 0x1BC9F),
    (0x1CF50, 0x1CFC3),
    (0x1D000, 0x1D0F5),
    (0x1D100, 0x1D126),
    (0x1D129, 0x1D164),
    (0x1D16A, 0x1D16C),
    (0x1D183, 0x1D184),
    (0x1D18C, 0x1D1A9),
    (0x1D1AE, 0x1D1EA),
    (0x1D200, 0x1D241),
    (0x1D245, 0x1D245),
    (0x1D300, 0x1D356),
    (0x1D6C1, 0x1D6C1),
    (0x1D6DB, 0x1D6DB),
    (0x1D6FB, 0x1D6FB),
    (0x1D715, 0x1D715),
    (0x1D735, 0x1D735),
    (0x1D74F, 0x1D74F),
    (0x1D76F, 0x1D76F),
    (0x1D789, 0x1D789),
    (0x1D7A9, 0x1D7A9),
    (0x1D7C3, 0x1D7C3),
    (0x1D800, 0x1D9FF),
    (0x1DA37, 0x1DA3A),
    (0x1DA6D, 0x1DA74),
    (0x1DA76, 0x1DA83),
    (0x1DA85, 0x1DA8B),
    (0x1E14F, 0x1E14F),
    (0x1E2FF, 0x1E2FF),
    (0x1E95E, 0x1E95F),
    (0x1ECAC, 0x1ECAC),
    (0x1ECB0, 0x1ECB0),
    (0x1ED2E, 0x1ED2E),
    (0x1EEF0, 0x1EEF1),
    (0x1F000, 0x1F02B),
    (0x1F030, 0x1F093),
    (0x1F0A0, 0x1F0AE),
    (0x1F0B1, 0x1F0BF),
    (0x1F0C1, 0x1F0CF),
    (0x1F0D1, 0x1F0F5),
    (0x1F10D, 0x1F1AD),
    (0x1F1E6, 0x1F202),
    (0x1F210, 0x1F23B),
    (0x1F240, 0x1F248),
    (0x1F250, 0x1F251),
    (0x1F260, 0x1F265),
    (0x1F300, 0x1F6D7),
    (0x1F6DD, 0x1F6EC),
    (0x1F6F0, 0x1F6FC),
    (0x1F700, 0x1F773),
    (0x1F780, 0x1F7D8),
    (0x1F7E0, 0x1F7EB),
    (0x1F7F0, 0x1F7F0),
    (0x1F800, 0x1F80B),
    (0x1F810, 0x1F847),
    (0x1F850, 0x1F859),
    (0x1F860, 0x1F887),
    (0x1F890, 0x1F8AD),
    (0x1F8B0, 0x1F8B1),
    (0x1F900, 0x1FA53),
    (0x1FA60, 0x1FA6D),
    (0x1FA70, 0x1FA74),
    (0x1FA78, 0x1FA7C),
    (0x1FA80, 0x1FA86),
    (0x1FA90, 0x1FAAC),
    (0x1FAB0, 0x1FABA),
    (0x1FAC0, 0x1FAC5),
    (0x1FAD0, 0x1FAD9),
    (0x1FAE0, 0x1FAE7),
    (0x1FAF0, 0x1FAF6),
    (0x1FB00, 0x1FB92),
    (0x1FB94, 0x1FBCA),
];

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Options, Parser};

    fn options() -> Options {
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
    }

    fn plain(src: &str) -> String {
        let mut s = String::new();
        html::push_html(&mut s, Parser::new_ext(src, options()));
        s
    }

    fn forced(src: &str) -> String {
        let events: Vec<_> = Parser::new_ext(src, options()).into_offset_iter().collect();
        let events = amend_impl(src, events, true);
        let mut s = String::new();
        html::push_html(&mut s, events.into_iter().map(|(e, _)| e));
        s
    }

    /// Re-pairing with the CommonMark algorithm must reproduce pulldown-cmark exactly when no
    /// CJK text is involved.
    #[test]
    fn forced_repairing_matches_pulldown_on_english() {
        let cases = [
            "*foo bar*",
            "a * foo bar*",
            "a*\"foo\"*",
            "* a *",
            "foo*bar*",
            "5*6*78",
            "_foo bar_",
            "_ foo bar_",
            "a_\"foo\"_",
            "foo_bar_",
            "5_6_78",
            "пристаням_стремятся_",
            "aa_\"bb\"_cc",
            "foo-_(bar)_",
            "_foo*",
            "*foo bar *",
            "*(*foo)",
            "*(*foo*)*",
            "*foo*bar",
            "_foo bar _",
            "_(_foo)",
            "_(_foo_)_",
            "_foo_bar",
            "_foo_bar_baz_",
            "_(bar)_.",
            "**foo bar**",
            "** foo bar**",
            "a**\"foo\"**",
            "foo**bar**",
            "__foo bar__",
            "__ foo bar__",
            "__\nfoo bar__",
            "a__\"foo\"__",
            "foo__bar__",
            "5__6__78",
            "__foo, __bar__, baz__",
            "foo-__(bar)__",
            "**foo bar **",
            "**(**foo)",
            "*(**foo**)*",
            "**foo \"*bar*\" foo**",
            "**foo*bar",
            "__foo bar __",
            "__(__foo)",
            "_(__foo__)_",
            "__foo__bar",
            "__foo__bar__baz__",
            "__(bar)__.",
            "*foo [bar](/url)*",
            "*foo\nbar*",
            "_foo __bar__ baz_",
            "_foo _bar_ baz_",
            "__foo_ bar_",
            "*foo *bar**",
            "*foo **bar** baz*",
            "*foo**bar**baz*",
            "*foo**bar*",
            "***foo** bar*",
            "*foo **bar***",
            "*foo**bar***",
            "foo***bar***baz",
            "foo******bar*********baz",
            "*foo **bar *baz* bim** bop*",
            "*foo [*bar*](/url)*",
            "** is not an empty emphasis",
            "**** is not an empty strong emphasis",
            "**foo [bar](/url)**",
            "**foo\nbar**",
            "__foo _bar_ baz__",
            "__foo __bar__ baz__",
            "____foo__ bar__",
            "**foo **bar****",
            "**foo *bar* baz**",
            "**foo*bar*baz**",
            "***foo* bar**",
            "**foo *bar***",
            "**foo *bar **baz**\nbim* bop**",
            "**foo [*bar*](/url)**",
            "__ is not an empty emphasis",
            "____ is not an empty strong emphasis",
            "foo ***",
            "foo *\\**",
            "foo *_*",
            "foo *****",
            "foo **\\***",
            "foo **_**",
            "**foo*",
            "*foo**",
            "***foo**",
            "****foo*",
            "**foo***",
            "*foo****",
            "foo ___",
            "foo _\\__",
            "foo _*_",
            "foo _____",
            "foo __\\___",
            "foo __*__",
            "__foo_",
            "_foo__",
            "___foo__",
            "____foo_",
            "__foo___",
            "_foo____",
            "**foo**",
            "*_foo_*",
            "__foo__",
            "_*foo*_",
            "****foo****",
            "____foo____",
            "******foo******",
            "***foo***",
            "_____foo_____",
            "*foo _bar* baz_",
            "*foo __bar *baz bim__ bam*",
            "**foo **bar baz**",
            "*foo *bar baz*",
            "*[bar*](/url)",
            "_foo [bar_](/url)",
            "*<img src=\"foo\" title=\"*\"/>",
            "**<a href=\"**\">",
            "__<a href=\"__\">",
            "*a `*`*",
            "_a `_`_",
            "**a<http://foo.bar/?q=**>",
            "__a<http://foo.bar/?q=__>",
            "~~*a~~*",
            "*a ~~b* c~~",
            "| *a | b* |\n|-|-|\n| **c | d** |",
            "[*a*][r] *b [c*](d)\n\n[r]: /u",
            "![*a* **b](c)** d",
            "a\\*b*c*",
            "&ast;a*",
            "**a**b**c**",
            "*a**b**c*",
            "_a__b__c_",
            "x_y_z **a_b** _c*d_e*",
            "*a*\n*b*\n*c",
        ];
        for case in cases {
            assert_eq!(forced(case), plain(case), "input: {case:?}");
        }
    }

    #[test]
    fn forced_repairing_matches_pulldown_on_random_ascii() {
        let alphabet: &[u8] = b"**__ab .!()[]`\\\n~<>&|-#1\t:/\"";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 40) as usize + 1;
            let s: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize] as char)
                .collect();
            assert_eq!(forced(&s), plain(&s), "input: {s:?}");
        }
    }

    #[test]
    fn character_classes() {
        assert!(is_cjk('质') && is_cjk('。') && is_cjk('，') && is_cjk('（') && is_cjk('가'));
        assert!(is_cjk('〰') && is_cjk('🈂') && is_cjk('𰻞'));
        assert!(!is_cjk('“') && !is_cjk('a') && !is_cjk('😀') && !is_cjk('€'));
        assert!(is_punctuation('。') && is_punctuation('“') && is_punctuation('€'));
        assert!(is_punctuation('𝜵') && is_punctuation('*') && !is_punctuation('字'));
        assert!(!is_punctuation('a') && !is_punctuation('\u{FE01}'));
    }
}
