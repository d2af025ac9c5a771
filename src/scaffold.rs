//! Skeletons for new sites and new cases (`biaogan init`, `biaogan new case`, and later the
//! summary-sheet import). Never overwrites an existing file.

use std::path::{Path, PathBuf};

use crate::error::{display_path, Error, Result};

/// The standard sections of a write-up, in order.
pub const SECTIONS: [&str; 5] = ["企业概况", "背景与问题", "主要做法", "实施效果", "推广价值"];

/// Fields of a new case.
#[derive(Debug, Clone, Default)]
pub struct CaseFields {
    /// 企业名称.
    pub enterprise: String,
    /// Collection year.
    pub year: u16,
    /// 典型经验名称 (empty: a placeholder).
    pub title: String,
    /// Region id or name.
    pub region: String,
    /// Area id or name.
    pub area: String,
    /// Summary.
    pub summary: String,
}

fn yaml_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_string())
}

/// Front matter and section headings of a new case.
pub fn case_skeleton(fields: &CaseFields) -> String {
    let or = |value: &str, placeholder: &str| {
        if value.trim().is_empty() {
            placeholder.to_string()
        } else {
            value.to_string()
        }
    };
    let mut text = format!(
        "---\ntitle: {}\nenterprise: {}\nyear: {}\nregion: {}\narea: {}\nindustry: []\nmethods: []\ntags: []\nsummary: {}\nstatus: 推荐\n---\n",
        yaml_string(&or(&fields.title, "（填写典型经验名称）")),
        yaml_string(&fields.enterprise),
        fields.year,
        yaml_string(&fields.region),
        yaml_string(&fields.area),
        yaml_string(&or(&fields.summary, "（用一到三句话概括经验）")),
    );
    for section in SECTIONS {
        text.push_str(&format!(
            "\n## {section}\n\n（{}）\n",
            section_hint(section)
        ));
    }
    text
}

fn section_hint(section: &str) -> &'static str {
    match section {
        "企业概况" => "企业主营业务、规模与质量管理基础",
        "背景与问题" => "开展这项实践前面临的质量问题和原因",
        "主要做法" => "分条目写清做法、工具方法和关键措施，可配图",
        "实施效果" => "用数据说明改进前后的变化，可用表格",
        _ => "经验的适用范围和可借鉴之处",
    }
}

/// Writes `text` to a new file, refusing to overwrite.
pub fn create_new(path: &Path, text: &str) -> Result<()> {
    if path.exists() {
        return Err(Error::Invalid(format!(
            "{} already exists; nothing was overwritten",
            display_path(path)
        )));
    }
    crate::fs::write(path, text.as_bytes())
}

/// Writes a new case for `fields` under `root/content/<year>/<enterprise>/index.md`.
pub fn new_case(root: &Path, fields: &CaseFields) -> Result<PathBuf> {
    let name = fields.enterprise.trim();
    if name.is_empty() || name.contains(['/', '\\', '\0']) || name.starts_with('.') {
        return Err(Error::Invalid(format!(
            "`{name}` cannot be a folder name; give the enterprise's full name"
        )));
    }
    let path = root
        .join("content")
        .join(fields.year.to_string())
        .join(name)
        .join("index.md");
    create_new(&path, &case_skeleton(fields))?;
    Ok(path)
}

/// Creates a new site in `dir`: `site.yaml`, a year collection, an example case and an about
/// page. Refuses a directory that already holds a `site.yaml` or `content/`.
pub fn init_site(dir: &Path, year: u16) -> Result<Vec<PathBuf>> {
    for existing in ["site.yaml", "content"] {
        if dir.join(existing).exists() {
            return Err(Error::Invalid(format!(
                "{} already exists; nothing was written",
                display_path(&dir.join(existing))
            )));
        }
    }
    let mut written = Vec::new();
    let mut write = |rel: &str, text: &str| -> Result<()> {
        let path = dir.join(rel);
        create_new(&path, text)?;
        written.push(path);
        Ok(())
    };
    write(
        "site.yaml",
        "title: 质量标杆典型经验\ndescription: 质量标杆典型经验交流与推广\nbase_url: https://example.org/\nlanguage: zh-CN\nlevel: 省级\n",
    )?;
    write(
        &format!("content/{year}/_index.md"),
        &format!("---\ntitle: {year}年质量标杆典型经验\ndate: {year}-10-01\n---\n\n本年度遴选的质量标杆典型经验。\n"),
    )?;
    write(
        "content/about.md",
        "---\ntitle: 关于本站\n---\n\n本站汇集质量标杆典型经验，供企业学习交流。\n",
    )?;
    let example = CaseFields {
        enterprise: "示例精密制造有限公司".to_string(),
        year,
        title: "基于统计过程控制的关键工序质量提升经验".to_string(),
        region: "zhengzhou".to_string(),
        area: "key-process".to_string(),
        summary: "示例企业运用统计过程控制稳定关键工序，一次交检合格率明显提升。".to_string(),
    };
    let path = dir
        .join("content")
        .join(year.to_string())
        .join(&example.enterprise)
        .join("index.md");
    create_new(&path, &case_skeleton(&example))?;
    written.push(path);
    Ok(written)
}
