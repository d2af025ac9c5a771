//! URL slugs from Chinese enterprise names.
//!
//! A slug is the toneless pinyin of the enterprise name, one syllable per character joined by
//! hyphens, with the legal-form suffix (有限公司, 股份有限公司, …) dropped. The `pinyin` crate
//! reads heteronyms by their most common sound, which is wrong for many place names (长垣 is
//! Changyuan, not Zhangyuan), so readings of known phrases come from an override table that a
//! site extends in `site.yaml` (`pinyin:`).

use std::collections::BTreeMap;

use pinyin::ToPinyin;

/// Legal-form suffixes dropped from slugs, longest first.
const LEGAL_SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "公司",
];

/// Built-in phrase readings: place names and words whose common reading is wrong in names.
const BUILTIN_READINGS: &[(&str, &str)] = &[
    ("长垣", "chang yuan"),
    ("长葛", "chang ge"),
    ("长沙", "chang sha"),
    ("长春", "chang chun"),
    ("长治", "chang zhi"),
    ("长江", "chang jiang"),
    ("长城", "chang cheng"),
    ("长安", "chang an"),
    ("重庆", "chong qing"),
    ("漯河", "luo he"),
    ("浚县", "xun xian"),
    ("中牟", "zhong mou"),
    ("荥阳", "xing yang"),
    ("郏县", "jia xian"),
    ("泌阳", "bi yang"),
    ("淅川", "xi chuan"),
    ("睢县", "sui xian"),
    ("柘城", "zhe cheng"),
    ("尉氏", "wei shi"),
    ("蚌埠", "beng bu"),
    ("厦门", "xia men"),
    ("六安", "lu an"),
    ("银行", "yin hang"),
    ("行业", "hang ye"),
    ("车行", "che hang"),
    ("重工", "zhong gong"),
    ("重型", "zhong xing"),
    ("乐器", "yue qi"),
    ("音乐", "yin yue"),
    ("朝阳", "chao yang"),
    ("单县", "shan xian"),
];

/// An enterprise name without its legal-form suffix (有限公司, 股份有限公司, …), trimmed; the
/// name itself if nothing would be left.
pub fn without_legal_suffix(name: &str) -> &str {
    let name = name.trim();
    LEGAL_SUFFIXES
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix).filter(|s| !s.is_empty()))
        .unwrap_or(name)
}

/// Computes slugs with the built-in reading table plus a site's own readings.
#[derive(Debug, Clone)]
pub struct Slugger {
    /// Phrase → syllables, longest phrases tried first.
    readings: Vec<(String, Vec<String>)>,
}

impl Slugger {
    /// A slugger with the built-in readings extended (and overridden) by `site_readings`.
    pub fn new(site_readings: &BTreeMap<String, String>) -> Slugger {
        let mut table: BTreeMap<String, Vec<String>> = BUILTIN_READINGS
            .iter()
            .map(|(phrase, reading)| (phrase.to_string(), syllables(reading)))
            .collect();
        for (phrase, reading) in site_readings {
            let reading = syllables(reading);
            // A reading with no usable syllable is ignored rather than deleting the phrase.
            if !phrase.is_empty() && !reading.is_empty() {
                table.insert(phrase.clone(), reading);
            }
        }
        let mut readings: Vec<_> = table.into_iter().collect();
        readings.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(a.0.cmp(&b.0))
        });
        Slugger { readings }
    }

    /// The slug of an enterprise name, e.g. `长垣恒信起重机械有限公司` → `chang-yuan-heng-xin-qi-zhong-ji-xie`.
    pub fn enterprise_slug(&self, name: &str) -> String {
        self.slugify(without_legal_suffix(name))
    }

    /// Slug of arbitrary text: pinyin for Han characters, lowercase ASCII letters and digits
    /// kept, everything else a separator.
    pub fn slugify(&self, text: &str) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut word = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if let Some((phrase, reading)) = self
                .readings
                .iter()
                .find(|(p, _)| rest.starts_with(p.as_str()))
            {
                flush(&mut word, &mut parts);
                parts.extend(reading.iter().cloned());
                rest = &rest[phrase.len()..];
                continue;
            }
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase());
            } else if let Some(p) = c.to_pinyin() {
                flush(&mut word, &mut parts);
                // ü has no ASCII letter; `v` is the usual keyboard spelling (lü → lv).
                parts.push(p.plain().replace('ü', "v"));
            } else {
                flush(&mut word, &mut parts);
            }
            rest = &rest[c.len_utf8()..];
        }
        flush(&mut word, &mut parts);
        parts.join("-")
    }
}

