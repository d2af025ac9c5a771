//! Deterministic corpus generator for `biaogan` benchmarks and tests.
//!
//! Writes a complete, valid site (`site.yaml` plus `content/`) full of
//! fictional 质量标杆典型经验 cases:
//!
//! ```text
//! cargo run --release --example gen-corpus -- --cases N --out DIR [--seed S] [--years 2019-2024]
//! ```
//!
//! * `--cases N`   number of case bundles to generate (required).
//! * `--out DIR`   output directory (required). It must be empty or absent,
//!   or contain the `.gen-corpus` marker left by a previous run; in that case
//!   its `content/` directory is removed and regenerated.
//! * `--seed S`    64-bit seed for the built-in splitmix64 generator (default 1).
//! * `--years A-B` inclusive year range (default `2019-2024`); a single year
//!   such as `2023` is accepted too.
//!
//! The same arguments always produce byte-identical output. Only the standard
//! library is used.
//!
//! Output layout:
//!
//! ```text
//! DIR/.gen-corpus                       marker (allows regeneration)
//! DIR/site.yaml                         enforce_quotas: false
//! DIR/content/<year>/_index.md          one per year
//! DIR/content/<year>/<企业名称>/index.md N case bundles
//! ```
//!
//! Cases are spread evenly over the years and cycle through every area,
//! region, industry and method id of the content schema. Each body has more
//! than 2,500 Chinese characters, the sections 企业概况 / 背景与问题 /
//! 主要做法 / 实施效果 / 推广价值, lists, a before/after table, occasional
//! `**bold**` phrases and, in about one case in five, a fenced Python or SQL
//! code block. Front matter includes a `private:` block with a credit code
//! carrying a valid GB 32100 check digit.
//!
//! Enterprise names are built as
//! `prefix(2 字) + brand(2 字) + [ordinal] + industry word + legal suffix`,
//! e.g. 洛阳恒信精密机械有限公司. Brand characters are drawn from a pool whose toneless
//! pinyin readings are pairwise distinct, and every case of a year gets a
//! different ordered brand pair; only when all pairs are used up is an ordinal
//! such as 第二 inserted after the brand. Since every Han character is one
//! pinyin syllable and the prefix is always two characters, syllables 3–4 (or
//! the ordinal after them) differ between any two names of one year, so the
//! pinyin slugs derived from the names never collide.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
Usage: gen-corpus --cases N --out DIR [--seed S] [--years A-B]

Generate a deterministic biaogan site with N fictional cases.

Options:
  --cases N      number of case bundles to write (required)
  --out DIR      output directory: empty, absent, or a previous gen-corpus output
  --seed S       seed for the pseudo-random generator (default 1)
  --years A-B    inclusive range of years (default 2019-2024), or a single year
  -h, --help     print this help
";

/// Marker file that allows a directory to be regenerated.
const MARKER: &str = ".gen-corpus";

/// Minimum number of Han characters in every case body (the brief asks for
/// 2,500; keep a margin).
const MIN_HAN: usize = 2600;

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
struct Args {
    cases: usize,
    out: PathBuf,
    seed: u64,
    years: (u32, u32),
}

fn parse_args<I: Iterator<Item = String>>(mut it: I) -> Result<Option<Args>, String> {
    let mut cases = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut years = (2019u32, 2024u32);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg, None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        if !matches!(flag.as_str(), "--cases" | "--out" | "--seed" | "--years") {
            return Err(format!("unknown argument `{flag}`"));
        }
        let value = match inline.or_else(|| it.next()) {
            Some(v) if !v.is_empty() => v,
            _ => return Err(format!("missing value for `{flag}`")),
        };
        match flag.as_str() {
            "--cases" => {
                cases = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| format!("invalid --cases `{value}`: expected a number"))?,
                );
            }
            "--out" => out = Some(PathBuf::from(value)),
            "--seed" => {
                seed = value
                    .parse::<u64>()
                    .map_err(|_| format!("invalid --seed `{value}`: expected a u64"))?;
            }
            _ => years = parse_years(&value)?,
        }
    }
    let cases = cases.ok_or("missing required `--cases N`")?;
    let out = out.ok_or("missing required `--out DIR`")?;
    let per_year = cases.div_ceil((years.1 - years.0 + 1) as usize);
    let capacity = brand_pair_count() * ORDINALS.len();
    if per_year > capacity {
        return Err(format!(
            "--cases {cases} needs {per_year} names per year, but at most {capacity} \
             pinyin-distinct names per year can be generated; widen --years"
        ));
    }
    Ok(Some(Args {
        cases,
        out,
        seed,
        years,
    }))
}

fn parse_years(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("invalid --years `{s}`: expected A-B such as 2019-2024");
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (s.trim(), s.trim()),
    };
    let a: u32 = a.parse().map_err(|_| bad())?;
    let b: u32 = b.parse().map_err(|_| bad())?;
    if !(1950..=9999).contains(&a) || !(1950..=9999).contains(&b) || a > b {
        return Err(bad());
    }
    Ok((a, b))
}

// ---------------------------------------------------------------------------
// Pseudo-random numbers (splitmix64)
// ---------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// Independent stream for `(seed, a, b)`.
    fn derive(seed: u64, a: u64, b: u64) -> Self {
        let mut r = Rng(seed
            ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F));
        r.next_u64();
        r
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo) as usize + 1) as u32
    }

    /// Uniform in `[lo, hi)`.
    fn frange(&mut self, lo: f64, hi: f64) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        lo + (hi - lo) * unit
    }

    fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// Shuffled indices `0..n`.
    fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        self.shuffle(&mut v);
        v
    }

    /// `k` distinct indices from `0..n` (fewer if `n < k`).
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut v = self.permutation(n);
        v.truncate(k);
        v
    }
}

/// Draws templates without repetition until the pool is exhausted, then
/// reshuffles.
struct Deck {
    order: Vec<usize>,
    pos: usize,
}

impl Deck {
    fn new(rng: &mut Rng, n: usize) -> Self {
        Deck {
            order: rng.permutation(n),
            pos: 0,
        }
    }

    fn draw(&mut self, rng: &mut Rng) -> usize {
        if self.pos == self.order.len() {
            rng.shuffle(&mut self.order);
            self.pos = 0;
        }
        self.pos += 1;
        self.order[self.pos - 1]
    }
}

// ---------------------------------------------------------------------------
// Vocabulary (ids from the content schema)
// ---------------------------------------------------------------------------

struct Region {
    id: &'static str,
    name: &'static str,
    /// Two-character, region-flavoured name prefixes.
    prefixes: &'static [&'static str],
    phone: &'static str,
    division: &'static str,
}

#[rustfmt::skip]
const REGIONS: &[Region] = &[
    Region { id: "zhengzhou", name: "郑州市", prefixes: &["郑州", "商都", "绿城"], phone: "0371", division: "410100" },
    Region { id: "kaifeng", name: "开封市", prefixes: &["开封", "汴梁", "宋都"], phone: "0371", division: "410200" },
    Region { id: "luoyang", name: "洛阳市", prefixes: &["洛阳", "河洛", "伊洛"], phone: "0379", division: "410300" },
    Region { id: "pingdingshan", name: "平顶山市", prefixes: &["鹰城", "尧山", "平顶"], phone: "0375", division: "410400" },
    Region { id: "anyang", name: "安阳市", prefixes: &["安阳", "殷都", "洹水"], phone: "0372", division: "410500" },
    Region { id: "hebi", name: "鹤壁市", prefixes: &["鹤壁", "淇河", "淇滨"], phone: "0392", division: "410600" },
    Region { id: "xinxiang", name: "新乡市", prefixes: &["新乡", "牧野", "卫辉"], phone: "0373", division: "410700" },
    Region { id: "jiaozuo", name: "焦作市", prefixes: &["焦作", "怀川", "云台"], phone: "0391", division: "410800" },
    Region { id: "puyang", name: "濮阳市", prefixes: &["濮阳", "龙都", "帝丘"], phone: "0393", division: "410900" },
    Region { id: "xuchang", name: "许昌市", prefixes: &["许昌", "魏都", "莲城"], phone: "0374", division: "411000" },
    Region { id: "luohe", name: "漯河市", prefixes: &["漯河", "沙澧", "临颍"], phone: "0395", division: "411100" },
    Region { id: "sanmenxia", name: "三门峡市", prefixes: &["崤函", "陕州", "灵宝"], phone: "0398", division: "411200" },
    Region { id: "nanyang", name: "南阳市", prefixes: &["南阳", "宛城", "卧龙"], phone: "0377", division: "411300" },
    Region { id: "shangqiu", name: "商丘市", prefixes: &["商丘", "睢阳", "应天"], phone: "0370", division: "411400" },
    Region { id: "xinyang", name: "信阳市", prefixes: &["信阳", "申城", "豫南"], phone: "0376", division: "411500" },
    Region { id: "zhoukou", name: "周口市", prefixes: &["周口", "羲皇", "淮阳"], phone: "0394", division: "411600" },
    Region { id: "zhumadian", name: "驻马店市", prefixes: &["天中", "驿城", "汝南"], phone: "0396", division: "411700" },
    Region { id: "jiyuan", name: "济源示范区", prefixes: &["济源", "王屋", "愚公"], phone: "0391", division: "419001" },
    Region { id: "hangkonggang", name: "航空港区", prefixes: &["空港", "临空", "郑港"], phone: "0371", division: "410173" },
    Region { id: "gongyi", name: "巩义市", prefixes: &["巩义", "孝义", "康店"], phone: "0371", division: "410181" },
    Region { id: "changyuan", name: "长垣市", prefixes: &["长垣", "蒲东", "蒲西"], phone: "0373", division: "410783" },
    Region { id: "lankao", name: "兰考县", prefixes: &["兰考", "兰阳", "焦桐"], phone: "0371", division: "410225" },
    Region { id: "ruzhou", name: "汝州市", prefixes: &["汝州", "汝瓷", "临汝"], phone: "0375", division: "410482" },
    Region { id: "huaxian", name: "滑县", prefixes: &["滑县", "道口", "滑州"], phone: "0372", division: "410526" },
    Region { id: "dengzhou", name: "邓州市", prefixes: &["邓州", "花洲", "穰城"], phone: "0377", division: "411381" },
    Region { id: "yongcheng", name: "永城市", prefixes: &["永城", "芒砀", "芒山"], phone: "0370", division: "411481" },
    Region { id: "gushi", name: "固始县", prefixes: &["固始", "史河", "根亲"], phone: "0376", division: "411525" },
    Region { id: "luyi", name: "鹿邑县", prefixes: &["鹿邑", "老君", "真源"], phone: "0394", division: "411628" },
    Region { id: "xincai", name: "新蔡县", prefixes: &["新蔡", "蔡州", "汝河"], phone: "0396", division: "411729" },
];

/// Province-wide prefixes usable in every region (also two characters).
const PROVINCE_PREFIXES: &[&str] = &["中原", "河南"];

struct Area {
    id: &'static str,
    name: &'static str,
    /// Front-matter title patterns.
    titles: &'static [&'static str],
    /// Area-specific sentences mixed into 主要做法.
    sentences: &'static [&'static str],
    /// Sub-section headings preferred for the first 主要做法 sub-section.
    headings: &'static [&'static str],
    /// Verb phrase used in the summary.
    action: &'static str,
    /// Preferred metrics (indices into `METRICS`).
    metrics: &'static [usize],
    /// Kinds of enterprise used in 企业概况.
    kinds: &'static [&'static str],
}

const KINDS: &[&str] = &[
    "国家高新技术企业",
    "省级制造业单项冠军企业",
    "行业骨干企业",
    "省级智能工厂示范企业",
    "国家级绿色工厂",
    "省级质量标杆企业",
];

const SME_KINDS: &[&str] = &[
    "省级专精特新中小企业",
    "国家级专精特新“小巨人”企业",
    "创新型中小企业",
    "科技型中小企业",
];

