//! Shared helpers of the `search_*` tests: a deterministic generator of Chinese case texts
//! from a fixed vocabulary (with shared phrases, Latin terms, full-width forms and
//! punctuation), and a grep-style oracle of the query language.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // tests may panic

use biaogan::search::tokenizer::{class_of, norm_char, CharClass};
use biaogan::search::{export_to, ExportOptions, ExportStats, SearchDoc, SearchIndex};

/// Writes the static search export of `index` into the directory `out`, through a directory
/// [`biaogan::fs::Output`] with the default options.
pub fn export_into(index: &SearchIndex, out: &std::path::Path) -> ExportStats {
    let output = biaogan::fs::Output::Disk(out.to_path_buf());
    export_to(index, &output, "", &ExportOptions::default()).expect("export")
}

/// The source of `templates/static/search.js`.
pub fn search_js_source() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/static/search.js");
    std::fs::read_to_string(path).expect("read search.js")
}

/// Writes `search.js` as a build ships it (without its comments: `render::script`) to
/// `path`, the script the tests run and measure.
pub fn write_shipped_search_js(path: &std::path::Path) {
    let shipped = biaogan::render::script::strip(&search_js_source());
    std::fs::write(path, shipped).expect("write search.js");
}

/// splitmix64: small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
    pub fn pick_ref<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

#[rustfmt::skip]
pub const WORDS: &[&str] = &[
    "质量", "管理", "数字化", "追溯", "体系", "标准", "工序", "检验", "首件", "控制", "过程", "改进", "可靠性", "精益",
    "六西格玛", "卓越绩效", "供应链", "客户", "满意度", "合格率", "不良率", "降低", "提升", "企业", "员工", "培训", "班组", "设备",
    "维护", "数据", "平台", "分析", "统计", "智能", "制造", "产品", "研发", "创新", "技术", "攻关", "问题", "解决", "方法",
    "实践", "经验", "推广", "价值", "成本", "效率", "周期", "缩短", "用户", "投诉", "风险", "预防", "失效", "模式", "影响",
    "测量", "系统", "试验", "设计", "优化", "生产线", "自动化", "信息化", "工艺", "参数", "稳定", "一致性", "机械", "精密",
    "材料", "食品", "安全", "医药", "汽车", "零部件", "新能源", "电池", "装备", "氢能", "储能", "关键", "环节", "现场", "全员",
    "参与", "持续", "机制", "建立", "完善", "形成", "闭环", "显著", "年度", "目标", "考核", "激励", "文化", "品牌", "战略",
    "市场", "竞争力", "了", "的", "和", "在", "对", "把", "以", "为", "将", "通过", "开展", "实施", "运用", "全面",
    "深入", "有效", "々", "〇", "メーカー", "품질", "𠀋", "﨑",
];

#[rustfmt::skip]
pub const LATIN: &[&str] = &[
    "SPC", "FMEA", "5G", "ISO9004", "QC", "MES", "ERP", "6S", "PDCA", "8D", "CPK", "ISO9001",
    "TPM", "GB/T 19004", "ＳＰＣ", "５Ｇ", "ＩＳＯ９００４", "Cpk", "iPhone", "OEE", "AI",
];

#[rustfmt::skip]
pub const SHARED: &[&str] = &[
    "坚持质量第一的理念", "以客户为中心", "全面质量管理", "推动质量管理数字化转型", "建立质量追溯体系", "关键工序质量控制", "实现产品全生命周期追溯",
    "运用SPC统计过程控制", "开展FMEA失效模式分析", "基于5G的智能工厂",
];

#[rustfmt::skip]
pub const PUNCT: &[&str] = &[
    "，", "。", "、", "；", "：", "（", "）", "“", "”", " ", ",", ". ", "——", "《", "》",
];

