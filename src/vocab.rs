//! The domain vocabulary: focus areas, regions with their quotas, industries and methods.
//!
//! The defaults come from the provincial notice (豫工信办创新〔2023〕43号): its five focus areas,
//! the regions it names with their recommendation quotas, the traditional / emerging / future
//! industries and the quality methods it promotes. `site.yaml` can override or extend every
//! list, and give a year its own lists (see [`crate::config`]).

use serde::{Deserialize, Serialize};

/// One entry of a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// Stable ASCII id used in URLs, e.g. `zhengzhou`.
    pub id: String,
    /// Display name, e.g. `郑州市`.
    pub name: String,
    /// Maximum number of recommended cases per year (regions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<u32>,
    /// Group within the vocabulary, e.g. `传统产业` for industries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// Which vocabulary a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 重点领域.
    Areas,
    /// 地区.
    Regions,
    /// 行业.
    Industries,
    /// 方法.
    Methods,
    /// 标签 (free; no fixed list).
    Tags,
}

impl Kind {
    /// All kinds, in display order.
    pub const ALL: [Kind; 5] = [
        Kind::Areas,
        Kind::Regions,
        Kind::Industries,
        Kind::Methods,
        Kind::Tags,
    ];

    /// URL segment of the taxonomy, e.g. `areas`.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Areas => "areas",
            Kind::Regions => "regions",
            Kind::Industries => "industries",
            Kind::Methods => "methods",
            Kind::Tags => "tags",
        }
    }

    /// Chinese display name, e.g. `重点领域`.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Areas => "重点领域",
            Kind::Regions => "地区",
            Kind::Industries => "行业",
            Kind::Methods => "方法",
            Kind::Tags => "标签",
        }
    }
}

/// The four fixed vocabularies in force for one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vocabulary {
    /// 重点领域.
    pub areas: Vec<Term>,
    /// 地区, with quotas.
    pub regions: Vec<Term>,
    /// 行业, grouped.
    pub industries: Vec<Term>,
    /// 质量管理方法.
    pub methods: Vec<Term>,
}

impl Vocabulary {
    /// The list of `kind` (`Tags` has none and yields an empty slice).
    pub fn terms(&self, kind: Kind) -> &[Term] {
        match kind {
            Kind::Areas => &self.areas,
            Kind::Regions => &self.regions,
            Kind::Industries => &self.industries,
            Kind::Methods => &self.methods,
            Kind::Tags => &[],
        }
    }

    /// Position of the term `id` in the list of `kind`, for sorting in vocabulary order;
    /// `usize::MAX` (after every term) when it is not there.
    pub fn position(&self, kind: Kind, id: &str) -> usize {
        self.terms(kind)
            .iter()
            .position(|t| t.id == id)
            .unwrap_or(usize::MAX)
    }

    /// Mutable access to the list of `kind`, `None` for tags.
    pub fn terms_mut(&mut self, kind: Kind) -> Option<&mut Vec<Term>> {
        match kind {
            Kind::Areas => Some(&mut self.areas),
            Kind::Regions => Some(&mut self.regions),
            Kind::Industries => Some(&mut self.industries),
            Kind::Methods => Some(&mut self.methods),
            Kind::Tags => None,
        }
    }

    /// Finds a term as front matter may name it ([`Leniency::Content`]): by id or name,
    /// full-width forms, spaces and Latin case ignored, and for regions an authority named
    /// after its region (`洛阳市工业和信息化局` → 洛阳市).
    pub fn resolve(&self, kind: Kind, value: &str) -> Option<&Term> {
        self.find(kind, value, Leniency::Content)
    }