const AREAS: &[Area] = &[
    Area {
        id: "gbt19004",
        name: "贯彻GB/T 19004质量管理实践",
        titles: &[
            "贯彻GB/T 19004构建持续成功质量管理体系的实践经验",
            "基于ISO 9004成熟度评价的{ind}企业质量管理提升实践经验",
            "以相关方需求为导向的{product}质量管理实践经验",
            "基于卓越绩效模式的{product}全面质量管理实践经验",
            "对标GB/T 19004推动{ind}企业持续成功的实践经验",
        ],
        sentences: &[
            "{co}以GB/T 19004—2020《质量管理 组织的质量 实现持续成功指南》为指引，系统识别顾客、员工、供应商、股东和社会等相关方的需求和期望。",
            "依据ISO 9004自我评价工具，公司从{n:10-12}个维度开展成熟度评价，并将评价结果与战略规划和年度经营计划相衔接。",
            "{co}构建了“使命—愿景—价值观—质量方针”一体化的战略框架，确保质量战略与经营战略同频共振、同步落地。",
            "通过建立相关方沟通机制，公司定期开展顾客满意度、员工敬业度和供应商满意度调查，持续提升组织的质量管理成熟度。",
            "对标**卓越绩效模式**评价准则，公司在领导、战略、顾客、资源、过程和结果等方面查找短板，形成年度改进项目清单{n:15-40}项。",
            "{co}建立了组织知识管理体系，把关键技术、经验教训和最佳实践系统化沉淀下来，为实现持续成功提供支撑。",
            "管理层每半年开展一次管理评审，重点评价外部环境变化、相关方需求满足程度和质量目标达成情况，及时调整资源配置。",
            "{co}把质量风险和机遇的识别纳入战略管理流程，对识别出的{n:20-60}项风险逐项明确应对措施和责任人。",
        ],
        headings: &[
            "对标GB/T 19004，开展质量管理成熟度自评价",
            "坚持战略引领，构建以顾客为关注焦点的质量管理体系",
            "识别相关方需求，推动组织实现持续成功",
            "导入卓越绩效模式，提升经营管理系统性",
        ],
        action: "对标GB/T 19004系统构建实现持续成功的质量管理体系",
        metrics: &[13, 5, 4],
        kinds: KINDS,
    },
    Area {
        id: "digital",
        name: "质量管理数字化",
        titles: &[
            "基于{tech}+{sys}的质量管理数字化实践经验",
            "{tech}赋能{product}全过程质量追溯的实践经验",
            "基于质量大数据的{process}智能管控实践经验",
            "构建数字化质量平台推动{product}质量提升的实践经验",
            "基于{sys}的{ind}企业质量数据贯通实践经验",
        ],
        sentences: &[
            "{co}以{sys}为核心，集成{sys2}、ERP和设备物联网平台，构建了覆盖“人、机、料、法、环、测”的数字化质量管理平台。",
            "依托5G+工业互联网，车间内{n:100-600}台设备实现互联，关键工艺参数自动采集率从{n:20-45}%提升到{n:95-100}%。",
            "{co}建设质量数据中台，统一数据标准和编码规则，打通了研发、采购、生产、检验和售后各环节的质量数据。",
            "通过数字化看板实时展示各产线的合格率、Cpk和异常处置状态，管理人员在手机端即可掌握质量动态。",
            "运用人工智能算法对历史质量数据进行挖掘，建立了{defect}的预测模型，可提前{n:10-60}分钟发出预警。",
            "{co}把**数字化质量**能力建设列入中长期发展规划，分数据采集、系统集成和智能决策三个阶段推进。",
            "在{process}工位部署边缘计算网关，对采集数据进行实时清洗和特征提取，降低了对中心系统的带宽压力。",
            "质量数据平台上线后，批次追溯由人工翻查记录变为系统一键查询，追溯范围精确到单件产品和单个工序。",
        ],
        headings: &[
            "建设{tech}+{sys}平台，推动质量管理数字化转型",
            "打通数据孤岛，构建全流程质量数据链",
            "构建全生命周期追溯体系，实现一物一码管理",
            "应用质量大数据，变事后处理为事前预警",
        ],
        action: "建设{tech}+{sys}数字化质量平台，实现质量数据的实时采集、分析和追溯",
        metrics: &[11, 8, 14],
        kinds: KINDS,
    },
    Area {
        id: "reliability",
        name: "可靠性提升",
        titles: &[
            "基于{method}的{product}可靠性提升实践经验",
            "以可靠性试验为牵引的{product}质量提升实践经验",
            "构建全寿命周期可靠性管理体系的实践经验",
            "基于FMEA与FRACAS的{product}可靠性增长实践经验",
            "面向严苛工况的{product}可靠性设计与验证实践经验",
        ],
        sentences: &[
            "{co}建立了覆盖设计、制造和使用全过程的可靠性工作体系，制定可靠性大纲，明确各阶段的可靠性目标和工作项目。",
            "在设计阶段开展可靠性预计和分配，运用FMEA和故障树分析识别薄弱环节，对关键零部件实施降额设计和冗余设计。",
            "{co}投资{n:500-3000}万元建设可靠性试验中心，配置高低温交变湿热试验箱、电磁振动台和HALT/HASS试验设备。",
            "针对{product}开展加速寿命试验，依据威布尔分布对试验数据进行分析，评估产品在典型工况下的B10寿命。",
            "建立故障报告、分析和纠正措施系统（FRACAS），对试验和使用中出现的每一个故障进行闭环管理。",
            "{co}将可靠性指标纳入供应商准入条件，要求关键外购件提供可靠性试验报告，并定期开展抽样验证。",
            "结合用户现场的载荷谱和环境数据，公司修订了{n:10-30}项可靠性试验规范，使试验条件更加贴近实际使用工况。",
            "对早期失效问题实施环境应力筛选，在出厂前剔除存在潜在缺陷的产品，早期故障率明显下降。",
        ],
        headings: &[
            "实施可靠性增长工程，提升{product}使用寿命",
            "建设可靠性试验能力，强化设计验证",
            "构建故障闭环管理机制，持续消除薄弱环节",
            "开展可靠性设计，从源头提升产品固有可靠性",
        ],
        action: "建立覆盖设计、试验和使用全过程的可靠性提升体系",
        metrics: &[7, 12],
        kinds: KINDS,
    },
    Area {
        id: "key-process",
        name: "关键过程质量控制",
        titles: &[
            "基于{method}的{process}关键工序质量控制实践经验",
            "基于SPC的{process}过程能力提升实践经验",
            "{process}关键过程分级管控的实践经验",
            "以防错技术保障{product}关键过程质量的实践经验",
            "基于控制计划的{product}关键特性管控实践经验",
        ],
        sentences: &[
            "{co}按照“识别—分级—控制—改进”的思路，梳理出影响{product}质量的关键过程{n:8-20}个、特殊过程{n:3-8}个。",
            "对关键过程实施“双控”管理，既控制产品特性，又控制过程参数，确保过程始终处于统计受控状态。",
            "针对{process}这一特殊过程，公司开展了全面的过程确认，对设备、参数、人员资格和环境条件逐项验证。",
            "关键过程的操作人员实行持证上岗，每年开展技能复训和考核，考核不合格者调离关键岗位。",
            "{co}编制了《关键过程控制计划》，明确控制特性、规格要求、测量方法、抽样频次和反应计划，做到控制有依据、异常有预案。",
            "运用SPC对{process}的关键特性实施实时监控，过程能力指数Cpk由{cpk_low}提升至{cpk_high}。",
            "在{process}工序设置质量控制点{n:6-20}个，每个控制点均配置控制图和异常处置流程卡。",
            "{co}对关键过程的设备参数实行“锁定”管理，参数调整必须经工艺和质量双重确认并在系统中留痕。",
        ],
        headings: &[
            "应用{method}工具，系统提升{process}过程能力",
            "推行防错防呆设计，筑牢{process}质量防线",
            "实施关键过程分级管控，确保过程稳定受控",
            "完善测量系统，夯实过程控制数据基础",
        ],
        action: "对{process}等关键过程实施分级管控和统计过程控制",
        metrics: &[2, 0, 1],
        kinds: KINDS,
    },
    Area {
        id: "sme-innovation",
        name: "中小企业质量技术创新",
        titles: &[
            "中小企业依托产学研合作提升{product}质量的实践经验",
            "基于{method}的中小企业质量技术创新实践经验",
            "以标准引领{product}质量技术创新的实践经验",
            "专精特新企业{product}质量攻关的实践经验",
            "小微企业借力质量基础设施实现{product}质量跃升的实践经验",
        ],
        sentences: &[
            "作为一家成长型中小企业，{short}坚持“专精特新”发展路径，把有限资源集中到{product}质量技术攻关上。",
            "{co}积极争取省、市质量提升专项资金支持，借助质量基础设施“一站式”服务平台，获得计量、标准、检验检测和认证等综合服务。",
            "通过与{univ}共建研发平台，公司以较低成本获得了先进的检测分析能力，破解了中小企业“有需求、无能力”的难题。",
            "{co}推行**小改小革**活动，鼓励一线员工提出合理化建议，{y:-1}年共收到建议{n:300-2000}条，采纳实施{n:100-280}条。",
            "依托首台（套）政策，公司将自主研发的{product}推向市场，以质量技术创新打破了国外产品的长期垄断。",
            "{co}把质量技术创新成果及时转化为标准，主导制定团体标准{n:1-5}项，提升了在细分领域的话语权。",
            "针对技术人员不足的短板，公司采取“柔性引才”方式，聘请高校教授和退休专家担任技术顾问，按项目开展联合攻关。",
            "{co}每年将销售收入的{f:4-9}%投入研发，其中质量技术研发投入占比超过三分之一。",
        ],
        headings: &[
            "依托产学研合作，突破{product}关键质量技术",
            "健全标准体系，以标准引领质量提升",
            "借力质量基础设施，补齐中小企业能力短板",
            "激发全员创新活力，培育“{concept}”质量文化",
        ],
        action: "依托产学研合作和质量基础设施服务开展{product}质量技术攻关",
        metrics: &[10, 0, 9],
        kinds: SME_KINDS,
    },
];

struct Industry {
    id: &'static str,
    name: &'static str,
    /// Industry words used in enterprise names.
    words: &'static [&'static str],
    /// Products; `products[i]` is the main product of a company named with
    /// `words[i]`.
    products: &'static [&'static str],
    processes: &'static [&'static str],
    defects: &'static [&'static str],
    customers: &'static [&'static str],
    fields: &'static [&'static str],
    stds: &'static [&'static str],
}

#[rustfmt::skip]
const INDUSTRIES: &[Industry] = &[
    Industry {
        id: "materials", name: "材料",
        words: &["铝业", "耐火材料", "建材", "特钢", "碳素"],
        products: &["高纯铝板带", "镁碳砖", "特种水泥", "合金结构钢棒材", "高功率石墨电极"],
        processes: &["熔铸", "热轧", "烧成", "配料混练", "退火"],
        defects: &["成分偏析", "表面裂纹", "尺寸超差", "性能波动"],
        customers: &["大型钢铁集团", "国内头部建材企业", "海外工业客户"],
        fields: &["冶金", "建筑建材", "交通运输", "包装容器"],
        stds: &["ISO 10012"],
    },
    Industry {
        id: "equipment", name: "装备",
        words: &["精密机械", "重型机械", "机电设备", "矿山机械", "起重机械"],
        products: &["数控机床主轴", "齿轮减速机", "大型轴承", "矿用液压支架", "桥式起重机"],
        processes: &["精密磨削", "焊接", "热处理", "总装调试", "齿轮加工"],
        defects: &["尺寸超差", "焊接缺陷", "装配间隙超差", "热处理变形"],
        customers: &["大型矿业集团", "国内头部工程机械企业", "能源装备央企"],
        fields: &["矿山开采", "工程机械", "港口物流", "电力能源"],
        stds: &["ISO 3834"],
    },
    Industry {
        id: "automotive", name: "汽车",
        words: &["汽车零部件", "汽车部件", "车桥", "汽车电器"],
        products: &["制动器总成", "转向节", "驱动桥壳", "汽车线束", "散热器"],
        processes: &["压铸", "冲压", "机加工", "涂装", "装配检测"],
        defects: &["压铸气孔", "漏装错装", "尺寸超差", "涂层附着力不足"],
        customers: &["国内头部整车企业", "合资品牌主机厂", "商用车龙头企业"],
        fields: &["乘用车", "商用车", "工程车辆"],
        stds: &["IATF 16949"],
    },
    Industry {
        id: "food", name: "食品",
        words: &["食品", "乳业", "面业", "肉制品", "调味品"],
        products: &["速冻水饺", "低温乳制品", "挂面", "冷鲜肉制品", "复合调味料"],
        processes: &["原料验收", "杀菌", "冷链配送", "配料投料", "包装封口"],
        defects: &["异物混入", "微生物超标", "净含量不足", "封口不良"],
        customers: &["大型连锁商超", "知名餐饮连锁企业", "电商平台"],
        fields: &["家庭消费", "餐饮服务", "团餐配送"],
        stds: &["ISO 22000", "HACCP"],
    },
    Industry {
        id: "textiles", name: "轻纺",
        words: &["纺织", "服饰", "家纺", "发制品", "皮革"],
        products: &["高支棉纱", "职业服装", "床上用品", "假发制品", "汽车内饰皮革"],
        processes: &["纺纱", "织造", "染整", "裁剪缝制", "后整理"],
        defects: &["色差", "断纱", "织疵", "缩水率超标"],
        customers: &["国际知名服装品牌", "大型电商平台", "出口贸易商"],
        fields: &["服装服饰", "家居家纺", "产业用纺织品"],
        stds: &["OEKO-TEX Standard 100"],
    },
    Industry {
        id: "information-tech", name: "新一代信息技术",
        words: &["电子科技", "信息技术", "软件", "光电"],
        products: &["工业控制板卡", "智能终端", "嵌入式软件", "光通信模块", "压力传感器"],
        processes: &["SMT贴片", "回流焊", "软件测试", "老化筛选", "光学耦合"],
        defects: &["虚焊", "元器件错贴", "软件缺陷", "静电损伤"],
        customers: &["通信设备龙头企业", "工业自动化企业", "电力系统客户"],
        fields: &["工业控制", "通信网络", "智慧城市"],
        stds: &["ISO/IEC 27001", "CMMI"],
    },
    Industry {
        id: "high-end-equipment", name: "高端装备",
        words: &["智能装备", "数控科技", "航空装备", "轨道交通装备"],
        products: &["工业机器人", "五轴加工中心", "航空液压件", "轨道交通牵引系统", "盾构机"],
        processes: &["精密装配", "整机调试", "五轴加工", "液压试验", "激光焊接"],
        defects: &["装配精度超差", "液压泄漏", "焊接缺陷", "振动超标"],
        customers: &["轨道交通运营单位", "航空制造企业", "大型基建央企"],
        fields: &["轨道交通", "航空航天", "隧道施工"],
        stds: &["AS9100", "EN 15085"],
    },
    Industry {
        id: "new-materials", name: "新材料",
        words: &["新材料", "超硬材料", "复合材料", "功能材料"],
        products: &["高性能尼龙66", "人造金刚石", "碳纤维复合材料", "锂电隔膜", "立方氮化硼"],
        processes: &["高温高压合成", "涂覆", "拉伸成膜", "聚合", "分级筛选"],
        defects: &["粒度分布不均", "杂质超标", "厚度不均", "性能波动"],
        customers: &["超硬刀具制造商", "动力电池企业", "半导体材料客户"],
        fields: &["精密加工", "新能源电池", "电子信息"],
        stds: &["ISO 10012"],
    },
    Industry {
        id: "medicine", name: "现代医药",
        words: &["药业", "生物医药", "医疗器械", "制药"],
        products: &["中药配方颗粒", "生物疫苗", "一次性输液器", "口服固体制剂", "医用防护用品"],
        processes: &["制粒压片", "无菌灌装", "灭菌", "提取浓缩", "洁净区环境控制"],
        defects: &["含量偏差", "可见异物", "装量差异", "微生物污染"],
        customers: &["三甲医院", "大型医药流通企业", "疾控机构"],
        fields: &["临床治疗", "公共卫生", "医疗防护"],
        stds: &["ISO 13485", "GMP"],
    },
    Industry {
        id: "nev", name: "智能网联及新能源汽车",
        words: &["新能源汽车", "智能网联科技", "电驱科技", "客车"],
        products: &["动力电池包", "智能座舱域控制器", "驱动电机", "新能源客车", "电控系统"],
        processes: &["电池模组装配", "电机绕线", "整车下线检测", "软件刷写", "气密性检测"],
        defects: &["电芯一致性差", "绝缘失效", "软件版本错误", "气密泄漏"],
        customers: &["公交运营企业", "新能源整车企业", "海外经销商"],
        fields: &["城市公交", "物流配送", "乘用出行"],
        stds: &["IATF 16949", "ISO 26262"],
    },
    Industry {
        id: "new-energy", name: "新能源",
        words: &["光伏科技", "新能源", "电力科技", "风电装备"],
        products: &["光伏组件", "储能变流器", "电力变压器", "风电齿轮箱", "智能电表"],
        processes: &["层压", "串焊", "绕组制造", "EL检测", "真空干燥"],
        defects: &["隐裂", "虚焊", "局部放电超标", "绝缘缺陷"],
        customers: &["大型发电集团", "电网公司", "海外光伏电站开发商"],
        fields: &["光伏发电", "风力发电", "智能电网"],
        stds: &["IEC 61215"],
    },
    Industry {
        id: "green", name: "节能环保",
        words: &["环保科技", "节能科技", "环境工程", "水处理"],
        products: &["脱硫脱硝设备", "余热回收装置", "袋式除尘器", "污水处理装备", "高效节能电机"],
        processes: &["焊接成型", "防腐涂装", "整机试验", "滤袋缝制", "运行调试"],
        defects: &["焊缝缺陷", "防腐层破损", "运行振动超标", "尺寸超差"],
        customers: &["大型火电企业", "市政水务公司", "钢铁企业"],
        fields: &["大气治理", "水环境治理", "工业节能"],
        stds: &["ISO 50001"],
    },
    Industry {
        id: "hydrogen-storage", name: "氢能和储能",
        words: &["氢能科技", "储能科技", "燃料电池"],
        products: &["电解水制氢设备", "储能电池柜", "燃料电池电堆", "车载储氢瓶", "膜电极"],
        processes: &["膜电极涂布", "电堆组装", "缠绕成型", "电芯分容", "气密检测"],
        defects: &["涂布厚度不均", "电堆泄漏", "电芯容量偏差", "缠绕层缺陷"],
        customers: &["燃料电池汽车企业", "储能电站运营商", "化工园区企业"],
        fields: &["交通动力", "电网储能", "工业用氢"],
        stds: &["ISO 50001"],
    },
    Industry {
        id: "quantum", name: "量子信息",
        words: &["量子科技", "量子信息", "精密测量"],
        products: &["量子随机数发生器", "量子密钥分发设备", "原子钟模块", "单光子探测器"],
        processes: &["光路装调", "低温封装", "器件筛选", "标定测试"],
        defects: &["光路失准", "器件性能漂移", "封装漏率超标", "标定误差"],
        customers: &["通信运营商", "科研院所", "金融数据中心"],
        fields: &["保密通信", "精密测量", "科学研究"],
        stds: &["ISO/IEC 27001"],
    },
    Industry {
        id: "brain-like", name: "类脑智能",
        words: &["类脑智能", "智能感知", "人工智能"],
        products: &["类脑芯片开发板", "脑机接口采集设备", "智能视觉检测系统", "边缘智能终端"],
        processes: &["算法训练", "模型验证", "芯片封测", "数据标注"],
        defects: &["模型误判", "芯片封装缺陷", "数据标注错误", "信号噪声超标"],
        customers: &["智能制造企业", "医疗机构", "科研院所"],
        fields: &["工业视觉", "医疗康复", "智能安防"],
        stds: &["ISO/IEC 27001"],
    },
    Industry {
        id: "future-network", name: "未来网络",
        words: &["网络科技", "通信技术", "信息通信"],
        products: &["时间敏感网络交换机", "5G工业网关", "卫星通信终端", "光传输设备"],
        processes: &["射频测试", "协议一致性测试", "整机组装", "软件版本管理"],
        defects: &["射频指标超差", "协议兼容性缺陷", "装配不良", "软件版本错误"],
        customers: &["通信运营商", "工业互联网平台企业", "卫星应用企业"],
        fields: &["工业互联网", "卫星通信", "数据中心"],
        stds: &["TL 9000"],
    },
    Industry {
        id: "life-health", name: "生命健康",
        words: &["生命科学", "健康科技", "基因科技"],
        products: &["体外诊断试剂", "康复辅具", "基因检测试剂盒", "营养健康食品"],
        processes: &["试剂分装", "冻干", "质控品制备", "放行检验"],
        defects: &["批间差超标", "分装量偏差", "冻干不良", "标签错误"],
        customers: &["三甲医院", "第三方检验机构", "体检中心"],
        fields: &["体外诊断", "精准医疗", "健康管理"],
        stds: &["ISO 13485", "ISO 15189"],
    },
    Industry {
        id: "frontier-materials", name: "前沿新材料",
        words: &["先进材料", "纳米科技", "石墨烯科技"],
        products: &["高熵合金粉末", "纳米涂层材料", "石墨烯导热膜", "超导线材"],
        processes: &["化学气相沉积", "雾化制粉", "纳米分散", "热压烧结"],
        defects: &["膜层厚度不均", "粉末氧含量超标", "分散团聚", "致密度不足"],
        customers: &["消费电子企业", "航空发动机企业", "科研院所"],
        fields: &["消费电子散热", "航空航天", "电力传输"],
        stds: &["ISO 10012"],
    },
];

