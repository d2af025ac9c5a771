//! The `partial` template function: `{{ partial(name="partials/card.html", card=card, …) }}`
//! renders the template `name` with exactly the other arguments as its variables, and renders
//! it once for each distinct set of arguments.
//!
//! A list page shows 50 cards and a case page its related cases, so one case's card is asked
//! for about fifteen times in a build, with three or four distinct arguments (the page depth's
//! `root`, `hide_area`). Rendered by `{% include %}`, every one of those was rendered again:
//! more than half of all template time at 10,000 cases. A template sees nothing but its
//! variables, so the same arguments always give the same text, and the cache is keyed by all
//! of them (name, argument names and values): no rule decides when an entry is stale. The
//! kept text is bounded ([`MAX_KEPT_BYTES`]): a larger site renders some cards again instead of
//! holding them all at the build's peak of memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};

use serde_json::Value;
use tera::{Context, Tera};

use crate::cache::{entries_key, Key};

/// Name of the function in templates.
pub const FUNCTION: &str = "partial";

/// Bytes of rendered text kept at most: beyond it the kept partials are forgotten and the
/// cache starts again. 10,000 cases keep ~30 MB of cards and 100,000 about 300 MB. A bound
/// below what a site's lists ask for again costs more than it saves: at 64 MiB, 100,000
/// cases rendered their pages in 113 s instead of 91 s (related cards alone reach 80 MB
/// there), and the peak fell only from 3.86 to 3.79 GiB.
const MAX_KEPT_BYTES: usize = 384 << 20;

/// The rendered partials of the current render pass, and the templates that render them.
pub struct Partials {
    /// The theme's templates (weak: they hold this through their function).
    tera: OnceLock<Weak<Tera>>,
    rendered: Mutex<Kept>,
    /// [`MAX_KEPT_BYTES`], or less in tests.
    max_kept_bytes: usize,
}

/// Rendered partials by key, and their bytes.
#[derive(Default)]
struct Kept {
    texts: HashMap<Key, Arc<str>>,
    bytes: usize,
}

impl std::fmt::Debug for Partials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Partials")
            .field("rendered", &self.len())
            .finish()
    }
}

impl Partials {
    /// Registers the `partial` function in `tera` and returns the templates with it, shared,
    /// and the partials they render.
    pub fn install(tera: Tera) -> (Arc<Tera>, Arc<Partials>) {
        Partials::install_keeping(tera, MAX_KEPT_BYTES)
    }

    fn install_keeping(mut tera: Tera, max_kept_bytes: usize) -> (Arc<Tera>, Arc<Partials>) {
        let partials = Arc::new(Partials {
            tera: OnceLock::new(),
            rendered: Mutex::default(),
            max_kept_bytes,
        });
        tera.register_function(FUNCTION, PartialFunction(Arc::clone(&partials)));
        let tera = Arc::new(tera);
        // Set once, here, before any template can run.
        let _ = partials.tera.set(Arc::downgrade(&tera));
        (tera, partials)
    }

    /// Forgets every rendered partial (their memory; the next call renders again). A render
    /// pass calls it when its pages are written.
    pub fn clear(&self) {
        *self.kept() = Kept::default();
    }

    /// How many partials are kept.
    pub fn len(&self) -> usize {
        self.kept().texts.len()
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.rendered.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether no partial is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn render(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let Some(Value::String(name)) = args.get("name") else {
            return Err(tera::Error::msg(
                "`partial` needs `name`, the template to render, as a string",
            ));
        };
        let mut names: Vec<&String> = args.keys().collect();
        names.sort_unstable();
        let key = entries_key(names.iter().map(|arg| (arg.as_str(), &args[*arg])));
        let found = self.kept().texts.get(&key).cloned();
        let text = match found {
            Some(text) => text,
            None => {
                let tera = self
                    .tera
                    .get()
                    .and_then(Weak::upgrade)
                    .ok_or_else(|| tera::Error::msg("`partial` has no templates"))?;
                let mut context = Context::new();
                for arg in names.into_iter().filter(|arg| *arg != "name") {
                    context.insert(arg.as_str(), &args[arg]);
                }
                // Rendered outside the lock: another thread may render the same text too.
                let text: Arc<str> = tera.render(name, &context)?.into();
                let mut kept = self.kept();
                if kept.bytes + text.len() > self.max_kept_bytes {
                    *kept = Kept::default();
                }
                if kept.texts.insert(key, Arc::clone(&text)).is_none() {
                    kept.bytes += text.len();
                }
                text
            }
        };
        Ok(Value::String(text.to_string()))
    }
}

/// The function as tera calls it.
struct PartialFunction(Arc<Partials>);

impl tera::Function for PartialFunction {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        self.0.render(args)
    }