    /// The one vocabulary resolver: finds the term `value` names, as forgiving as `leniency`
    /// allows. Both levels accept, in this order: the id or name as written; the same with
    /// full-width forms folded, spaces removed and Latin case ignored; for regions, an
    /// authority named after the region (`洛阳市工业和信息化局`, `巩义市工信局`, optionally
    /// after `河南省`). [`Leniency::Sheet`] adds, for summary sheets typed by many hands:
    /// areas by their number in the year's list (`3`, `３`, `三`, `领域3`, `3.可靠性提升`); the
    /// only name that starts with the value (`郑州` → 郑州市, `可靠性` → 可靠性提升); regions
    /// by the longest name, or name without 市/县/区, found inside the value (`郑州工信局` →
    /// 郑州市, `郑州航空港经济综合实验区管委会` → 航空港区); areas by the only area name inside
    /// the value.
    pub fn find(&self, kind: Kind, value: &str, leniency: Leniency) -> Option<&Term> {
        let trimmed = value.trim();
        let terms = self.terms(kind);
        if let Some(term) = terms
            .iter()
            .find(|t| t.id == trimmed)
            .or_else(|| terms.iter().find(|t| t.name == trimmed))
        {
            return Some(term);
        }
        let wanted = fold(trimmed);
        if wanted.is_empty() {
            return None;
        }
        if let Some(term) = terms
            .iter()
            .find(|t| fold(&t.id) == wanted || fold(&t.name) == wanted)
        {
            return Some(term);
        }
        if kind == Kind::Regions {
            if let Some(term) = region_authority(terms, &wanted) {
                return Some(term);
            }
        }
        if leniency == Leniency::Content {
            return None;
        }
        if kind == Kind::Areas {
            if let Some(numbered) = area_by_number(terms, &wanted, self) {
                return numbered;
            }
        }
        if wanted.chars().count() >= 2 {
            let mut prefixed = terms.iter().filter(|t| fold(&t.name).starts_with(&wanted));
            if let (Some(term), None) = (prefixed.next(), prefixed.next()) {
                return Some(term);
            }
        }
        match kind {
            Kind::Regions => longest_inside(terms, &wanted, true),
            Kind::Areas => longest_inside(terms, &wanted, false),
            _ => None,
        }
    }

    /// The closest id or name to `value`, for "did you mean" hints.
    pub fn suggest(&self, kind: Kind, value: &str) -> Option<String> {
        let candidates = self
            .terms(kind)
            .iter()
            .flat_map(|t| [t.id.as_str(), t.name.as_str()]);
        crate::suggest::closest(value, candidates)
    }

    /// The built-in vocabulary from the notice.
    pub fn builtin() -> Vocabulary {
        Vocabulary {
            areas: terms(&[
                ("gbt19004", "贯彻GB/T 19004 质量管理实践"),
                ("digital", "质量管理数字化"),
                ("reliability", "可靠性提升"),
                ("key-process", "关键过程质量控制"),
                ("sme-innovation", "中小企业质量技术创新"),
            ]),
            regions: REGIONS
                .iter()
                .map(|(id, name, quota, group)| Term {
                    id: (*id).to_string(),
                    name: (*name).to_string(),
                    quota: Some(*quota),
                    group: Some((*group).to_string()),
                })
                .collect(),
            industries: INDUSTRIES
                .iter()
                .map(|(id, name, group)| Term {
                    id: (*id).to_string(),
                    name: (*name).to_string(),
                    quota: None,
                    group: Some((*group).to_string()),
                })
                .collect(),
            methods: terms(&[
                ("six-sigma", "六西格玛"),
                ("lean", "精益管理"),
                ("excellence", "卓越绩效模式"),
                ("qc-circle", "质量管理小组(QC小组)"),
                ("trusted-team", "质量信得过班组"),
                ("spc", "统计过程控制(SPC)"),
                ("fmea", "失效模式与影响分析(FMEA)"),
                ("8d", "8D问题解决法"),
                ("qfd", "质量功能展开(QFD)"),
                ("doe", "试验设计(DOE)"),
                ("msa", "测量系统分析(MSA)"),
                ("tpm", "全员生产维护(TPM)"),
                ("zero-defect", "零缺陷管理"),
                ("apqp", "产品质量先期策划(APQP)"),
                ("reliability-test", "可靠性试验"),
                ("digital-twin", "数字孪生"),
            ]),
        }
    }
}

/// How forgiving [`Vocabulary::find`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leniency {
    /// Front matter: ids, names and authority names only. A short form such as `郑州` stays
    /// an error with a "did you mean", so that the canonical record is unambiguous.
    Content,
    /// Summary sheets: also area numbers, unique prefixes and names inside longer text.
    Sheet,
}