struct Method {
    id: &'static str,
    /// Name used in running text and titles.
    short: &'static str,
}

#[rustfmt::skip]
const METHODS: &[Method] = &[
    Method { id: "six-sigma", short: "六西格玛" },
    Method { id: "lean", short: "精益管理" },
    Method { id: "excellence", short: "卓越绩效模式" },
    Method { id: "qc-circle", short: "QC小组活动" },
    Method { id: "trusted-team", short: "质量信得过班组建设" },
    Method { id: "spc", short: "SPC" },
    Method { id: "fmea", short: "FMEA" },
    Method { id: "8d", short: "8D方法" },
    Method { id: "qfd", short: "QFD" },
    Method { id: "doe", short: "DOE" },
    Method { id: "msa", short: "MSA" },
    Method { id: "tpm", short: "TPM" },
    Method { id: "zero-defect", short: "零缺陷管理" },
    Method { id: "apqp", short: "APQP" },
    Method { id: "reliability-test", short: "可靠性试验" },
    Method { id: "digital-twin", short: "数字孪生" },
];

/// Brand characters; their toneless pinyin readings are pairwise distinct and
/// none of them is a polyphone with different toneless readings.
#[rustfmt::skip]
const BRAND_CHARS: &[(&str, &str)] = &[
    ("恒", "heng"), ("信", "xin"), ("达", "da"), ("华", "hua"), ("泰", "tai"), ("瑞", "rui"),
    ("丰", "feng"), ("源", "yuan"), ("安", "an"), ("宏", "hong"), ("博", "bo"), ("诚", "cheng"),
    ("凯", "kai"), ("祥", "xiang"), ("隆", "long"), ("兴", "xing"), ("昌", "chang"), ("鼎", "ding"),
    ("润", "run"), ("嘉", "jia"), ("腾", "teng"), ("亿", "yi"), ("金", "jin"), ("明", "ming"),
    ("辉", "hui"), ("德", "de"), ("康", "kang"), ("立", "li"), ("宇", "yu"), ("豪", "hao"),
    ("科", "ke"), ("创", "chuang"), ("基", "ji"), ("飞", "fei"), ("航", "hang"), ("威", "wei"),
    ("正", "zheng"), ("通", "tong"), ("胜", "sheng"), ("美", "mei"), ("众", "zhong"), ("银", "yin"),
    ("振", "zhen"), ("东", "dong"), ("方", "fang"), ("天", "tian"), ("光", "guang"), ("启", "qi"),
    ("云", "yun"), ("海", "hai"), ("诺", "nuo"), ("普", "pu"), ("优", "you"), ("卓", "zhuo"),
    ("越", "yue"), ("晶", "jing"), ("奥", "ao"), ("欧", "ou"), ("迪", "di"), ("森", "sen"),
    ("林", "lin"), ("骏", "jun"), ("坤", "kun"), ("福", "fu"), ("盈", "ying"), ("旭", "xu"),
    ("晨", "chen"), ("阳", "yang"), ("耀", "yao"), ("展", "zhan"), ("迅", "xun"), ("捷", "jie"),
    ("朗", "lang"), ("沃", "wo"), ("宝", "bao"), ("荣", "rong"), ("聚", "ju"), ("彩", "cai"),
    ("蓝", "lan"), ("青", "qing"), ("赛", "sai"), ("格", "ge"), ("途", "tu"),
];

/// Ordinals inserted after the brand once all brand pairs of a year are used.
/// Their second syllables are distinct, and no industry word starts with 第.
#[rustfmt::skip]
const ORDINALS: &[&str] = &[
    "", "第二", "第三", "第四", "第五", "第六", "第七", "第八", "第九", "第十",
];

const SUFFIXES: &[&str] = &[
    "有限公司",
    "有限公司",
    "有限公司",
    "有限公司",
    "股份有限公司",
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
];

#[rustfmt::skip]
const TAGS: &[&str] = &[
    "首件检验", "追溯", "防错", "数字化质量", "5G", "SPC", "FMEA", "MES", "工业互联网", "机器视觉",
    "在线检测", "过程能力", "Cpk", "质量成本", "供应商质量管理", "来料检验", "顾客满意", "卓越绩效", "质量文化", "班组建设",
    "标准化作业", "可靠性设计", "寿命试验", "失效分析", "根因分析", "8D报告", "精益生产", "六西格玛", "QC小组", "零缺陷",
    "质量信得过班组", "全员质量", "质量风险", "变更管理", "计量校准", "MSA", "大数据", "人工智能", "数字孪生", "智能制造",
    "质量诊断", "品牌建设", "标准引领", "团体标准", "首台套", "专精特新", "质量基础设施", "检验检测", "绿色制造", "节能降耗",
    "客户投诉", "售后服务", "质量改进", "持续改进", "ISO 9004", "GB/T 19004", "质量奖", "工匠精神", "质量月", "一物一码",
    "控制计划", "过程审核", "防呆", "质量追溯",
];

// Generic slot pools ---------------------------------------------------------

const TECHS: &[&str] = &[
    "5G",
    "工业互联网",
    "机器视觉",
    "数字孪生",
    "大数据",
    "人工智能",
    "边缘计算",
    "RFID",
    "区块链",
    "物联网",
];
const SYSTEMS: &[&str] = &["MES", "QMS", "ERP", "LIMS", "PLM", "SCADA", "WMS", "SRM"];
const BASE_STDS: &[&str] = &["ISO 9001", "ISO 14001", "ISO 45001", "GB/T 29490"];
const DEPTS: &[&str] = &[
    "质量管理部",
    "工艺技术部",
    "生产制造部",
    "信息中心",
    "采购部",
    "设备动力部",
    "研发中心",
    "营销服务部",
];
const HONORS: &[&str] = &[
    "河南省省长质量奖",
    "河南省质量标杆",
    "全国质量信得过班组",
    "全国优秀质量管理小组",
    "国家级绿色工厂",
    "河南省智能工厂",
    "全国质量诚信标杆企业",
    "河南省制造业单项冠军",
    "河南省专精特新中小企业",
];
const LABS: &[&str] = &[
    "省级工程技术研究中心",
    "CNAS认可实验室",
    "博士后创新实践基地",
    "院士工作站",
    "省级重点实验室",
];
const UNIVS: &[&str] = &[
    "郑州大学",
    "河南大学",
    "河南科技大学",
    "河南工业大学",
    "华北水利水电大学",
    "河南理工大学",
    "郑州轻工业大学",
    "中原工学院",
    "河南农业大学",
    "河南师范大学",
    "河南省科学院",
];
const CONCEPTS: &[&str] = &[
    "零缺陷",
    "第一次就把事情做对",
    "质量是设计和制造出来的",
    "下道工序就是客户",
    "人人都是质量第一责任人",
    "用数据说话",
    "预防为主",
    "精益求精",
];
const MOTTOS: &[&str] = &[
    "质量第一、顾客至上、持续改进",
    "精益求精、追求卓越",
    "以质取胜、诚信为本",
    "一次做对、持续领先",
    "用户满意是唯一标准",
    "科技创新、质量兴企",
];
const ROLES: &[&str] = &[
    "质量工程师",
    "班组长",
    "一线操作员",
    "工艺员",
    "检验员",
    "设备维护人员",
];

#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "田",
];
#[rustfmt::skip]
const GIVEN_NAMES: &[&str] = &[
    "建国", "卫东", "海燕", "志强", "丽娟", "红霞", "明辉", "晓峰", "俊杰", "国强", "秀英", "玉兰",
    "建华", "志刚", "新民", "爱军", "春生", "文博", "雪梅", "宏伟", "立新", "保国", "振华", "晓燕",
    "永刚", "金凤", "素芳", "国庆", "彦军", "静", "磊", "伟", "敏", "芳",
];

// ---------------------------------------------------------------------------
// Sentence templates
// ---------------------------------------------------------------------------
//
// Slots: {ent} {short} {co} (短称 or 公司) {main} {region} {ind} {age} {founded} {emp} {techstaff} {rev}
// {cpk_low} {cpk_high} {dashboard}; pools {product} {process} {defect} {customer} {field}
// {std} {method} {tag} {tech} {sys} {dept} {honor} {lab} {univ} {concept}
// {motto} {role} {kind} (a trailing digit, e.g. {dept2}, picks a different
// element of the same pool); numbers {n:LO-HI}, {f:LO-HI} (one decimal) and
// {y:OFFSET} (case year + offset).

