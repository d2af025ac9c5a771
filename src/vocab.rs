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

    /// Finds a term by id or by name (names compared without surrounding spaces).
    pub fn resolve(&self, kind: Kind, value: &str) -> Option<&Term> {
        let value = value.trim();
        let terms = self.terms(kind);
        terms
            .iter()
            .find(|t| t.id == value)
            .or_else(|| terms.iter().find(|t| t.name == value))
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