#[rustfmt::skip]
pub const AREAS: &[&str] = &[
    "gbt19004", "digital", "reliability", "key-process", "sme-innovation",
];
#[rustfmt::skip]
pub const REGIONS: &[&str] = &[
    "zhengzhou", "kaifeng", "luoyang", "pingdingshan", "anyang", "xinxiang", "jiaozuo",
    "xuchang", "nanyang", "changyuan", "gongyi",
];
#[rustfmt::skip]
pub const INDUSTRIES: &[&str] = &[
    "materials", "equipment", "automotive", "food", "medicine", "nev", "new-energy",
];
#[rustfmt::skip]
pub const METHODS: &[&str] = &[
    "six-sigma", "lean", "excellence", "qc-circle", "spc", "fmea", "8d", "tpm",
];
#[rustfmt::skip]
pub const TAGS: &[&str] = &[
    "首件检验", "追溯", "数字孪生", "质量文化", "供应商管理", "零缺陷",
];
const PLACES: &[&str] = &[
    "中原", "洛阳", "郑州", "许昌", "南阳", "嵩山", "黄河", "伏牛",
];
const NAMES: &[&str] = &[
    "恒信", "宏达", "精工", "瑞丰", "天成", "华远", "金鼎", "新锐", "博远", "德润",
];
const KINDS: &[&str] = &[
    "精密机械",
    "新材料",
    "食品",
    "汽车零部件",
    "电子科技",
    "生物医药",
    "重工",
];

fn sentence(rng: &mut Rng, min_words: usize) -> String {
    let mut s = String::new();
    let n = min_words + rng.below(8);
    for i in 0..n {
        if i > 0 && rng.chance(12) {
            s.push_str(rng.pick(&PUNCT[..3]));
        }
        if rng.chance(8) {
            s.push_str(rng.pick(SHARED));
        } else if rng.chance(7) {
            if rng.chance(50) {
                s.push(' ');
            }
            s.push_str(rng.pick(LATIN));
            if rng.chance(50) {
                s.push(' ');
            }
        } else if rng.chance(4) {
            s.push_str(&format!("{}.{}%", 90 + rng.below(10), rng.below(10)));
        } else {
            s.push_str(rng.pick(WORDS));
        }
    }
    s.push_str(rng.pick(&["。", "。", "；", "！", "？", "."]));
    s
}

fn paragraph(rng: &mut Rng) -> String {
    let mut p = String::new();
    for _ in 0..2 + rng.below(4) {
        p.push_str(&sentence(rng, 6));
    }
    p
}

