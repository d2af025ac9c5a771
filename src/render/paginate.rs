//! Pagination of long lists (year pages, taxonomy term pages): page URLs and the pager a
//! template shows. Pure functions; the list itself stays with the caller.
//!
//! Page 1 of a list lives at the list's own URL (`regions/zhengzhou/`), page `n > 1` at
//! `<list>/page/<n>/`, the scheme Hugo and Zola use, so the first page — the one people
//! link to — never moves when the list grows.

use serde::Serialize;

/// Pages shown on each side of the current one before a gap.
const WINDOW: usize = 2;

/// Site-relative URL of page `number` (1-based) of the list at `base`.
pub fn page_url(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// Number of pages needed for `items` items, `size` per page; an empty list has one page.
pub fn page_count(items: usize, size: usize) -> usize {
    items.div_ceil(size.max(1)).max(1)
}

/// One entry of the pager: a page link, or a gap (`number` is `None`) between far pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageLinkCtx {
    /// Page number, `None` for a gap.
    pub number: Option<usize>,
    /// Site-relative URL (empty for a gap).
    pub url: String,
    /// True for the page being rendered.
    pub current: bool,
}

/// `paginator` in list templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaginatorCtx {
    /// Current page, 1-based.
    pub number: usize,
    /// Number of pages.
    pub pages: usize,
    /// Items in the whole list.
    pub items: usize,
    /// 1-based position of the first item on this page (0 when the list is empty).
    pub first_item: usize,
    /// 1-based position of the last item on this page.
    pub last_item: usize,
    /// Site-relative URL of the previous page.
    pub prev: Option<String>,
    /// Site-relative URL of the next page.
    pub next: Option<String>,
    /// Page links: first, last and a window around the current page, with gaps.
    pub links: Vec<PageLinkCtx>,
}

/// The pager of page `number` of a list of `items` items at `base`, `size` per page.
pub fn paginator(base: &str, number: usize, items: usize, size: usize) -> PaginatorCtx {
    let size = size.max(1);
    let pages = page_count(items, size);
    let number = number.clamp(1, pages);
    let first_item = if items == 0 {
        0
    } else {
        (number - 1) * size + 1
    };
    let last_item = (number * size).min(items);
    let mut links = Vec::new();
    let mut previous = 0;
    for n in 1..=pages {
        let near = n.abs_diff(number) <= WINDOW;
        if n == 1 || n == pages || near {
            if n > previous + 1 {
                links.push(PageLinkCtx {
                    number: None,
                    url: String::new(),
                    current: false,
                });
            }
            links.push(PageLinkCtx {
                number: Some(n),
                url: page_url(base, n),
                current: n == number,
            });
            previous = n;
        }
    }
    PaginatorCtx {
        number,
        pages,
        items,
        first_item,
        last_item,
        prev: (number > 1).then(|| page_url(base, number - 1)),
        next: (number < pages).then(|| page_url(base, number + 1)),
        links,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(p: &PaginatorCtx) -> Vec<Option<usize>> {
        p.links.iter().map(|l| l.number).collect()
    }

    #[test]
    fn first_page_is_the_list_url() {
        assert_eq!(page_url("2023/", 1), "2023/");
        assert_eq!(
            page_url("regions/zhengzhou/", 3),
            "regions/zhengzhou/page/3/"
        );
    }

    #[test]
    fn counts_pages() {
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(50, 50), 1);
        assert_eq!(page_count(51, 50), 2);
        assert_eq!(page_count(10_000, 50), 200);
    }

    #[test]
    fn single_page_has_no_neighbours() {
        let p = paginator("areas/digital/", 1, 12, 50);
        assert_eq!((&p.prev, &p.next), (&None, &None));
        assert_eq!((p.first_item, p.last_item), (1, 12));
        assert_eq!(numbers(&p), vec![Some(1)]);
    }

    #[test]
    fn middle_page_shows_window_and_gaps() {
        let p = paginator("x/", 10, 1000, 50);
        assert_eq!(p.pages, 20);
        assert_eq!(p.prev.as_deref(), Some("x/page/9/"));
        assert_eq!(p.next.as_deref(), Some("x/page/11/"));
        assert_eq!((p.first_item, p.last_item), (451, 500));
        assert_eq!(
            numbers(&p),
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(20)
            ]
        );
        assert!(p.links.iter().filter(|l| l.current).count() == 1);
    }

    #[test]
    fn last_page_is_partial() {
        let p = paginator("x/", 3, 101, 50);
        assert_eq!((p.first_item, p.last_item), (101, 101));
        assert_eq!(p.next, None);
        assert_eq!(numbers(&p), vec![Some(1), Some(2), Some(3)]);
    }

    #[test]
    fn empty_list_has_one_empty_page() {
        let p = paginator("x/", 1, 0, 50);
        assert_eq!((p.pages, p.first_item, p.last_item), (1, 0, 0));
    }
}