const OVERVIEW: &[&str] = &[
    "{co}主导产品包括{product}、{product2}等，广泛应用于{field}、{field2}等领域，产品销往全国{n:20-31}个省份并出口{n:5-40}个国家和地区。",
    "{short}先后通过{std}、{std2}等管理体系认证，建有省级企业技术中心和{lab}，拥有有效专利{n:30-260}项，其中发明专利{n:5-48}项。",
    "多年来，{short}始终坚持“{motto}”的质量方针，把质量作为企业生存和发展的生命线，先后获得{honor}、{honor2}等荣誉。",
    "{co}设有{dept}、{dept2}等{n:8-16}个职能部门，建立了由总经理任主任、质量负责人任副主任的质量管理委员会，形成了覆盖设计、采购、生产、检验和服务全过程的质量管理网络。",
    "近年来，{short}聚焦{ind}领域高质量发展要求，持续加大技术改造投入，累计投入{n:2000-30000}万元建设智能化生产线{n:2-12}条，关键设备数控化率达到{f:80-98}%。",
    "作为{region}{ind}产业链上的重点企业，{short}与{customer}、{customer2}等建立了长期稳定的合作关系，近三年供货量年均增长{n:8-25}%以上。",
    "{co}现有质量管理人员{n:20-120}人，其中取得注册质量工程师、六西格玛黑带等资格的{n:5-30}人，拥有质量检验与试验设备{n:120-900}台（套），检测能力覆盖原材料、过程和成品的全部关键特性。",
    "{short}高度重视标准化工作，主持或参与制修订国家标准{n:1-6}项、行业标准{n:2-12}项、团体标准{n:3-20}项，企业标准体系覆盖率达到100%。",
    "{co}以“{concept}”理念统领质量工作，将质量目标逐级分解到车间、班组和岗位，并纳入全员绩效考核。",
    "在信息化建设方面，{short}已建成{sys}、{sys2}等信息系统，初步实现了计划、生产、质量和设备数据的互联互通。",
    "经过{age}年的发展，公司已由一家地方小厂成长为{ind}行业的骨干企业，{product}国内市场占有率位居行业前{n:3-10}位。",
    "{short}建有{n:2-6}个生产基地，总占地面积{n:100-1200}亩，主要产品产能位居省内同行业前列。",
    "{co}秉持“客户需求就是质量标准”的理念，建立了覆盖售前、售中、售后的客户服务体系，客户满意度连续{n:3-8}年保持在90分以上。",
    "{short}注重人才队伍建设，与{univ}等高校联合培养专业技术人才，现有省级技能大师工作室{n:1-3}个、首席技师{n:2-12}名。",
    "在绿色发展方面，公司积极推进节能降耗和清洁生产，单位产值综合能耗较{y:-5}年下降{n:12-35}%。",
];

const BACKGROUND: &[&str] = &[
    "随着{customer}对产品质量要求的不断提高，{product}关键特性的公差带收窄约{n:20-50}%，原有依靠人工经验把关的质量控制方式已难以满足要求。",
    "{y:-3}年前后，公司{process}工序的一次交检合格率长期徘徊在{f:88-95}%左右，{defect}、{defect2}等问题反复发生，每年因返工返修和报废造成的质量损失超过{n:100-800}万元。",
    "质量数据分散在纸质记录、Excel表格和各类单机系统中，形成了明显的“数据孤岛”，质量问题发生后追溯一批产品往往需要{n:2-8}小时甚至更长时间。",
    "部分关键工序过程能力不足，经测算{process}工序的Cpk仅为{cpk_low}，远低于客户要求的1.33，过程波动大，批次间一致性差。",
    "{co}在{y:-2}年的客户审核中被开出不符合项{n:6-20}项，其中涉及过程控制和变更管理的占{n:40-70}%，暴露出质量管理体系运行有效性不足的问题。",
    "产品在客户端使用中出现的早期失效问题较为突出，{y:-2}年售后故障率达到{f:1.2-4.5}%，对{short}的品牌声誉造成了不利影响。",
    "受制于研发投入和人才储备，{short}在{tech}等新技术应用方面缺乏系统规划，难以依靠自身力量突破{product}的质量瓶颈。",
    "一线员工质量意识参差不齐，“重产量、轻质量”的观念仍有一定市场，质量问题往往“头痛医头、脚痛医脚”，缺乏系统的根因分析和闭环管理。",
    "{co}虽然通过了{std}认证，但管理体系与业务流程存在“两张皮”现象，质量目标与经营战略衔接不紧，相关方需求识别不够充分。",
    "检验环节主要依赖人工目视和抽样检验，检验员劳动强度大、漏检率较高，{defect}等缺陷的漏检率一度达到{f:0.8-3.5}%。",
    "供应链质量管控能力薄弱，{n:60-300}家供应商中仅有少数建立了完善的质量体系，来料不良占全部质量问题的{n:25-45}%以上。",
    "设备老化和维护保养不到位导致关键设备故障频发，{process}设备的平均故障间隔时间不足{n:150-400}小时，非计划停机严重影响交付和质量稳定性。",
    "新产品导入过程缺乏结构化的质量策划，设计阶段的风险识别不充分，量产初期问题集中爆发，新品爬坡周期长达{n:3-9}个月。",
    "面对{ind}行业日益激烈的市场竞争和原材料价格波动，公司亟需通过质量提升实现降本增效，增强{product}的市场竞争力。",
    "测量系统长期未经系统评价，部分量具的%GRR超过{n:30-45}%，测量数据的可信度不足，导致误判和过度调整时有发生。",
    "客户对质量数据的实时共享提出了新要求，希望能够在线查看关键批次的过程参数和检验结果，而公司现有信息化基础难以支撑。",
    "对标国内外先进企业，公司在质量管理成熟度方面仍存在较大差距，按照ISO 9004开展自评价，多数要素仅处于{n:2-3}级水平。",
    "{y:-1}年，公司承接了{customer}的新项目，客户要求关键特性的过程能力指数Cpk不低于1.67、零公里故障率低于{n:50-300}ppm，这对公司提出了严峻挑战。",
    "质量责任链条不够清晰，设计、工艺、制造和检验各环节之间存在推诿现象，一些质量问题在部门之间“踢皮球”，整改迟迟不能闭环。",
    "{product}的原材料批次间性能差异较大，而{process}工序的工艺参数仍沿用多年前的经验值，缺乏基于数据的动态调整机制。",
];

const PROBLEMS: &[&str] = &[
    "**过程波动大**：{process}等关键工序受人、机、料、法、环多因素影响，质量稳定性不足",
    "**数据不贯通**：质量数据采集依赖人工记录，数据滞后且准确性不高",
    "**追溯效率低**：批次信息与过程参数未有效关联，质量问题难以快速定位",
    "**能力不匹配**：质量技术人员数量不足，统计技术和质量工具应用不深入",
    "**预防不到位**：FMEA等风险分析工具流于形式，问题多在事后处理",
    "**供应链协同弱**：供应商质量数据不透明，来料问题反复出现",
    "**检验手段落后**：人工检验效率低，{defect}等缺陷存在漏检风险",
    "**可靠性短板突出**：产品早期失效比例偏高，缺少系统的可靠性试验验证",
    "**体系运行僵化**：管理体系文件与实际作业脱节，持续改进机制不健全",
    "**质量成本偏高**：内部损失和外部损失合计占销售收入的{f:2.5-6.0}%",
];

const PROBLEM_LEADS: &[&str] = &[
    "经过系统梳理，公司面临的主要问题可以归纳为以下几个方面：",
    "质量管理委员会组织专题诊断，识别出以下突出问题：",
    "对照客户要求和行业标杆，公司存在的主要差距包括：",
];

const HEADINGS: &[&str] = &[
    "强化顶层设计，健全质量管理责任体系",
    "应用{method}工具，系统提升{process}过程能力",
    "开展{method}攻关，实现{defect}问题闭环管理",
    "推行防错防呆设计，筑牢{process}质量防线",
    "强化供应链协同，打造上下游质量共同体",
    "完善测量系统，夯实质量数据基础",
    "深化全员参与，培育“{concept}”质量文化",
    "健全标准体系，以标准引领质量提升",
    "推进精益生产，消除过程浪费与质量损失",
    "建立质量风险预警机制，变事后处理为事前预防",
    "强化人才培养，打造高素质质量技术队伍",
    "深化设备全员生产维护，保障过程稳定受控",
    "推行APQP结构化开发，提升新产品一次成功率",
    "构建质量问题快速响应机制，提升客户满意度",
    "应用{tech}技术，提升检验检测智能化水平",
    "完善质量成本核算，以质量效益引导改进方向",
];

const PRACTICE: &[&str] = &[
    "{co}成立由总经理牵头的专项工作组，抽调{dept}、{dept2}和{dept3}骨干{n:8-25}人，按照“策划—实施—检查—改进”的思路分阶段推进。",
    "工作组首先运用{method}对{process}工序开展全面诊断，识别出影响质量的关键因素{n:6-18}项，并按风险优先级排序。",
    "针对{defect}问题，团队绘制了鱼骨图和因果矩阵，从人、机、料、法、环、测六个维度逐项排查，最终锁定{n:2-4}个主要原因。",
    "在{process}工序部署{n:12-80}个在线传感器，借助{tech}实现温度、压力、扭矩等关键参数的毫秒级采集，数据实时上传至{sys}。",
    "系统内置SPC分析模块，对关键特性自动绘制控制图，一旦出现连续{n:6-9}点上升或超出控制限等异常模式，立即向班组长和质量工程师推送预警。",
    "在设计阶段引入FMEA，组织跨部门团队对{product}的{n:30-120}个潜在失效模式进行分析，对风险优先级较高的{n:8-25}项制定了预防和探测措施。",
    "{co}建立了“一物一码”标识体系，为每件{product}赋予唯一追溯码，关联原材料批次、工艺参数、检验结果和操作人员等信息，实现正向可追踪、反向可追溯。",
    "通过DOE对{process}的工艺窗口进行优化，采用{n:3-5}因子{n:2-3}水平的试验方案，确定了最佳参数组合，使关键特性的波动降低{n:30-60}%。",
    "{co}对全部在用量具开展MSA分析，淘汰和改造%GRR不达标的量具{n:10-60}台（套），关键检测项目的测量系统全部达到可接受水平。",
    "推行“三不原则”，即不接受、不制造、不传递缺陷，在关键工位设置防错装置{n:15-90}处，从源头上杜绝{defect}等人为差错。",
    "{co}组建{n:5-20}个QC小组，围绕现场质量难题开展课题攻关，其中“降低{process}{defect}发生率”课题获得全国优秀质量管理小组成果奖。",
    "质量部门每月召开质量分析会，运用柏拉图对当月质量问题进行分类统计，确定重点改进项目，并对上月改进措施的有效性进行验证。",
    "{co}与{univ}开展产学研合作，共建{product}质量技术联合实验室，在材料配方、工艺机理和失效分析等方面取得了一批关键成果。",
    "针对可靠性短板，公司建立了覆盖温度循环、振动冲击、盐雾和寿命试验的可靠性试验能力，{product}的平均无故障工作时间大幅延长。",
    "在供应链端，公司制定了供应商分级管理办法，将{n:60-300}家供应商划分为A、B、C三级，对关键供应商派驻质量工程师开展过程审核和联合改进。",
    "推行标准化作业，重新编制作业指导书{n:40-260}份，将关键控制点、检验频次和反应计划以图文形式固化到岗位，新员工上岗培训周期缩短{n:20-50}%。",
    "利用{tech}技术搭建{product}数字孪生模型，在虚拟空间中对工艺方案进行仿真验证，将试制次数由平均{n:4-8}次减少到{n:1-3}次。",
    "{co}将质量目标纳入各部门年度绩效考核，实行质量“一票否决”，并设立质量改进专项奖励基金，每年奖励优秀改进项目{n:10-50}项。",
    "借助5G专网大带宽、低时延的特性，在{process}工位部署机器视觉检测系统，实现对{defect}等缺陷的自动识别，检测准确率达到{f:98.5-99.9}%。",
    "依据GB/T 19004标准，公司从组织环境、相关方需求、领导作用、过程管理、资源和改进等方面开展自我评价，识别出改进机会{n:12-40}项。",
    "建立“日清日结、周分析、月评审”的质量例会机制，做到问题当天发现、当天分析、限期整改，形成了PDCA闭环。",
    "面向客户需求，运用QFD将{customer}提出的{n:10-30}项需求转化为可测量的设计和过程特性，确保“顾客之声”贯穿产品实现全过程。",
    "{co}按照APQP要求对新产品开发实施阶段评审，在每个关口设置质量门，未通过评审的项目不得进入下一阶段。",
    "推进TPM，开展设备自主保全和计划保全，建立设备点检标准{n:100-600}项，关键设备综合效率OEE提升{n:8-20}个百分点。",
    "质量问题实行8D闭环管理，对每一起客户投诉都组建跨部门小组，在{n:24-72}小时内给出临时遏制措施，{n:7-15}个工作日内完成根因分析和永久纠正措施。",
    "在{sys}中固化检验标准和判定规则，检验员使用手持终端扫码录入数据，系统自动判定并生成检验报告，彻底告别了纸质记录。",
    "为解决人才短缺问题，公司与行业协会和检测机构合作，聘请外部专家{n:3-8}名担任质量顾问，按月开展现场辅导。",
    "{co}搭建质量大数据分析平台，汇聚近{n:3-5}年、超过{n:200-5000}万条过程数据，运用机器学习算法建立关键质量特性预测模型。",
    "对{process}工序实施首件检验、巡检和末件检验“三检”制度，首件不合格不得批量生产，有效避免了批量性质量事故。",
    "引入零缺陷管理理念，明确“第一次就把事情做对”的工作标准，将质量成本细分为预防、鉴定、内部损失和外部损失四类进行核算和分析。",
    "{co}开展质量信得过班组创建活动，以班组为单元推行自检、互检和专检相结合的质量控制模式，{n:6-20}个班组被评为省级以上质量信得过班组。",
    "针对{product}在高温、高湿等严苛工况下的失效问题，联合客户开展现场数据收集，建立故障数据库，累计分析失效案例{n:80-600}例。",
    "{co}将六西格玛DMAIC方法与精益工具相结合，累计完成黑带、绿带项目{n:20-120}个，培养绿带以上人才{n:30-200}人。",
    "通过{sys}与{sys2}的集成，实现了订单、工单、物料和质量数据的自动流转，质量异常从发现到处置的平均时间由{n:4-12}小时缩短至{n:20-60}分钟。",
    "在关键工序推行人员、设备、物料、方法、环境和测量变更的申报与验证制度，任何变更须经过风险评估和小批量验证后方可实施。",
    "{co}聚焦**{tag}**这一薄弱环节，制定了为期{n:2-3}年的专项提升计划，明确了阶段目标、责任部门和考核指标。",
    "通过开展**质量诊断**活动，工作组对照行业标杆查找差距，形成问题清单{n:20-60}条、改进措施{n:30-90}项。",
    "借助{tech}，公司将质量检验由“事后把关”前移到“过程预防”，实现了从抽检到全检的转变。",
    "为强化过程监控，公司设定关键特性的Cpk目标值不低于1.33，对未达标的特性逐项制定改进计划并按周跟踪。",
    "{co}建立了质量知识库，将历年积累的{n:300-2000}个质量问题案例、经验教训和标准作业进行结构化管理，员工可随时检索学习。",
    "结合自身实际，公司采用“小步快跑、迭代升级”的策略，优先在{process}等瓶颈工序开展改造，再逐步推广到全流程。",
    "{co}把{method}作为提升质量的主要抓手，编制了内部应用指南，明确了工具选择、数据要求和成果评价标准，推动方法工具在基层落地。",
    "在客户端建立质量信息快速反馈通道，售后服务人员通过移动端上报现场问题，质量部门在{n:2-24}小时内响应并组织分析。",
    "实施**精准质量成本管控**后，公司能够按产品、工序和责任部门分别统计质量损失，为改进决策提供了可靠依据。",
    "在原材料入厂环节，公司引入光谱分析仪和在线检测设备，对关键原材料实行批批检验，并将供应商来料数据纳入{sys}统一管理。",
    "{role}每班次对{process}的关键参数进行点检确认，点检结果实时上传，异常情况当班处理、当班关闭。",
    "{co}定期组织“质量开放日”，邀请{customer}代表走进生产现场，听取意见建议，推动改进措施与客户期望精准对接。",
    "针对{defect}这一顽固问题，公司运用{method}开展专项攻关，经过{n:3-6}轮改进验证，问题发生率下降{n:60-95}%。",
];