/// `n` documents with bodies of about `body_chars` characters, sorted by URL.
pub fn generate(n: usize, body_chars: usize, seed: u64) -> Vec<SearchDoc> {
    let mut rng = Rng::new(seed);
    let mut docs = Vec::with_capacity(n);
    for i in 0..n {
        let year = 2023 + (i % 2) as u16;
        let enterprise = format!(
            "{}{}{}有限公司",
            rng.pick(PLACES),
            rng.pick(NAMES),
            rng.pick(KINDS)
        );
        let title = match rng.below(3) {
            0 => format!(
                "基于{}的{}{}实践经验",
                rng.pick(LATIN),
                rng.pick(WORDS),
                rng.pick(WORDS)
            ),
            1 => format!(
                "实施{}{}提升{}的经验",
                rng.pick(WORDS),
                rng.pick(WORDS),
                rng.pick(WORDS)
            ),
            _ => format!(
                "{}{}：{}",
                rng.pick(SHARED),
                rng.pick(WORDS),
                rng.pick(WORDS)
            ),
        };
        let summary = format!("{}{}", sentence(&mut rng, 5), sentence(&mut rng, 4));
        let mut headings: Vec<String> =
            ["企业概况", "背景与问题", "主要做法", "实施效果", "推广价值"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        if rng.chance(50) {
            headings.insert(3, format!("（一）{}{}", rng.pick(WORDS), rng.pick(WORDS)));
        }
        let mut body = String::new();
        while body.chars().count() < body_chars {
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(&paragraph(&mut rng));
        }
        let mut industries = vec![rng.pick(INDUSTRIES).to_string()];
        if rng.chance(30) {
            let extra = rng.pick(INDUSTRIES).to_string();
            if !industries.contains(&extra) {
                industries.push(extra);
            }
        }
        let mut methods: Vec<String> = Vec::new();
        for _ in 0..rng.below(3) {
            let m = rng.pick(METHODS).to_string();
            if !methods.contains(&m) {
                methods.push(m);
            }
        }
        let mut tags: Vec<String> = Vec::new();
        for _ in 0..rng.below(3) {
            let t = rng.pick(TAGS).to_string();
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        docs.push(SearchDoc {
            url: format!("{year}/c{i:05}/"),
            title,
            enterprise,
            summary,
            headings,
            body,
            year,
            area: rng.pick(AREAS).to_string(),
            region: rng.pick(REGIONS).to_string(),
            industries,
            methods,
            tags,
            // Many equal dates (ties ordered by relevance) and every fifth case undated.
            date: if i % 5 == 0 {
                0
            } else {
                u32::from(year) * 10_000 + (1 + (i % 12) as u32) * 100 + 1 + (i % 3) as u32
            },
        });
    }
    docs.sort_by(|a, b| a.url.cmp(&b.url));
    docs
}

/// The text values of a document that are searched (each matched on its own).
pub fn values(d: &SearchDoc) -> Vec<&str> {
    let mut v = vec![
        d.title.as_str(),
        d.enterprise.as_str(),
        d.summary.as_str(),
        d.body.as_str(),
    ];
    v.extend(d.headings.iter().map(String::as_str));
    v
}

fn norm(s: &str) -> Vec<char> {
    s.chars().map(norm_char).collect()
}

/// The normalized searched values of a document (compute once, query many times).
pub fn normed(d: &SearchDoc) -> Vec<Vec<char>> {
    values(d).into_iter().map(norm).collect()
}

fn class(c: char) -> CharClass {
    class_of(c)
}

/// A piece of a query: normalized characters and its class (CJK or word).
#[derive(Clone, Debug)]
pub struct Piece {
    pub chars: Vec<char>,
    pub word: bool,
    /// True when separators precede the piece (inside a quoted phrase).
    pub gap: bool,
}

/// Splits text at separators and script changes, like the query language says.
pub fn pieces(s: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut gap = false;
    let mut prev: Option<CharClass> = None;
    for c in s.chars() {
        let k = class(c);
        if k == CharClass::Sep {
            prev = None;
            gap = !out.is_empty();
            continue;
        }
        if prev != Some(k) {
            out.push(Piece {
                chars: Vec::new(),
                word: k == CharClass::Word,
                gap,
            });
            gap = false;
        }
        if let Some(p) = out.last_mut() {
            p.chars.push(norm_char(c));
        }
        prev = Some(k);
    }
    out
}

fn is_class(v: &[char], i: isize, k: CharClass) -> bool {
    i >= 0 && (i as usize) < v.len() && class(v[i as usize]) == k
}

/// Does `v` contain `p` at `i` (respecting whole-word boundaries for words)?
fn piece_at(v: &[char], i: usize, p: &Piece) -> bool {
    let n = p.chars.len();
    if i + n > v.len() || v[i..i + n] != p.chars[..] {
        return false;
    }
    !p.word
        || (!is_class(v, i as isize - 1, CharClass::Word)
            && !is_class(v, (i + n) as isize, CharClass::Word))
}

/// Oracle for an unquoted query: every piece occurs in some value of the document.
pub fn oracle_unquoted(vals: &[Vec<char>], query: &str) -> bool {
    let ps = pieces(query);
    if ps.is_empty() {
        return false;
    }
    ps.iter()
        .all(|p| vals.iter().any(|v| (0..v.len()).any(|i| piece_at(v, i, p))))
}

/// Oracle for a quoted phrase (the whole query is one phrase): its pieces occur in order in
/// one value, separated by one or more separators where the phrase has separators and
/// adjacent where it has none; inner Chinese pieces are whole runs, and a one-character
/// Chinese piece at an end of a phrase of several pieces must stand alone.
pub fn oracle_phrase(vals: &[Vec<char>], phrase: &str) -> bool {
    let ps = pieces(phrase);
    if ps.is_empty() {
        return false;
    }
    if ps.len() == 1 {
        return oracle_unquoted(vals, phrase);
    }
    let last = ps.len() - 1;
    vals.iter().any(|v| {
        (0..v.len()).any(|start| {
            let mut i = start;
            for (k, p) in ps.iter().enumerate() {
                if k > 0 && p.gap {
                    let s = i;
                    while i < v.len() && class(v[i]) == CharClass::Sep {
                        i += 1;
                    }
                    if i == s {
                        return false;
                    }
                }
                if !piece_at(v, i, p) {
                    return false;
                }
                let n = p.chars.len();
                if !p.word {
                    let cjk_before = is_class(v, i as isize - 1, CharClass::Cjk);
                    let cjk_after = is_class(v, (i + n) as isize, CharClass::Cjk);
                    let must_start = k > 0 || n == 1;
                    let must_end = k < last || n == 1;
                    if (must_start && cjk_before) || (must_end && cjk_after) {
                        return false;
                    }
                }
                i += n;
            }
            true
        })
    })
}