/// `text` reduced for comparison: full-width ASCII forms folded (`３` → `3`, `（` → `(`), spaces
/// removed, Latin lower-cased.
pub fn fold(text: &str) -> String {
    text.chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// Folds one full-width ASCII form (U+FF01–U+FF5E) to ASCII, and the ideographic space to a
/// space.
pub fn fold_width(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

/// Words that end the name of a government body (工业和信息化局, 工信委, 人民政府 …).
const AUTHORITY_ENDINGS: [&str; 9] = [
    "局",
    "委",
    "委员会",
    "厅",
    "政府",
    "管委会",
    "办公室",
    "办",
    "中心",
];

/// A region's name without its 市/县/区 suffix (济源示范区 → 济源, 航空港区 → 航空港).
fn region_core(name: &str) -> &str {
    for suffix in ["示范区", "市", "县", "区"] {
        if let Some(core) = name.strip_suffix(suffix) {
            if core.chars().count() >= 2 {
                return core;
            }
        }
    }
    name
}

/// A region named by one of its authorities: the folded region name followed by a body's
/// name (工业和信息化局, 工信局 …), optionally after `河南省`.
fn region_authority<'v>(terms: &'v [Term], wanted: &str) -> Option<&'v Term> {
    let wanted = wanted.strip_prefix("河南省").unwrap_or(wanted);
    if !AUTHORITY_ENDINGS.iter().any(|e| wanted.ends_with(e)) {
        return None;
    }
    terms
        .iter()
        .filter(|t| {
            let name = fold(&t.name);
            wanted.len() > name.len() && wanted.starts_with(&name)
        })
        .max_by_key(|t| t.name.chars().count())
}

/// The term whose name (or, for regions, core name of at least two characters) is the
/// longest found inside `wanted`; `None` when two tie.
fn longest_inside<'v>(terms: &'v [Term], wanted: &str, cores: bool) -> Option<&'v Term> {
    let mut best: Option<(&Term, usize)> = None;
    let mut tie = false;
    for term in terms {
        let name = fold(&term.name);
        let core = if cores {
            region_core(&name).to_string()
        } else {
            name.clone()
        };
        let len = if wanted.contains(&name) {
            name.chars().count()
        } else if wanted.contains(&core) {
            core.chars().count()
        } else {
            continue;
        };
        match best {
            Some((_, l)) if l > len => {}
            Some((_, l)) if l == len => tie = true,
            _ => {
                best = Some((term, len));
                tie = false;
            }
        }
    }
    if tie {
        None
    } else {
        best.map(|(term, _)| term)
    }
}

/// An area by its number in the year's list: `3`, `三`, `第3`, `领域3`, `(3)`, `3.`, or a
/// number followed by a name of the same area (`3.可靠性提升`). `None` when `wanted` does not
/// start with a number of the list; `Some(None)` when the number and the name disagree.
fn area_by_number<'v>(
    terms: &'v [Term],
    wanted: &str,
    vocab: &'v Vocabulary,
) -> Option<Option<&'v Term>> {
    let mut rest = wanted;
    for prefix in ["重点领域", "领域", "第"] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let rest = rest.trim_start_matches(['(', '[', '【', '〔']);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let (number, after) = if digits.is_empty() {
        let first = rest.chars().next()?;
        let n = "一二三四五六七八九十".chars().position(|c| c == first)? + 1;
        (n, &rest[first.len_utf8()..])
    } else {
        (digits.parse::<usize>().ok()?, &rest[digits.len()..])
    };
    let term = terms.get(number.checked_sub(1)?)?;
    let after = after.trim_start_matches([
        ')', ']', '】', '〕', '.', '、', ':', '．', '。', '-', '类', '项',
    ]);
    if after.is_empty() {
        return Some(Some(term));
    }
    let named = vocab.find(Kind::Areas, after, Leniency::Sheet);
    Some(named.filter(|named| named.id == term.id).map(|_| term))
}

fn terms(pairs: &[(&str, &str)]) -> Vec<Term> {
    pairs
        .iter()
        .map(|(id, name)| Term {
            id: (*id).to_string(),
            name: (*name).to_string(),
            quota: None,
            group: None,
        })
        .collect()
}