fn flush(word: &mut String, parts: &mut Vec<String>) {
    if !word.is_empty() {
        parts.push(std::mem::take(word));
    }
}

/// The syllables of a reading written in `site.yaml` (`chang yuan`, `chang-yuan`,
/// `xi'an`, `lǜ yuan`): split at anything but letters and digits, tone marks folded, `ü`
/// written `v`, and anything else that is not ASCII dropped, so that a reading can only
/// produce slug-safe syllables.
fn syllables(reading: &str) -> Vec<String> {
    reading
        .split(|c: char| !c.is_alphanumeric())
        .map(|syllable| syllable.chars().filter_map(fold_pinyin).collect::<String>())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A pinyin letter as a lowercase ASCII letter or digit, or `None`.
fn fold_pinyin(c: char) -> Option<char> {
    if c.is_ascii_alphanumeric() {
        return Some(c.to_ascii_lowercase());
    }
    let folded = match c.to_lowercase().next().unwrap_or(c) {
        'ā' | 'á' | 'ǎ' | 'à' => 'a',
        'ē' | 'é' | 'ě' | 'è' | 'ê' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
        'ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => 'v',
        'ń' | 'ň' | 'ǹ' => 'n',
        'ḿ' => 'm',
        _ => return None,
    };
    Some(folded)
}

/// Whether `slug` is a safe URL segment: lowercase ASCII letters, digits and inner hyphens.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(name: &str) -> String {
        Slugger::new(&BTreeMap::new()).enterprise_slug(name)
    }

    #[test]
    fn place_names_read_correctly() {
        assert_eq!(
            slug("长垣市起重机械有限公司"),
            "chang-yuan-shi-qi-zhong-ji-xie"
        );
        assert_eq!(slug("重庆某某科技股份有限公司"), "chong-qing-mou-mou-ke-ji");
    }

    #[test]
    fn u_umlaut_is_written_v() {
        assert_eq!(slug("河洛铝业有限公司"), "he-luo-lv-ye");
        assert_eq!(slug("绿源有限公司"), "lv-yuan");
    }

    #[test]
    fn latin_and_digits_kept() {
        assert_eq!(slug("中原5G智造有限公司"), "zhong-yuan-5g-zhi-zao");
        assert_eq!(slug("ABC精密（河南）有限公司"), "abc-jing-mi-he-nan");
    }

    #[test]
    fn site_readings_extend_the_table() {
        let mut readings = BTreeMap::new();
        readings.insert("恒信".to_string(), "heng-xin".to_string());
        readings.insert("长垣".to_string(), "changyuan".to_string());
        let slugger = Slugger::new(&readings);
        assert_eq!(
            slugger.enterprise_slug("长垣恒信有限公司"),
            "changyuan-heng-xin"
        );
    }

    #[test]
    fn site_readings_are_made_slug_safe() {
        let mut readings = BTreeMap::new();
        readings.insert("西安".to_string(), "xi'an".to_string());
        readings.insert("绿".to_string(), "Lǜ".to_string());
        readings.insert("坏".to_string(), "!/..".to_string());
        // An empty phrase would match everywhere without consuming anything.
        readings.insert(String::new(), "kong".to_string());
        let slugger = Slugger::new(&readings);
        assert_eq!(slugger.slugify("西安绿坏"), "xi-an-lv-huai");
    }

    #[test]
    fn validity() {
        assert!(is_valid_slug("zhong-yuan-5g"));
        assert!(!is_valid_slug("../x"));
        assert!(!is_valid_slug("Zhong"));
        assert!(!is_valid_slug(""));
    }
}