    /// The partial escaped its own variables as it rendered.
    fn is_safe(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates(pairs: &[(&str, &str)]) -> (Arc<Tera>, Arc<Partials>) {
        templates_keeping(pairs, MAX_KEPT_BYTES)
    }

    fn templates_keeping(pairs: &[(&str, &str)], max: usize) -> (Arc<Tera>, Arc<Partials>) {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(crate::escape::html);
        tera.add_raw_templates(pairs.iter().copied())
            .expect("test templates parse");
        Partials::install_keeping(tera, max)
    }

    const CARD: &str = "<a href=\"{{ root }}{{ card.url }}\">{{ card.title }}</a>\
                        {% if hide | default(value=false) %}!{% endif %}";

    #[test]
    fn renders_with_the_arguments_once_per_distinct_set() {
        let (tera, partials) = templates(&[
            ("card.html", CARD),
            (
                "list.html",
                "{% for c in cards %}{{ partial(name=\"card.html\", card=c, root=root) }}|{% endfor %}\
                 {{ partial(name=\"card.html\", card=cards[0], root=root, hide=true) }}",
            ),
        ]);
        let mut context = Context::new();
        context.insert("root", "../");
        context.insert(
            "cards",
            &serde_json::json!([
                {"url": "a/", "title": "甲 & 乙"},
                {"url": "b/", "title": "丙"},
                {"url": "a/", "title": "甲 & 乙"},
            ]),
        );
        let html = tera.render("list.html", &context).expect("renders");
        assert_eq!(
            html,
            "<a href=\"../a/\">甲 &amp; 乙</a>|<a href=\"../b/\">丙</a>|\
             <a href=\"../a/\">甲 &amp; 乙</a>|<a href=\"../a/\">甲 &amp; 乙</a>!"
        );
        // Cards a and b, and a with `hide`: the repeated card came from the cache.
        assert_eq!(partials.len(), 3);
        context.insert("root", "../../");
        let deeper = tera.render("list.html", &context).expect("renders");
        assert!(deeper.starts_with("<a href=\"../../a/\">"), "{deeper}");
        assert_eq!(partials.len(), 6);
        partials.clear();
        assert!(partials.is_empty());
        assert_eq!(tera.render("list.html", &context).expect("renders"), deeper);
    }

    #[test]
    fn the_kept_text_is_bounded() {
        // Room for two cards of 14 bytes, not three.
        let (tera, partials) = templates_keeping(
            &[
                ("card.html", "<b>{{ n }}</b>..."),
                (
                    "list.html",
                    "{% for n in ns %}{{ partial(name=\"card.html\", n=n) }}{% endfor %}",
                ),
            ],
            30,
        );
        let mut context = Context::new();
        context.insert("ns", &[1000, 2000, 1000, 3000, 3000]);
        let html = tera.render("list.html", &context).expect("renders");
        assert_eq!(
            html,
            "<b>1000</b>...<b>2000</b>...<b>1000</b>...<b>3000</b>...<b>3000</b>..."
        );
        // 1000 and 2000 filled it; 3000 started it again.
        assert_eq!(partials.len(), 1);
    }

    #[test]
    fn a_partial_sees_only_its_arguments() {
        let (tera, _) = templates(&[
            ("card.html", CARD),
            ("page.html", "{{ partial(name=\"card.html\", card=card) }}"),
        ]);
        let mut context = Context::new();
        context.insert("root", "../");
        context.insert("card", &serde_json::json!({"url": "a/", "title": "甲"}));
        let error = tera
            .render("page.html", &context)
            .expect_err("root is not passed");
        let chain = crate::render::theme::error_chain(&error);
        assert!(chain.contains("`root` not found"), "{chain}");
        assert!(chain.contains("card.html"), "{chain}");
    }

    #[test]
    fn a_partial_needs_a_name() {
        let (tera, _) = templates(&[("page.html", "{{ partial(card=1) }}")]);
        let error = tera
            .render("page.html", &Context::new())
            .expect_err("no name");
        let chain = crate::render::theme::error_chain(&error);
        assert!(chain.contains("`partial` needs `name`"), "{chain}");
    }
}