const CITY: &str = "省辖市";
const ZONE: &str = "示范区";
const DIRECT: &str = "省直管县（市）";

/// Regions of the notice with quotas: 郑州市、洛阳市、新乡市 ≤ 10; other 省辖市 and 济源示范区 ≤ 7;
/// 航空港区、巩义市、长垣市 ≤ 4; other 省直管县（市）≤ 2. Ids are written by hand (长垣 is
/// Changyuan, not the pinyin crate's zhang-yuan).
const REGIONS: &[(&str, &str, u32, &str)] = &[
    ("zhengzhou", "郑州市", 10, CITY),
    ("kaifeng", "开封市", 7, CITY),
    ("luoyang", "洛阳市", 10, CITY),
    ("pingdingshan", "平顶山市", 7, CITY),
    ("anyang", "安阳市", 7, CITY),
    ("hebi", "鹤壁市", 7, CITY),
    ("xinxiang", "新乡市", 10, CITY),
    ("jiaozuo", "焦作市", 7, CITY),
    ("puyang", "濮阳市", 7, CITY),
    ("xuchang", "许昌市", 7, CITY),
    ("luohe", "漯河市", 7, CITY),
    ("sanmenxia", "三门峡市", 7, CITY),
    ("nanyang", "南阳市", 7, CITY),
    ("shangqiu", "商丘市", 7, CITY),
    ("xinyang", "信阳市", 7, CITY),
    ("zhoukou", "周口市", 7, CITY),
    ("zhumadian", "驻马店市", 7, CITY),
    ("jiyuan", "济源示范区", 7, ZONE),
    ("hangkonggang", "航空港区", 4, ZONE),
    ("gongyi", "巩义市", 4, DIRECT),
    ("changyuan", "长垣市", 4, DIRECT),
    ("lankao", "兰考县", 2, DIRECT),
    ("ruzhou", "汝州市", 2, DIRECT),
    ("huaxian", "滑县", 2, DIRECT),
    ("dengzhou", "邓州市", 2, DIRECT),
    ("yongcheng", "永城市", 2, DIRECT),
    ("gushi", "固始县", 2, DIRECT),
    ("luyi", "鹿邑县", 2, DIRECT),
    ("xincai", "新蔡县", 2, DIRECT),
];

const TRADITIONAL: &str = "传统产业";
const EMERGING: &str = "新兴产业";
const FUTURE: &str = "未来产业";