const LIST_LEADS: &[&str] = &[
    "具体措施包括：",
    "主要做法如下：",
    "重点抓好以下几项工作：",
    "在实施过程中，公司重点推进了以下工作：",
    "围绕这一目标，公司采取了以下措施：",
    "工作组按以下步骤组织实施：",
];

const ITEMS: &[&str] = &[
    "明确{process}工序的关键控制特性{n:5-20}项，逐项制定控制方法和反应计划",
    "建立首件检验确认制度，首件经操作者、班组长和检验员三方确认后方可批量生产",
    "在{n:10-60}个关键工位安装防错装置，实现漏装、错装自动报警",
    "开展全员{method}培训{n:20-120}场次，累计培训{n:500-5000}人次",
    "制定《质量异常快速响应管理办法》，明确分级响应时限和升级路径",
    "将{sys}与检测设备直连，检验数据自动采集率达到{n:90-100}%",
    "对关键原材料实施供应商驻厂监造和批次追溯管理",
    "每季度开展一次过程审核和产品审核，审核问题整改率达到100%",
    "建立质量问题案例库，收录典型案例{n:100-800}个",
    "推行技能矩阵管理，关键岗位多能工比例达到{n:40-80}%",
    "应用机器视觉对{defect}实施在线全检，替代人工目检",
    "在{sys}中设置质量门禁，不合格品自动锁定、禁止流转",
    "对{product}开展{n:1000-5000}小时寿命试验，验证设计裕度",
    "开展**过程能力**专项提升，对Cpk低于1.33的特性逐项攻关",
    "建立客户质量信息月度通报机制，及时向客户反馈改进进展",
    "实行质量成本月度核算，按责任单位分解质量损失",
    "引入{tech}技术，实现工艺参数自适应调整",
    "编制可视化作业指导书，关键操作配置短视频教学",
    "设立质量改进提案积分制度，积分与评优评先挂钩",
    "实施变更“四步法”管理，即申请、评估、验证、批准",
    "将FMEA与控制计划联动更新，确保风险措施落实到现场",
    "开展供应商质量能力评价，淘汰不合格供应商{n:5-30}家",
    "建立实验室间比对和能力验证机制，确保检测结果准确可靠",
    "运用柏拉图确定主要缺陷类型，集中资源开展专项攻关",
    "构建质量数据驾驶舱，实时展示{n:20-60}项质量指标",
    "推行设备点检“定人、定点、定标、定期、定法”五定管理",
    "对返工返修品实行单独标识和隔离管理，防止混批",
    "每年组织质量月活动，开展质量知识竞赛和技能比武",
    "与{customer}联合开展早期质量问题分析，缩短问题闭环周期",
    "运用DOE优化{process}工艺参数，形成标准工艺窗口",
    "将检验标准、图纸和作业指导书统一纳入电子化受控管理",
    "组织质量骨干赴先进企业对标学习{n:3-12}次，形成对标报告",
    "建立内部质量讲师队伍，开发质量课程{n:10-50}门",
    "对关键设备实施预测性维护，故障停机时间下降{n:20-60}%",
    "按照GB/T 19580评价准则开展年度自评价",
    "实施产品全生命周期质量档案管理，档案保存期不少于{n:10-15}年",
    "在包装环节增设称重复核和条码校验，杜绝错发漏发",
    "通过数字孪生模型预演工艺变更，降低试错成本",
    "针对{defect}建立专项控制图，持续监控改进效果",
    "完善不合格品评审流程，明确让步接收的审批权限",
    "推行**{concept}**理念宣贯，覆盖全部生产班组",
    "组织{role}参与{process}工艺改进，现场问题由一线员工优先提出解决方案",
];

const EFFECT_LEADS: &[&str] = &[
    "经过{n:2-3}年的持续推进，{short}的质量管理水平显著提升，主要指标改善情况见下表。",
    "项目实施以来，各项质量指标持续向好，实施前后的主要指标对比如下。",
    "通过上述举措，公司质量绩效明显改善，{y:-1}年与实施前相比的主要指标变化如下表所示。",
];

const EFFECTS: &[&str] = &[
    "在经济效益方面，通过降低内部损失和外部损失，公司年节约质量成本约{n:80-900}万元，项目投入产出比达到1:{f:2.5-8.0}。",
    "客户满意度由{f:85-90}分提升到{f:92-98}分，{y:0}年获得{customer}颁发的“优秀供应商”称号。",
    "项目实施期间，公司累计获得发明专利{n:2-10}项、实用新型专利{n:5-30}项，形成企业标准和作业规范{n:10-60}项。",
    "员工质量意识显著增强，主动发现和报告质量问题的数量同比增长{n:30-150}%，质量改进已成为员工的自觉行动。",
    "{product}的市场竞争力明显增强，{y:-1}年销售收入同比增长{f:8-35}%，新增高端客户{n:3-20}家。",
    "质量管理体系运行的有效性明显提高，近两年外部审核未出现严重不符合项，一般不符合项数量下降{n:40-80}%。",
    "{co}先后荣获{honor}等荣誉，相关经验在{region}质量工作会议上作了交流发言。",
    "数字化平台上线后，质量数据实现了“可采集、可分析、可追溯、可预警”，为管理决策提供了有力支撑。",
    "关键过程全部达到统计受控状态，{process}等{n:3-8}个瓶颈工序的过程能力显著提升，产品一致性得到客户高度认可。",
    "在社会效益方面，公司通过质量提升带动上下游{n:10-60}家配套企业同步改进，促进了{region}{ind}产业链整体质量水平的提升。",
    "培养了一支懂技术、会分析、善改进的质量骨干队伍，{n:10-60}名员工取得质量工程师或六西格玛绿带以上资格。",
    "{process}工序的{defect}问题基本得到根治，相关不良率由{f:1.5-5.0}%降至{f:0.1-0.8}%，连续{n:6-18}个月未发生批量性质量问题。",
    "{co}的质量管理成熟度明显提升，按照ISO 9004自评价，整体水平由{n:2-3}级提升到{n:4-5}级。",
    "{y:-1}年，{short}顺利通过{customer}的年度质量审核，审核得分由{n:70-82}分提高到{n:88-97}分。",
    "通过{method}项目的实施，{co}累计节约原材料和能源成本{n:50-600}万元，单位产品能耗下降{f:3-12}%。",
    "产品质量稳定性的提升带动了订单增长，{product}的客户复购率达到{n:85-98}%，出口订单同比增长{n:10-60}%。",
    "改进成果已固化为企业标准{n:5-30}项，{n:2-8}项成果获得省级以上质量管理小组成果奖。",
    "{co}被{region}列为质量提升示范企业，先后接待同行业企业观摩交流{n:10-60}批次。",
    "质量追溯能力显著增强，任一批次{product}的原材料、工艺和检验信息均可在{n:1-5}分钟内完成追溯。",
];

const VALUES: &[&str] = &[
    "{short}的实践表明，{method}等质量工具并非大企业的专利，只要结合企业实际、抓住关键问题，中小企业同样可以用好、用出实效。",
    "该经验的核心在于把质量管理的重点从事后检验转向过程预防，通过数据驱动实现质量问题的早发现、早处置，对{ind}行业同类企业具有较强的借鉴意义。",
    "{co}形成的“{concept}”工作方法，流程清晰、工具实用、投入适中，适合在离散制造和流程制造企业中复制推广。",
    "建议同类企业在借鉴时，首先梳理关键过程和关键特性，明确数据采集的重点，避免“为数字化而数字化”。",
    "该案例将GB/T 19004的理念与企业日常管理有机融合，为企业提升质量管理成熟度、实现持续成功提供了可操作的路径。",
    "以{tech}为代表的新一代信息技术与质量管理深度融合，是制造业质量提升的重要方向，本案例在这方面进行了有益探索。",
    "{short}通过产学研合作破解技术瓶颈的做法，对资源有限的中小企业开展质量技术创新具有示范作用。",
    "在可靠性提升方面，该经验建立的试验验证和失效分析闭环机制，可为装备制造、电子信息等行业提升产品可靠性提供参考。",
    "该经验已在{region}{n:5-30}家企业进行了移植推广，普遍取得了合格率提升、质量损失下降的效果。",
    "下一步，公司将继续深化{method}应用，推动质量管理向智能化、精细化方向发展，争创更高层次的质量荣誉。",
    "本经验强调“全员参与、全过程控制、全方位改进”，通过机制建设把质量责任落实到每一个岗位，具有普遍适用性。",
    "推广实施时，建议结合企业规模和信息化基础分步推进，先在瓶颈工序试点，再逐步扩展到全流程。",
    "该案例中形成的控制计划模板、防错清单和质量例会机制等工具文件，可直接供同行业企业参考使用。",
    "{co}愿意通过现场观摩、经验交流和人员培训等方式，将相关做法分享给产业链上下游企业，共同提升质量水平。",
    "从行业层面看，{product}质量的提升有助于增强国产产品的市场信任度，对推动{ind}产业高质量发展具有积极意义。",
    "对于正在推进质量管理数字化的企业而言，该经验在数据标准统一、系统集成和应用场景选择等方面具有现实的参考价值。",
    "实践证明，**以质量求效益**是企业应对市场竞争的根本之策，该案例为中小企业走“专精特新”发展道路提供了鲜活样本。",
    "可推广的关键要素包括：领导重视与资源保障、关键过程识别与分级控制、数据驱动的持续改进以及激励有效的全员参与机制。",
    "通过质量标杆经验交流，{short}的做法已被纳入{region}质量提升培训教材，在{n:2-6}期质量管理专题培训中作为案例讲授。",
    "该经验把{method}与{tech}有机结合，既发挥了传统质量工具的系统性，又体现了数字技术的实时性，具有较强的创新性。",
    "{region}{ind}企业数量众多、规模差异较大，{short}分阶段、低成本推进质量提升的做法，特别适合在产业集群中复制推广。",
    "该经验表明，质量提升不仅是质量部门的事，更需要把{method}等方法融入研发、采购、制造和服务全链条。",
    "对于{process}等关键工序同样面临波动大、追溯难问题的企业，可直接借鉴本案例的控制计划和数据采集方案。",
];

const SUMMARY_TAILS: &[&str] = &[
    "形成了可复制、可推广的质量提升经验。",
    "相关做法对{ind}行业同类企业具有较强的借鉴意义。",
    "走出了一条以质量求效益的高质量发展之路。",
    "为{region}{ind}产业链质量提升提供了示范。",
];

// ---------------------------------------------------------------------------
// Metrics for the 实施效果 table
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Trend {
    /// Percentage that improves upwards: before in `lo..hi`, the gap to 100
    /// shrinks by a factor in `flo..fhi`.
    PctUp(f64, f64, f64, f64),
    /// Percentage that improves downwards: after = before × `flo..fhi`.
    PctDown(f64, f64, f64, f64),
    /// Quantity that grows: after = before × `flo..fhi`, with `dec` decimals.
    Up(f64, f64, f64, f64, usize),
    /// Quantity that shrinks: after = before × `flo..fhi`, with `dec` decimals.
    Down(f64, f64, f64, f64, usize),
    /// The case's key-process Cpk.
    Cpk,
}

struct Metric {
    name: &'static str,
    /// Unit in the table header (empty for none).
    unit: &'static str,
    /// Unit in running text.
    inline: &'static str,
    trend: Trend,
}

