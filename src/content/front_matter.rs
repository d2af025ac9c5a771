//! Front matter: splitting a Markdown file into its YAML block and body, and the typed
//! structures of each kind of file.
//!
//! Every struct denies unknown keys, so a misspelt key is an error with a "did you mean".

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// A Markdown file split at its front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// 1-based line of the file on which the YAML begins.
    pub yaml_first_line: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// 1-based line of the file on which the body begins.
    pub body_first_line: usize,
}

/// Why a file could not be split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `---` line.
    NoOpening,
    /// No closing `---` line was found.
    NoClosing,
}

/// Splits `text` (which may start with a byte-order mark) into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(SplitError::NoOpening);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let current = text[offset..end].trim_end();
        if current == "---" || current == "..." {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_first_line: 2,
                body: &text[body_start..],
                body_first_line: line + 1,
            });
        }
        offset = end + 1;
        line += 1;
    }
    Err(SplitError::NoClosing)
}

/// Accepts either one string or a list of strings.
fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string or a list of strings")
        }
        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(vec![value.to_string()])
        }
        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
            Ok(vec![value.to_string()])
        }
        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
            Ok(vec![value.to_string()])
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut values = Vec::new();
            while let Some(value) = seq.next_element::<Scalar>()? {
                values.push(value.0);
            }
            Ok(values)
        }
    }
    deserializer.deserialize_any(Visitor)
}

/// A string, or a number read as its text (`tags: [5G, 2023]`).
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Private application data of a case. Used by `check` and the private summary export only;
/// never written to the site or the search index.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Private {
    /// 联系人.
    #[serde(default)]
    pub contact: Option<String>,
    /// 电话.
    #[serde(default)]
    pub phone: Option<String>,
    /// 邮箱.
    #[serde(default)]
    pub email: Option<String>,
    /// 统一社会信用代码 (GB 32100).
    #[serde(default)]
    pub credit_code: Option<String>,
    /// 营业收入 by year (万元).
    #[serde(default)]
    pub revenue: BTreeMap<u16, f64>,
    /// 利润 by year (万元).
    #[serde(default)]
    pub profit: BTreeMap<u16, f64>,
    /// Any other private fields.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_yaml::Value>,
}

/// Front matter of a case (`content/<year>/<企业名称>/index.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseMeta {
    /// 典型经验名称.
    pub title: String,
    /// 企业名称.
    pub enterprise: String,
    /// Collection year; must match the folder.
    pub year: u16,
    /// Official 序号 in the published list.
    #[serde(default)]
    pub number: Option<u32>,
    /// Region id or name.
    pub region: String,
    /// Focus area id or name.
    pub area: String,
    /// Industry ids or names.
    #[serde(default, deserialize_with = "one_or_many")]
    pub industry: Vec<String>,
    /// Method ids or names.
    #[serde(default, deserialize_with = "one_or_many")]
    pub methods: Vec<String>,
    /// Free tags.
    #[serde(default, deserialize_with = "one_or_many")]
    pub tags: Vec<String>,
    /// One to three sentences for lists and search results.
    pub summary: String,
    /// 入选 / 推荐 …
    #[serde(default)]
    pub status: Option<String>,
    /// 国家级 / 省级 / 市级.
    #[serde(default)]
    pub level: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: Option<String>,
    /// URL segment overriding the pinyin slug.
    #[serde(default)]
    pub slug: Option<String>,
    /// Old URLs that redirect here.
    #[serde(default, deserialize_with = "one_or_many")]
    pub aliases: Vec<String>,
    /// Not published (still checked).
    #[serde(default)]
    pub draft: bool,
    /// Never published.
    #[serde(default)]
    pub private: Option<Private>,
}

/// Front matter of a year's `_index.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionMeta {
    /// Title of the collection.
    pub title: String,
    /// Publication date.
    #[serde(default)]
    pub date: Option<String>,
    /// One sentence.
    #[serde(default)]
    pub summary: Option<String>,
}

/// One case of a workshop, with the trainer's note.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkshopItem {
    /// Case reference: `YEAR/企业名称` or `YEAR/slug`.
    pub case: String,
    /// The trainer's note.
    #[serde(default)]
    pub note: Option<String>,
}

/// Front matter of `content/workshops/<slug>.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkshopMeta {
    /// Title.
    pub title: String,
    /// Date.
    #[serde(default)]
    pub date: Option<String>,
    /// Trainer or organizer.
    #[serde(default)]
    pub trainer: Option<String>,
    /// Place.
    #[serde(default)]
    pub place: Option<String>,
    /// One sentence.
    #[serde(default)]
    pub summary: Option<String>,
    /// Agenda lines.
    #[serde(default)]
    pub agenda: Vec<String>,
    /// The cases discussed.
    pub cases: Vec<WorkshopItem>,
}

/// Front matter of `content/activities/<slug>.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityMeta {
    /// Title.
    pub title: String,
    /// 交流活动 / 现场观摩 / 培训 / 移植推广试点.
    #[serde(rename = "type")]
    pub kind: String,
    /// Date.
    #[serde(default)]
    pub date: Option<String>,
    /// Place.
    #[serde(default)]
    pub place: Option<String>,
    /// Host enterprise: a case reference.
    #[serde(default)]
    pub host: Option<String>,
    /// Cases featured.
    #[serde(default, deserialize_with = "one_or_many")]
    pub cases: Vec<String>,
    /// One sentence.
    #[serde(default)]
    pub summary: Option<String>,
}

/// Front matter of any other page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    /// Title.
    pub title: String,
    /// Description.
    #[serde(default)]
    pub summary: Option<String>,
    /// Not published.
    #[serde(default)]
    pub draft: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_lines() {
        let s = split("---\ntitle: a\n---\n\nbody\n").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.yaml_first_line, 2);
        assert_eq!(s.body, "\nbody\n");
        assert_eq!(s.body_first_line, 4);
    }

    #[test]
    fn split_errors() {
        assert_eq!(split("title: a\n"), Err(SplitError::NoOpening));
        assert_eq!(split("---\ntitle: a\n"), Err(SplitError::NoClosing));
        assert!(split("\u{feff}---\r\ntitle: a\r\n---\r\n").is_ok());
    }
}