/// Industries as the notice groups them.
const INDUSTRIES: &[(&str, &str, &str)] = &[
    ("materials", "材料", TRADITIONAL),
    ("equipment", "装备", TRADITIONAL),
    ("automotive", "汽车", TRADITIONAL),
    ("food", "食品", TRADITIONAL),
    ("textiles", "轻纺", TRADITIONAL),
    ("information-tech", "新一代信息技术", EMERGING),
    ("high-end-equipment", "高端装备", EMERGING),
    ("new-materials", "新材料", EMERGING),
    ("medicine", "现代医药", EMERGING),
    ("nev", "智能网联及新能源汽车", EMERGING),
    ("new-energy", "新能源", EMERGING),
    ("green", "节能环保", EMERGING),
    ("hydrogen-storage", "氢能和储能", FUTURE),
    ("quantum", "量子信息", FUTURE),
    ("brain-like", "类脑智能", FUTURE),
    ("future-network", "未来网络", FUTURE),
    ("life-health", "生命健康", FUTURE),
    ("frontier-materials", "前沿新材料", FUTURE),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_follow_the_notice() {
        let vocab = Vocabulary::builtin();
        let quota = |name: &str| vocab.resolve(Kind::Regions, name).and_then(|t| t.quota);
        assert_eq!(quota("郑州市"), Some(10));
        assert_eq!(quota("洛阳市"), Some(10));
        assert_eq!(quota("新乡市"), Some(10));
        assert_eq!(quota("开封市"), Some(7));
        assert_eq!(quota("济源示范区"), Some(7));
        assert_eq!(quota("航空港区"), Some(4));
        assert_eq!(quota("巩义市"), Some(4));
        assert_eq!(quota("changyuan"), Some(4));
        assert_eq!(quota("兰考县"), Some(2));
        assert_eq!(vocab.areas.len(), 5);
    }

    #[test]
    fn front_matter_accepts_names_ids_and_authorities_only() {
        let vocab = Vocabulary::builtin();
        let id = |kind, value| vocab.resolve(kind, value).map(|t| t.id.as_str());
        for (kind, value, expected, note) in [
            (Kind::Regions, "luoyang", Some("luoyang"), ""),
            (Kind::Regions, " 洛阳市 ", Some("luoyang"), ""),
            (Kind::Regions, "LuoYang", Some("luoyang"), ""),
            (Kind::Regions, "洛阳市工业和信息化局", Some("luoyang"), ""),
            (Kind::Regions, "河南省巩义市工信局", Some("gongyi"), ""),
            (
                Kind::Regions,
                "济源示范区工业和信息化局",
                Some("jiyuan"),
                "",
            ),
            // Short forms and numbers stay errors in front matter.
            (Kind::Regions, "郑州", None, ""),
            (Kind::Regions, "洛阳市区", None, ""),
            (Kind::Areas, "数字化", None, ""),
            (Kind::Areas, "3", None, ""),
            (
                Kind::Methods,
                "统计过程控制（SPC）",
                Some("spc"),
                "full-width brackets",
            ),
        ] {
            assert_eq!(id(kind, value), expected, "{value} {note}");
        }
    }

    #[test]
    fn sheets_also_accept_numbers_prefixes_and_names_inside() {
        let vocab = Vocabulary::builtin();
        let id = |kind, value| {
            vocab
                .find(kind, value, Leniency::Sheet)
                .map(|t| t.id.as_str())
        };
        for (kind, value, expected, note) in [
            (Kind::Regions, "郑州", Some("zhengzhou"), ""),
            (Kind::Regions, "济源", Some("jiyuan"), ""),
            (Kind::Regions, "Zhengzhou", Some("zhengzhou"), ""),
            (Kind::Regions, "郑州工信局", Some("zhengzhou"), ""),
            (
                Kind::Regions,
                "郑州航空港经济综合实验区管委会",
                Some("hangkonggang"),
                "",
            ),
            (Kind::Regions, "北京市", None, ""),
            (Kind::Regions, "新乡市长垣市", None, "two regions tie"),
            (
                Kind::Methods,
                "质量管理小组（QC小组）",
                Some("qc-circle"),
                "",
            ),
            (Kind::Industries, "新", None, ""),
        ] {
            assert_eq!(id(kind, value), expected, "{value} {note}");
        }
        // Areas by their number in the notice.
        for (value, area) in [
            ("1", "gbt19004"),
            ("2", "digital"),
            ("３", "reliability"),
            ("4", "key-process"),
            ("五", "sme-innovation"),
            ("领域3", "reliability"),
            ("第4", "key-process"),
            ("（2）", "digital"),
            ("3.可靠性提升", "reliability"),
            ("4、关键过程质量控制", "key-process"),
            ("可靠性", "reliability"),
        ] {
            assert_eq!(id(Kind::Areas, value), Some(area), "{value}");
        }
        for bad in ["0", "6", "12", "3.质量管理数字化"] {
            assert_eq!(id(Kind::Areas, bad), None, "{bad}");
        }
    }

    #[test]
    fn area_numbers_follow_the_year_s_own_list() {
        let mut vocab = Vocabulary::builtin();
        vocab.areas.reverse();
        let id = |value| {
            vocab
                .find(Kind::Areas, value, Leniency::Sheet)
                .map(|t| t.id.clone())
        };
        assert_eq!(id("1").as_deref(), Some("sme-innovation"));
        assert_eq!(id("5").as_deref(), Some("gbt19004"));
    }

    #[test]
    fn suggests_close_ids() {
        let vocab = Vocabulary::builtin();
        assert_eq!(
            vocab.suggest(Kind::Regions, "zhengzou").as_deref(),
            Some("zhengzhou")
        );
        assert_eq!(
            vocab.suggest(Kind::Areas, "digtal").as_deref(),
            Some("digital")
        );
    }
}
