//! A generated site of `n` valid cases, large enough that building it takes a while (for
//! tests that stop a build halfway). Deterministic: the same `n` gives the same files.

use std::path::Path;

/// Characters of the generated names: pairwise different pinyin readings, so that slugs
/// never collide.
const NAME_CHARS: [char; 20] = [
    '安', '北', '长', '东', '丰', '光', '海', '恒', '金', '康', '立', '明', '南', '平', '瑞', '盛',
    '天', '文', '新', '远',
];
/// Characters the bodies are made of.
const BODY: &str =
    "质量管理体系过程控制统计方法改进效果检验标准数据分析工序稳定合格率提升成本降低客户满意";
const REGIONS: [&str; 4] = ["zhengzhou", "luoyang", "kaifeng", "xinxiang"];
const AREAS: [&str; 2] = ["key-process", "key-process"];

/// Writes `site.yaml` and `content/` with `n` cases of 2023 into `root`.
pub fn generate(root: &Path, n: usize) {
    std::fs::write(
        root.join("site.yaml"),
        "title: 生成站点\nbase_url: https://example.org/\nenforce_quotas: false\n",
    )
    .unwrap();
    let year = root.join("content/2023");
    std::fs::create_dir_all(&year).unwrap();
    std::fs::write(
        year.join("_index.md"),
        "---\ntitle: 2023年\n---\n\n2023年的案例。\n",
    )
    .unwrap();
    let body: Vec<char> = BODY.chars().collect();
    let mut seed: u64 = 7;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for i in 0..n {
        let a = NAME_CHARS[i % 20];
        let b = NAME_CHARS[(i / 20) % 20];
        let c = NAME_CHARS[(i / 400) % 20];
        let enterprise = format!("{a}{b}{c}精密机械有限公司");
        let mut text = String::new();
        for section in ["企业概况", "主要做法", "实施效果"] {
            text.push_str(&format!("## {section}\n\n"));
            for _ in 0..6 {
                for _ in 0..60 {
                    text.push(body[next() % body.len()]);
                }
                text.push_str("。\n\n");
            }
        }
        let case = format!(
            "---\ntitle: {enterprise}的质量提升经验\nenterprise: {enterprise}\nyear: 2023\nnumber: {}\nregion: {}\narea: {}\nindustry: [equipment]\nmethods: [spc]\ntags: [标签{}]\nsummary: {enterprise}运用统计过程控制稳定关键工序。\ndate: 2023-09-15\n---\n\n{text}",
            i + 1,
            REGIONS[i % REGIONS.len()],
            AREAS[i % AREAS.len()],
            i % 7,
        );
        let dir = year.join(&enterprise);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.md"), case).unwrap();
    }
}