#[rustfmt::skip]
const METRICS: &[Metric] = &[
    Metric { name: "一次交检合格率", unit: "%", inline: "%", trend: Trend::PctUp(88.0, 96.5, 0.35, 0.8) },
    Metric { name: "过程不良率", unit: "ppm", inline: "ppm", trend: Trend::Down(800.0, 6000.0, 0.2, 0.6, 0) },
    Metric { name: "关键工序Cpk", unit: "", inline: "", trend: Trend::Cpk },
    Metric { name: "客户投诉", unit: "起/年", inline: "起/年", trend: Trend::Down(12.0, 80.0, 0.2, 0.55, 0) },
    Metric { name: "质量损失率", unit: "%", inline: "%", trend: Trend::PctDown(1.5, 4.5, 0.35, 0.7) },
    Metric { name: "准时交付率", unit: "%", inline: "%", trend: Trend::PctUp(82.0, 94.0, 0.4, 0.8) },
    Metric { name: "设备综合效率OEE", unit: "%", inline: "%", trend: Trend::PctUp(58.0, 74.0, 0.3, 0.5) },
    Metric { name: "平均故障间隔时间MTBF", unit: "h", inline: "小时", trend: Trend::Up(300.0, 1200.0, 1.5, 3.0, 0) },
    Metric { name: "质量追溯时间", unit: "min", inline: "分钟", trend: Trend::Down(120.0, 480.0, 0.03, 0.15, 0) },
    Metric { name: "返工返修成本", unit: "万元/年", inline: "万元/年", trend: Trend::Down(80.0, 600.0, 0.3, 0.6, 0) },
    Metric { name: "新产品开发周期", unit: "天", inline: "天", trend: Trend::Down(150.0, 360.0, 0.6, 0.8, 0) },
    Metric { name: "质量数据自动采集率", unit: "%", inline: "%", trend: Trend::PctUp(20.0, 50.0, 0.7, 0.95) },
    Metric { name: "售后故障率", unit: "%", inline: "%", trend: Trend::PctDown(1.0, 4.0, 0.3, 0.6) },
    Metric { name: "顾客满意度", unit: "分", inline: "分", trend: Trend::Up(82.0, 90.0, 1.04, 1.09, 1) },
    Metric { name: "检验效率", unit: "件/小时", inline: "件/小时", trend: Trend::Up(40.0, 200.0, 1.5, 3.0, 0) },
];

struct Row {
    label: String,
    before: String,
    after: String,
    change: String,
    /// e.g. "一次交检合格率由93.2%提升至98.6%".
    sentence: String,
}

fn round_to(v: f64, dec: usize) -> f64 {
    let p = 10f64.powi(dec as i32);
    (v * p).round() / p
}

fn metric_row(m: &Metric, rng: &mut Rng, cpk: (f64, f64)) -> Row {
    let (before, after, dec) = match m.trend {
        Trend::PctUp(lo, hi, flo, fhi) => {
            let b = round_to(rng.frange(lo, hi), 1);
            (b, round_to(b + (100.0 - b) * rng.frange(flo, fhi), 1), 1)
        }
        Trend::PctDown(lo, hi, flo, fhi) => {
            let b = round_to(rng.frange(lo, hi), 1);
            (b, round_to(b * rng.frange(flo, fhi), 1).max(0.1), 1)
        }
        Trend::Up(lo, hi, flo, fhi, dec) => {
            let b = round_to(rng.frange(lo, hi), dec);
            (b, round_to(b * rng.frange(flo, fhi), dec), dec)
        }
        Trend::Down(lo, hi, flo, fhi, dec) => {
            let b = round_to(rng.frange(lo, hi), dec);
            (b, round_to(b * rng.frange(flo, fhi), dec).max(1.0), dec)
        }
        Trend::Cpk => (cpk.0, cpk.1, 2),
    };
    let up = after > before;
    let change = match m.trend {
        Trend::PctUp(..) | Trend::PctDown(..) => format!(
            "{}{:.1}个百分点",
            if up { "提升" } else { "下降" },
            (after - before).abs()
        ),
        _ => format!(
            "{}{:.1}%",
            if up { "提升" } else { "下降" },
            (after - before).abs() / before * 100.0
        ),
    };
    let label = if m.unit.is_empty() {
        m.name.to_string()
    } else {
        format!("{}（{}）", m.name, m.unit)
    };
    let before = format!("{before:.dec$}");
    let after = format!("{after:.dec$}");
    let sentence = format!(
        "{}由{before}{}{}{after}{}",
        m.name,
        m.inline,
        if up { "提升至" } else { "降至" },
        m.inline
    );
    Row {
        label,
        before,
        after,
        change,
        sentence,
    }
}

// ---------------------------------------------------------------------------
// Case context and template expansion
// ---------------------------------------------------------------------------

struct Case<'a> {
    year: u32,
    number: usize,
    enterprise: String,
    short: String,
    brand_pinyin: String,
    region: &'a Region,
    area: &'a Area,
    industries: Vec<&'a Industry>,
    /// Main product first, then one more product of the same industry.
    products: Vec<&'static str>,
    methods: Vec<&'a Method>,
    method_names: Vec<&'static str>,
    tags: Vec<&'static str>,
    founded: u32,
    employees: u32,
    tech_staff: u32,
    revenue: [u32; 3],
    profit: [u32; 3],
    cpk: (f64, f64),
}

impl Case<'_> {
    fn industry(&self) -> &Industry {
        self.industries[0]
    }

    /// The two slices making up the pool named `base`.
    fn pool(&self, base: &str) -> Option<(&[&'static str], &[&'static str])> {
        let ind = self.industry();
        let p: (&[&'static str], &[&'static str]) = match base {
            "product" => (&self.products, &[]),
            "process" => (ind.processes, &[]),
            "defect" => (ind.defects, &[]),
            "customer" => (ind.customers, &[]),
            "field" => (ind.fields, &[]),
            "std" => (BASE_STDS, ind.stds),
            "method" => (&self.method_names, &[]),
            "tag" => (&self.tags, &[]),
            "tech" => (TECHS, &[]),
            "sys" => (SYSTEMS, &[]),
            "dept" => (DEPTS, &[]),
            "honor" => (HONORS, &[]),
            "lab" => (LABS, &[]),
            "univ" => (UNIVS, &[]),
            "concept" => (CONCEPTS, &[]),
            "motto" => (MOTTOS, &[]),
            "role" => (ROLES, &[]),
            "kind" => (self.area.kinds, &[]),
            _ => return None,
        };
        Some(p)
    }

    /// Appends `tpl` with all slots filled to `out`.
    fn expand(&self, rng: &mut Rng, tpl: &str, out: &mut String) {
        let mut picked: Vec<(&str, usize)> = Vec::new();
        let mut rest = tpl;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return;
            };
            self.slot(rng, &after[..end], &mut picked, out);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
    }

    fn slot<'k>(
        &self,
        rng: &mut Rng,
        key: &'k str,
        picked: &mut Vec<(&'k str, usize)>,
        out: &mut String,
    ) {
        if let Some(spec) = key.strip_prefix("n:") {
            let (lo, hi) = spec.split_once('-').unwrap_or((spec, spec));
            let lo = lo.parse().unwrap_or(0);
            let hi = hi.parse().unwrap_or(lo).max(lo);
            let _ = write!(out, "{}", rng.range(lo, hi));
            return;
        }
        if let Some(spec) = key.strip_prefix("f:") {
            let (lo, hi) = spec.split_once('-').unwrap_or((spec, spec));
            let lo: f64 = lo.parse().unwrap_or(0.0);
            let hi: f64 = hi.parse().unwrap_or(lo);
            let _ = write!(out, "{:.1}", rng.frange(lo, hi));
            return;
        }
        if let Some(spec) = key.strip_prefix("y:") {
            let off: i64 = spec.parse().unwrap_or(0);
            let _ = write!(out, "{}", i64::from(self.year) + off);
            return;
        }
        match key {
            "ent" => out.push_str(&self.enterprise),
            "short" => out.push_str(&self.short),
            "region" => out.push_str(self.region.name),
            "ind" => out.push_str(self.industry().name),
            "main" => out.push_str(self.products[0]),
            "dashboard" => out.push_str(if rng.chance(1, 2) { "MES" } else { "QMS" }),
            "co" => out.push_str(if rng.chance(1, 2) {
                &self.short
            } else {
                "公司"
            }),
            "area" => out.push_str(self.area.name),
            "age" => {
                let _ = write!(out, "{}", self.year - self.founded);
            }
            "founded" => {
                let _ = write!(out, "{}", self.founded);
            }
            "emp" => {
                let _ = write!(out, "{}", self.employees);
            }
            "techstaff" => {
                let _ = write!(out, "{}", self.tech_staff);
            }
            "rev" => {
                let _ = write!(out, "{:.2}", f64::from(self.revenue[2]) / 10_000.0);
            }
            "cpk_low" => {
                let _ = write!(out, "{:.2}", self.cpk.0);
            }
            "cpk_high" => {
                let _ = write!(out, "{:.2}", self.cpk.1);
            }
            _ => {
                let base = key.trim_end_matches(|c: char| c.is_ascii_digit());
                let Some((a, b)) = self.pool(base) else {
                    // Unknown slot: keep it visible (the tests reject this).
                    let _ = write!(out, "{{{key}}}");
                    return;
                };
                let total = a.len() + b.len();
                let mut idx = rng.below(total);
                for _ in 0..16 {
                    if !picked.iter().any(|&(k, i)| k == base && i == idx) {
                        break;
                    }
                    idx = rng.below(total);
                }
                picked.push((base, idx));
                out.push_str(if idx < a.len() {
                    a[idx]
                } else {
                    b[idx - a.len()]
                });
            }
        }
    }

    /// Appends `count` sentences drawn from `deck` over `pool`.
    fn sentences(
        &self,
        rng: &mut Rng,
        pool: &[&str],
        deck: &mut Deck,
        count: usize,
        out: &mut String,
    ) {
        for _ in 0..count {
            let i = deck.draw(rng);
            self.expand(rng, pool[i], out);
        }
    }
}

// ---------------------------------------------------------------------------
// Names, codes and YAML helpers
// ---------------------------------------------------------------------------

fn brand_pair_count() -> usize {
    BRAND_CHARS.len() * (BRAND_CHARS.len() - 1)
}

/// Ordered pair of distinct brand characters for pair index `k`.
fn brand_pair(k: usize) -> (usize, usize) {
    let n = BRAND_CHARS.len();
    let a = k / (n - 1);
    let mut b = k % (n - 1);
    if b >= a {
        b += 1;
    }
    (a, b)
}

const GB32100_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const GB32100_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// GB 32100 check character for the first 17 characters of a credit code.
fn gb32100_check(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(GB32100_WEIGHTS) {
        let v = GB32100_CHARS.iter().position(|x| x == c)? as u32;
        sum += v * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(char::from(GB32100_CHARS[check as usize]))
}

/// GB 11714 check character for an 8-character organization code body.
fn gb11714_check(body: &[u8]) -> char {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .iter()
        .zip(W)
        .map(|(&c, w)| {
            let v = if c.is_ascii_digit() {
                u32::from(c - b'0')
            } else {
                u32::from(c - b'A') + 10
            };
            v * w
        })
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from(b'0' + d as u8),
    }
}

/// A unified social credit code: 9 (enterprise) 1 (company) + division code +
/// organization code (with GB 11714 check) + GB 32100 check character.
fn credit_code(rng: &mut Rng, division: &str) -> String {
    let mut s = String::with_capacity(18);
    s.push_str("91");
    s.push_str(division);
    let mut body = Vec::with_capacity(8);
    if rng.chance(1, 2) {
        // Post-2015 style: MA followed by six characters.
        body.extend_from_slice(b"MA");
        const LETTERS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        for _ in 0..6 {
            body.push(*rng.pick(LETTERS));
        }
    } else {
        for _ in 0..8 {
            body.push(b'0' + rng.below(10) as u8);
        }
    }
    for &c in &body {
        s.push(char::from(c));
    }
    s.push(gb11714_check(&body));
    if let Some(c) = gb32100_check(s.as_bytes()) {
        s.push(c);
    }
    s
}

/// Returns `s` as a YAML scalar, double-quoted when a plain scalar would be
/// ambiguous or invalid (also inside flow collections).
fn yaml_str(s: &str) -> String {
    let first = s.chars().next();
    let needs = match first {
        None => true,
        Some(c) => {
            c.is_ascii_digit()
                || c.is_whitespace()
                || "-?:,[]{}#&*!|>'\"%@`.+~".contains(c)
                || s.ends_with(char::is_whitespace)
                || s.contains(": ")
                || s.contains(" #")
                || s.ends_with(':')
                || s.contains(['[', ']', '{', '}', ',', '"', '\\', '\n', '\t'])
                || matches!(
                    s.to_ascii_lowercase().as_str(),
                    "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
                )
        }
    };
    if !needs {
        return s.to_string();
    }
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            _ => q.push(c),
        }
    }
    q.push('"');
    q
}

fn yaml_list<'s>(items: impl IntoIterator<Item = &'s str>) -> String {
    let parts: Vec<String> = items.into_iter().map(yaml_str).collect();
    format!("[{}]", parts.join(", "))
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

fn han_count(s: &str) -> usize {
    s.chars().filter(|&c| is_han(c)).count()
}

const CN_NUM: &[&str] = &["一", "二", "三", "四", "五", "六"];

// ---------------------------------------------------------------------------
// Case rendering
// ---------------------------------------------------------------------------

/// Per-year state: a shuffled order of brand pairs.
struct YearPlan {
    year: u32,
    count: usize,
    pairs: Vec<usize>,
}

/// Global cycling orders so that every id appears.
struct Cycles {
    regions: Vec<usize>,
    industries: Vec<usize>,
    methods: Vec<usize>,
}

fn build_case(
    seed: u64,
    plan: &YearPlan,
    j: usize,
    global: usize,
    cycles: &Cycles,
) -> (Case<'static>, Rng) {
    let mut rng = Rng::derive(seed, u64::from(plan.year), j as u64 + 1);
    let region = &REGIONS[cycles.regions[global % REGIONS.len()]];
    let area = &AREAS[global % AREAS.len()];

    let first = cycles.industries[global % INDUSTRIES.len()];
    let mut industries = vec![&INDUSTRIES[first]];
    if rng.chance(2, 5) {
        let mut k = rng.below(INDUSTRIES.len());
        if k == first {
            k = (k + 1) % INDUSTRIES.len();
        }
        industries.push(&INDUSTRIES[k]);
    }

    let m0 = cycles.methods[global % METHODS.len()];
    let mut method_idx = vec![m0];
    let extra = rng.below(3);
    for k in rng.sample(METHODS.len(), 4) {
        if method_idx.len() > extra {
            break;
        }
        if k != m0 {
            method_idx.push(k);
        }
    }
    let methods: Vec<&Method> = method_idx.iter().map(|&k| &METHODS[k]).collect();
    let method_names = methods.iter().map(|m| m.short).collect();
    let ntags = 2 + rng.below(3);
    let tags = rng
        .sample(TAGS.len(), ntags)
        .into_iter()
        .map(|k| TAGS[k])
        .collect();

    // Name: prefix + brand pair + ordinal + industry word + suffix.
    let pair_slot = plan.pairs[j % plan.pairs.len()];
    let round = j / plan.pairs.len();
    let (a, b) = brand_pair(pair_slot);
    let brand = format!("{}{}", BRAND_CHARS[a].0, BRAND_CHARS[b].0);
    let prefix = if rng.chance(1, 5) {
        *rng.pick(PROVINCE_PREFIXES)
    } else {
        *rng.pick(region.prefixes)
    };
    let ind = industries[0];
    let w = rng.below(ind.words.len());
    let word = ind.words[w];
    let main = w % ind.products.len();
    let other = (main + 1 + rng.below(ind.products.len() - 1)) % ind.products.len();
    let products = vec![ind.products[main], ind.products[other]];
    let suffix = *rng.pick(SUFFIXES);
    let ordinal = ORDINALS[round.min(ORDINALS.len() - 1)];
    let enterprise = format!("{prefix}{brand}{ordinal}{word}{suffix}");
    let short = match rng.below(3) {
        0 if suffix.starts_with("股份") => format!("{brand}股份"),
        1 => format!("{prefix}{brand}"),
        _ => format!("{brand}公司"),
    };
    let mut brand_pinyin = format!("{}{}", BRAND_CHARS[a].1, BRAND_CHARS[b].1);
    if round > 0 {
        let _ = write!(brand_pinyin, "{}", round + 1);
    }

    let sme = area.id == "sme-innovation";
    let founded = plan.year.saturating_sub(rng.range(8, 45)).max(1950);
    let employees = if sme {
        rng.range(60, 600)
    } else {
        rng.range(200, 6000)
    };
    let tech_staff = (employees * rng.range(12, 35)) / 100;
    let mut revenue = [0u32; 3];
    let mut profit = [0u32; 3];
    let mut r = f64::from(employees) * rng.frange(30.0, 110.0);
    for (rev, prof) in revenue.iter_mut().zip(profit.iter_mut()) {
        *rev = r.round().max(100.0) as u32;
        *prof = ((r * rng.frange(0.03, 0.12)).round() as u32).max(1);
        r *= rng.frange(0.97, 1.22);
    }
    let cpk = (
        round_to(rng.frange(0.68, 1.12), 2),
        round_to(rng.frange(1.33, 1.92), 2),
    );

    let case = Case {
        year: plan.year,
        number: j + 1,
        enterprise,
        short,
        brand_pinyin,
        region,
        area,
        industries,
        products,
        methods,
        method_names,
        tags,
        founded,
        employees,
        tech_staff,
        revenue,
        profit,
        cpk,
    };
    (case, rng)
}

const PYTHON_SPC: &str = r#"```python
# @PROCESS@关键特性SPC分析脚本：计算Xbar-R控制限与过程能力指数Cpk
import statistics

USL, LSL = @USL@, @LSL@
SUBGROUP = @N@
A2 = {3: 1.023, 4: 0.729, 5: 0.577}[SUBGROUP]


def control_limits(groups):
    """返回Xbar图的下控制限、中心线和上控制限。"""
    xbars = [statistics.mean(g) for g in groups]
    ranges = [max(g) - min(g) for g in groups]
    center, rbar = statistics.mean(xbars), statistics.mean(ranges)
    return center - A2 * rbar, center, center + A2 * rbar


def cpk(values):
    mu, sigma = statistics.mean(values), statistics.stdev(values)
    return min(USL - mu, mu - LSL) / (3 * sigma)


def run(groups):
    lcl, cl, ucl = control_limits(groups)
    flat = [v for g in groups for v in g]
    alarms = [i for i, g in enumerate(groups) if not lcl <= statistics.mean(g) <= ucl]
    print(f"@FEATURE@: CL={cl:.4f} UCL={ucl:.4f} LCL={lcl:.4f} Cpk={cpk(flat):.2f}")
    return alarms  # 超出控制限的子组序号，推送至@SYS@预警


if __name__ == "__main__":
    groups = load_subgroups("@FEATURE@", days=@DAYS@)  # 从MES读取最近@DAYS@天的子组数据
    run(groups)
```
"#;

const SQL_PARETO: &str = r#"```sql
-- @PROCESS@工序近@DAYS@天不良统计（柏拉图分析），数据来源：MES检验记录
SELECT p.process_name,
       d.defect_code,
       d.defect_name,
       COUNT(*) AS defect_qty,
       ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (), 2) AS pct
FROM mes_inspection_record AS r
JOIN mes_process AS p ON p.id = r.process_id
JOIN qms_defect AS d ON d.id = r.defect_id
WHERE r.result = 'NG'
  AND r.line_no = '@LINE@'
  AND r.inspect_time >= CURRENT_DATE - INTERVAL '@DAYS@' DAY
GROUP BY p.process_name, d.defect_code, d.defect_name
ORDER BY defect_qty DESC
LIMIT @LIMIT@;
```
"#;

/// Appends `tpl` with each `@KEY@` replaced by its value.
fn fill(tpl: &str, vars: &[(&str, &str)], out: &mut String) {
    let mut rest = tpl;
    while let Some(start) = rest.find('@') {
        let after = &rest[start + 1..];
        let hit = after.find('@').and_then(|end| {
            let key = &after[..end];
            vars.iter().find(|(k, _)| *k == key).map(|(_, v)| (end, *v))
        });
        match hit {
            Some((end, value)) => {
                out.push_str(&rest[..start]);
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[..=start]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

fn python_block(case: &Case, rng: &mut Rng, out: &mut String) {
    const FEATURES: &[(&str, &str, &str)] = &[
        ("bore_diameter", "24.98", "25.02"),
        ("tightening_torque", "42.0", "48.0"),
        ("weld_strength", "310.0", "360.0"),
        ("coating_thickness", "18.0", "26.0"),
        ("seal_pressure", "0.45", "0.55"),
        ("moisture_content", "3.0", "5.0"),
        ("tensile_strength", "480.0", "540.0"),
        ("flatness", "0.0", "0.05"),
    ];
    let (feature, lsl, usl) = *rng.pick(FEATURES);
    let n = rng.range(3, 5).to_string();
    let days = rng.range(7, 30).to_string();
    let process = *rng.pick(case.industry().processes);
    let sys = if rng.chance(1, 2) { "MES" } else { "QMS" };
    let vars = [
        ("PROCESS", process),
        ("USL", usl),
        ("LSL", lsl),
        ("N", n.as_str()),
        ("FEATURE", feature),
        ("SYS", sys),
        ("DAYS", days.as_str()),
    ];
    fill(PYTHON_SPC, &vars, out);
}

fn sql_block(case: &Case, rng: &mut Rng, out: &mut String) {
    let days = rng.range(7, 90).to_string();
    let limit = rng.range(5, 20).to_string();
    let line = format!("L{:02}", rng.range(1, 6));
    let process = *rng.pick(case.industry().processes);
    let vars = [
        ("PROCESS", process),
        ("DAYS", days.as_str()),
        ("LIMIT", limit.as_str()),
        ("LINE", line.as_str()),
    ];
    fill(SQL_PARETO, &vars, out);
}

/// Renders the whole `index.md` of a case into `out`.
fn render_case(case: &Case, rng: &mut Rng, out: &mut String) {
    // Effect table first: the summary quotes its figures.
    let nrows = 4 + rng.below(3);
    let mut metric_idx: Vec<usize> = Vec::with_capacity(nrows);
    metric_idx.push(case.area.metrics[0]);
    for k in rng.permutation(case.area.metrics.len()) {
        if metric_idx.len() < 2 && !metric_idx.contains(&case.area.metrics[k]) {
            metric_idx.push(case.area.metrics[k]);
        }
    }
    for k in rng.permutation(METRICS.len()) {
        if metric_idx.len() >= nrows {
            break;
        }
        if !metric_idx.contains(&k) {
            metric_idx.push(k);
        }
    }
    let rows: Vec<Row> = metric_idx
        .iter()
        .map(|&k| metric_row(&METRICS[k], rng, case.cpk))
        .collect();

    // Title and summary.
    let mut title = String::new();
    let tpl = rng_pick_tpl(rng, case.area.titles);
    case.expand(rng, tpl, &mut title);
    let mut summary = String::new();
    if rng.chance(1, 2) {
        let _ = write!(summary, "{}以{}为抓手，", case.short, case.method_names[0]);
        case.expand(rng, case.area.action, &mut summary);
    } else {
        summary.push_str("针对");
        case.expand(rng, "{defect}等突出问题，{short}", &mut summary);
        case.expand(rng, case.area.action, &mut summary);
    }
    let _ = write!(summary, "，{}，{}。", rows[0].sentence, rows[1].sentence);
    if rng.chance(1, 2) {
        let tpl = rng_pick_tpl(rng, SUMMARY_TAILS);
        case.expand(rng, tpl, &mut summary);
    }

    // Front matter.
    let ind_ids = case.industries.iter().map(|i| i.id);
    let method_ids = case.methods.iter().map(|m| m.id);
    let contact = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN_NAMES));
    let phone = format!("{}-6{:07}", case.region.phone, rng.below(10_000_000));
    let email = format!("qa.{}@example.com", case.brand_pinyin);
    let code = credit_code(rng, case.region.division);
    let month = rng.range(1, 12);
    let day = rng.range(1, 28);
    let y = case.year;
    let _ = write!(
        out,
        "---\n\
title: {title}\n\
enterprise: {ent}\n\
year: {y}\n\
number: {num}\n\
region: {region}\n\
area: {area}\n\
industry: {ind}\n\
methods: {methods}\n\
tags: {tags}\n\
summary: {summary}\n\
status: 入选\n\
level: 省级\n\
date: {y}-{month:02}-{day:02}\n\
private:\n\
\x20 contact: {contact}\n\
\x20 phone: {phone}\n\
\x20 email: {email}\n\
\x20 credit_code: {code}\n\
\x20 revenue: {{{y3}: {r0}, {y2}: {r1}, {y1}: {r2}}}\n\
\x20 profit: {{{y3}: {p0}, {y2}: {p1}, {y1}: {p2}}}\n\
---\n\n",
        title = yaml_str(&title),
        ent = yaml_str(&case.enterprise),
        num = case.number,
        region = case.region.id,
        area = case.area.id,
        ind = yaml_list(ind_ids),
        methods = yaml_list(method_ids),
        tags = yaml_list(case.tags.iter().copied()),
        summary = yaml_str(&summary),
        contact = yaml_str(&contact),
        phone = yaml_str(&phone),
        email = yaml_str(&email),
        code = yaml_str(&code),
        y3 = y - 3,
        y2 = y - 2,
        y1 = y - 1,
        r0 = case.revenue[0],
        r1 = case.revenue[1],
        r2 = case.revenue[2],
        p0 = case.profit[0],
        p1 = case.profit[1],
        p2 = case.profit[2],
    );
    let body_start = out.len();

    let mut decks = Decks {
        overview: Deck::new(rng, OVERVIEW.len()),
        background: Deck::new(rng, BACKGROUND.len()),
        practice: Deck::new(rng, PRACTICE.len()),
        area: Deck::new(rng, case.area.sentences.len()),
        items: Deck::new(rng, ITEMS.len()),
        headings: Deck::new(rng, HEADINGS.len()),
        effects: Deck::new(rng, EFFECTS.len()),
        values: Deck::new(rng, VALUES.len()),
    };
    render_overview(case, rng, &mut decks, out);
    render_background(case, rng, &mut decks, out);
    render_practice(case, rng, &mut decks, out);
    render_effects(case, rng, &mut decks, &rows, out);

    // 推广价值 — also tops the body up to MIN_HAN Han characters.
    out.push_str("## 推广价值\n\n");
    let min_paragraphs = 2 + rng.below(2);
    let mut paragraphs = 0;
    while paragraphs < min_paragraphs || han_count(&out[body_start..]) < MIN_HAN {
        case.sentences(rng, VALUES, &mut decks.values, 3, out);
        out.push_str("\n\n");
        paragraphs += 1;
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
}

/// One deck per sentence pool, so a case never repeats a template until the
/// pool is exhausted.
struct Decks {
    overview: Deck,
    background: Deck,
    practice: Deck,
    area: Deck,
    items: Deck,
    headings: Deck,
    effects: Deck,
    values: Deck,
}

/// Appends a list of `n` items drawn from `ITEMS`, ordered or not.
fn render_list(case: &Case, rng: &mut Rng, deck: &mut Deck, n: usize, out: &mut String) {
    let ordered = rng.chance(1, 2);
    for k in 0..n {
        if ordered {
            let _ = write!(out, "{}. ", k + 1);
        } else {
            out.push_str("- ");
        }
        let i = deck.draw(rng);
        case.expand(rng, ITEMS[i], out);
        out.push_str(if k + 1 == n { "。\n" } else { "；\n" });
    }
    out.push('\n');
}

/// ## 企业概况
fn render_overview(case: &Case, rng: &mut Rng, decks: &mut Decks, out: &mut String) {
    out.push_str("## 企业概况\n\n");
    case.expand(
        rng,
        "{ent}（以下简称“{short}”）成立于{founded}年，位于{region}，是一家专注于{main}研发、制造与服务的{kind}，现有员工{emp}人，其中专业技术人员{techstaff}人，{y:-1}年实现营业收入{rev}亿元。",
        out,
    );
    let k = 2 + rng.below(2);
    case.sentences(rng, OVERVIEW, &mut decks.overview, k, out);
    out.push_str("\n\n");
    let k = 3 + rng.below(2);
    case.sentences(rng, OVERVIEW, &mut decks.overview, k, out);
    out.push_str("\n\n");
}

/// ## 背景与问题
fn render_background(case: &Case, rng: &mut Rng, decks: &mut Decks, out: &mut String) {
    out.push_str("## 背景与问题\n\n");
    let k = 3 + rng.below(2);
    case.sentences(rng, BACKGROUND, &mut decks.background, k, out);
    out.push_str("\n\n");
    out.push_str(rng_pick_tpl(rng, PROBLEM_LEADS));
    out.push_str("\n\n");
    let k = 3 + rng.below(2);
    let problems = rng.sample(PROBLEMS.len(), k);
    for (k, &p) in problems.iter().enumerate() {
        out.push_str("- ");
        case.expand(rng, PROBLEMS[p], out);
        out.push_str(if k + 1 == problems.len() {
            "。\n"
        } else {
            "；\n"
        });
    }
    out.push('\n');
    let k = 2 + rng.below(2);
    case.sentences(rng, BACKGROUND, &mut decks.background, k, out);
    out.push_str("\n\n");
}

/// ## 主要做法 with 3–4 sub-sections, lists and, in one case in five, a
/// fenced code block.
fn render_practice(case: &Case, rng: &mut Rng, decks: &mut Decks, out: &mut String) {
    out.push_str("## 主要做法\n\n");
    case.expand(
        rng,
        "针对上述问题，{short}以“{concept}”为指导，围绕{area}这一重点领域，综合运用{method}等方法工具，系统推进质量提升工作。",
        out,
    );
    out.push_str("\n\n");
    let nsub = 3 + rng.below(2);
    let code_in = if rng.chance(1, 5) {
        Some(rng.below(nsub))
    } else {
        None
    };
    for (s, num) in CN_NUM.iter().enumerate().take(nsub) {
        let _ = write!(out, "### （{num}）");
        let heading = if s == 0 {
            rng_pick_tpl(rng, case.area.headings)
        } else {
            HEADINGS[decks.headings.draw(rng)]
        };
        case.expand(rng, heading, out);
        out.push_str("\n\n");
        let area_sentences = if s == 0 { 2 } else { rng.below(2) };
        case.sentences(
            rng,
            case.area.sentences,
            &mut decks.area,
            area_sentences,
            out,
        );
        let k = 3 - area_sentences.min(1) + rng.below(2);
        case.sentences(rng, PRACTICE, &mut decks.practice, k, out);
        out.push_str("\n\n");
        let tpl = rng_pick_tpl(rng, LIST_LEADS);
        case.expand(rng, tpl, out);
        out.push_str("\n\n");
        let n = 4 + rng.below(2);
        render_list(case, rng, &mut decks.items, n, out);
        let k = 2 + rng.below(2);
        case.sentences(rng, PRACTICE, &mut decks.practice, k, out);
        out.push_str("\n\n");
        if code_in == Some(s) {
            if rng.chance(1, 2) {
                case.expand(
                    rng,
                    "为便于在其他产线推广，现将关键特性SPC分析脚本摘录如下，该脚本每日定时运行，结果自动推送至{dashboard}质量看板：",
                    out,
                );
                out.push_str("\n\n");
                python_block(case, rng, out);
            } else {
                case.expand(
                    rng,
                    "质量工程师每周从{sys}中提取不良数据开展柏拉图分析，常用查询语句如下：",
                    out,
                );
                out.push_str("\n\n");
                sql_block(case, rng, out);
            }
            out.push('\n');
        }
    }
}

/// ## 实施效果 with the before/after table.
fn render_effects(case: &Case, rng: &mut Rng, decks: &mut Decks, rows: &[Row], out: &mut String) {
    out.push_str("## 实施效果\n\n");
    let tpl = rng_pick_tpl(rng, EFFECT_LEADS);
    case.expand(rng, tpl, out);
    out.push_str("\n\n");
    let _ = writeln!(
        out,
        "| 指标 | 实施前（{}年） | 实施后（{}年） | 改善情况 |",
        case.year - 3,
        case.year - 1
    );
    out.push_str("| --- | ---: | ---: | --- |\n");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            r.label, r.before, r.after, r.change
        );
    }
    out.push('\n');
    let _ = write!(
        out,
        "从上表可以看出，{}，{}",
        rows[0].sentence, rows[1].sentence
    );
    if rows.len() > 2 {
        let _ = write!(out, "，{}", rows[2].sentence);
    }
    out.push('。');
    case.sentences(rng, EFFECTS, &mut decks.effects, 2, out);
    out.push_str("\n\n");
    let k = 2 + rng.below(2);
    case.sentences(rng, EFFECTS, &mut decks.effects, k, out);
    out.push_str("\n\n");
}

fn rng_pick_tpl(rng: &mut Rng, pool: &[&'static str]) -> &'static str {
    pool[rng.below(pool.len())]
}

fn render_year_index(year: u32, count: usize, area_counts: &[usize], out: &mut String) {
    let _ = write!(
        out,
        "---\n\
title: {year}年河南省质量标杆典型经验\n\
date: {year}-12-20\n\
summary: {year}年度入选的河南省质量标杆典型经验，共{count}项（生成语料）。\n\
---\n\n\
本栏目汇集{year}年度经遴选产生的河南省质量标杆典型经验，共{count}项。这些经验覆盖贯彻GB/T 19004质量管理实践、质量管理数字化、可靠性提升、关键过程质量控制和中小企业质量技术创新五个重点领域，\
涉及材料、装备、汽车、食品、轻纺等传统产业，以及新一代信息技术、高端装备、新材料、现代医药等新兴产业和氢能储能、量子信息等未来产业。\n\n\
各重点领域的经验数量如下：\n\n"
    );
    for (area, n) in AREAS.iter().zip(area_counts) {
        let _ = writeln!(out, "- {}：{}项", area.name, n);
    }
    out.push_str(
        "\n希望各地各企业认真学习借鉴标杆经验，结合自身实际开展对标达标活动，推动质量标杆经验在更大范围内移植推广。\n\
\n> 本栏目内容由 gen-corpus 自动生成，企业名称、人物和数据均为虚构，仅用于测试与性能评估。\n",
    );
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

fn ctx(path: &Path) -> impl Fn(io::Error) -> String + '_ {
    move |e| format!("{}: {e}", path.display())
}

fn write_file(path: &Path, contents: &str) -> Result<(), String> {
    let file = fs::File::create(path).map_err(ctx(path))?;
    let mut w = BufWriter::with_capacity(64 * 1024, file);
    w.write_all(contents.as_bytes()).map_err(ctx(path))?;
    w.flush().map_err(ctx(path))
}

/// Checks that `out` may be (re)generated and clears a previous `content/`.
fn prepare_out(out: &Path) -> Result<(), String> {
    if out.exists() {
        if !out.is_dir() {
            return Err(format!("{}: exists and is not a directory", out.display()));
        }
        let mut entries = fs::read_dir(out).map_err(ctx(out))?;
        if entries.next().is_some() {
            if !out.join(MARKER).is_file() {
                return Err(format!(
                    "{}: refusing to write into a non-empty directory without a {MARKER} marker",
                    out.display()
                ));
            }
            let content = out.join("content");
            if content.exists() {
                fs::remove_dir_all(&content).map_err(ctx(&content))?;
            }
        }
    }
    fs::create_dir_all(out.join("content")).map_err(ctx(out))
}

fn run(args: &Args) -> Result<usize, String> {
    prepare_out(&args.out)?;
    write_file(
        &args.out.join(MARKER),
        &format!(
            "This directory was written by `cargo run --example gen-corpus`.\n\
             gen-corpus may delete and regenerate its content/ directory.\n\
             cases={} seed={} years={}-{}\n",
            args.cases, args.seed, args.years.0, args.years.1
        ),
    )?;
    write_file(
        &args.out.join("site.yaml"),
        "title: 质量标杆典型经验（生成语料）\n\
         base_url: https://example.org/\n\
         language: zh-CN\n\
         enforce_quotas: false\n",
    )?;

    let mut master = Rng::new(args.seed);
    let cycles = Cycles {
        regions: master.permutation(REGIONS.len()),
        industries: master.permutation(INDUSTRIES.len()),
        methods: master.permutation(METHODS.len()),
    };
    let nyears = (args.years.1 - args.years.0 + 1) as usize;
    let content = args.out.join("content");
    let mut global = 0usize;
    let mut buf = String::with_capacity(32 * 1024);
    for (yi, year) in (args.years.0..=args.years.1).enumerate() {
        let count = args.cases / nyears + usize::from(yi < args.cases % nyears);
        let mut year_rng = Rng::derive(args.seed, u64::from(year), 0);
        let plan = YearPlan {
            year,
            count,
            pairs: year_rng.permutation(brand_pair_count()),
        };
        let year_dir = content.join(year.to_string());
        fs::create_dir_all(&year_dir).map_err(ctx(&year_dir))?;
        let mut area_counts = vec![0usize; AREAS.len()];
        for j in 0..plan.count {
            let (case, mut rng) = build_case(args.seed, &plan, j, global, &cycles);
            global += 1;
            if let Some(k) = AREAS.iter().position(|a| a.id == case.area.id) {
                area_counts[k] += 1;
            }
            buf.clear();
            render_case(&case, &mut rng, &mut buf);
            let dir = year_dir.join(&case.enterprise);
            fs::create_dir(&dir).map_err(ctx(&dir))?;
            write_file(&dir.join("index.md"), &buf)?;
        }
        buf.clear();
        render_year_index(year, plan.count, &area_counts, &mut buf);
        write_file(&year_dir.join("_index.md"), &buf)?;
    }
    Ok(global)
}

fn main() -> ExitCode {
    // Messages are written with `let _ =` so that a closed stream (e.g. output
    // piped into `head`) does not turn into a panic.
    let argv: Result<Vec<String>, _> = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string())
        .collect();
    let parsed = match argv {
        Ok(argv) => parse_args(argv.into_iter()),
        Err(_) => Err("arguments must be valid UTF-8".to_string()),
    };
    let args = match parsed {
        Ok(Some(args)) => args,
        Ok(None) => {
            let _ = io::stdout().write_all(USAGE.as_bytes());
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            let _ = writeln!(io::stderr(), "gen-corpus: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    match run(&args) {
        Ok(n) => {
            let _ = writeln!(
                io::stderr(),
                "gen-corpus: wrote {n} cases for {}-{} into {} in {:.2?}",
                args.years.0,
                args.years.1,
                args.out.display(),
                start.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(msg) => {
            let _ = writeln!(io::stderr(), "gen-corpus: {msg}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Result<Option<Args>, String> {
        parse_args(v.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_flags() {
        let a = args(&[
            "--cases",
            "5",
            "--out=/tmp/x",
            "--seed",
            "7",
            "--years",
            "2020-2021",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(a.cases, 5);
        assert_eq!(a.seed, 7);
        assert_eq!(a.years, (2020, 2021));
        assert!(args(&["--help"]).unwrap().is_none());
        assert!(args(&["--cases", "5"]).is_err());
        assert!(args(&["--cases", "x", "--out", "d"]).is_err());
        assert!(args(&["--cases", "5", "--out", "d", "--years", "2024-2019"]).is_err());
        assert!(args(&["--cases", "5", "--out", "d", "--bogus"]).is_err());
        assert!(args(&["--cases", "5", "--out"]).is_err());
    }

    #[test]
    fn credit_code_check_digit() {
        // A published example code.
        assert_eq!(gb32100_check(b"91350100M000100Y4"), Some('3'));
        let mut rng = Rng::new(3);
        for _ in 0..1000 {
            let c = credit_code(&mut rng, "410300");
            assert_eq!(c.len(), 18);
            assert_eq!(gb32100_check(&c.as_bytes()[..17]), c.chars().last());
            assert!(c.bytes().all(|b| GB32100_CHARS.contains(&b)));
        }
    }

    #[test]
    fn brand_pool_is_pinyin_distinct() {
        let mut seen = std::collections::HashSet::new();
        for (c, py) in BRAND_CHARS {
            assert_eq!(c.chars().count(), 1);
            assert!(seen.insert(*py), "duplicate reading {py}");
        }
        let n = brand_pair_count();
        let mut pairs = std::collections::HashSet::new();
        for k in 0..n {
            let (a, b) = brand_pair(k);
            assert_ne!(a, b);
            assert!(pairs.insert((a, b)));
        }
    }

    #[test]
    fn prefixes_and_words_are_safe() {
        for r in REGIONS {
            for p in r.prefixes {
                assert_eq!(p.chars().count(), 2, "{p}");
            }
        }
        for p in PROVINCE_PREFIXES {
            assert_eq!(p.chars().count(), 2);
        }
        for i in INDUSTRIES {
            for w in i.words {
                assert!(!w.starts_with('第'));
            }
        }
    }

    #[test]
    fn yaml_quoting() {
        assert_eq!(yaml_str("首件检验"), "首件检验");
        assert_eq!(yaml_str("5G"), "\"5G\"");
        assert_eq!(yaml_str("8d"), "\"8d\"");
        assert_eq!(yaml_str("a: b"), "\"a: b\"");
        assert_eq!(yaml_str("yes"), "\"yes\"");
        assert_eq!(yaml_str("say \"hi\""), "\"say \\\"hi\\\"\"");
    }

    #[test]
    fn templates_have_no_unknown_slots() {
        let plan = YearPlan {
            year: 2023,
            count: 1,
            pairs: vec![0],
        };
        let cycles = Cycles {
            regions: (0..REGIONS.len()).collect(),
            industries: (0..INDUSTRIES.len()).collect(),
            methods: (0..METHODS.len()).collect(),
        };
        let pools: &[&[&str]] = &[
            OVERVIEW,
            BACKGROUND,
            PROBLEMS,
            HEADINGS,
            PRACTICE,
            ITEMS,
            EFFECT_LEADS,
            EFFECTS,
            VALUES,
            SUMMARY_TAILS,
            LIST_LEADS,
        ];
        for g in 0..INDUSTRIES.len() * AREAS.len() {
            let (case, mut rng) = build_case(1, &plan, 0, g, &cycles);
            let area = case.area;
            let area_pools: [&[&str]; 3] = [area.titles, area.sentences, area.headings];
            for pool in pools.iter().chain(area_pools.iter()) {
                for tpl in pool.iter().chain(std::iter::once(&area.action)) {
                    let mut s = String::new();
                    case.expand(&mut rng, tpl, &mut s);
                    assert!(!s.contains('{') && !s.contains('}'), "{tpl} -> {s}");
                }
            }
            let mut out = String::new();
            render_case(&case, &mut rng, &mut out);
            let body = out.splitn(3, "---\n").nth(2).unwrap();
            assert!(han_count(body) >= MIN_HAN);
        }
    }
}
