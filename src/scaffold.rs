//! Skeletons for new sites and new cases (`biaogan init`, `biaogan new case`, and later the
//! summary-sheet import). Never overwrites an existing file.

use std::path::{Path, PathBuf};

use crate::content::front_matter::Private;
use crate::error::{Error, Result};

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
    /// Official 序号 in the published list.
    pub number: Option<u32>,
    /// Industry ids or names.
    pub industry: Vec<String>,
    /// Method ids or names.
    pub methods: Vec<String>,
    /// 入选 / 推荐 …: `None` writes the default 推荐, an empty string leaves `status` out.
    pub status: Option<String>,
    /// Private application data, written under `private:` (empty fields are left out; the
    /// mappings of [`Private::other`], such as the `extra` cells of an imported sheet, in
    /// block style).
    pub private: Option<Private>,
}

fn yaml_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_string())
}

/// Any YAML value written as JSON, which YAML reads back unchanged.
fn yaml_json(value: &serde_yaml::Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}

fn yaml_list(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| yaml_string(v)).collect();
    format!("[{}]", items.join(", "))
}

/// The `private:` block of a skeleton (empty when nothing is set).
fn private_block(private: &Private) -> String {
    let mut block = String::new();
    for (key, value) in [
        ("contact", &private.contact),
        ("phone", &private.phone),
        ("email", &private.email),
        ("credit_code", &private.credit_code),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            block.push_str(&format!("  {key}: {}\n", yaml_string(value.trim())));
        }
    }
    for (key, map) in [("revenue", &private.revenue), ("profit", &private.profit)] {
        if !map.is_empty() {
            let items: Vec<String> = map.iter().map(|(y, v)| format!("{y}: {v}")).collect();
            block.push_str(&format!("  {key}: {{{}}}\n", items.join(", ")));
        }
    }
    for (key, value) in &private.other {
        match value {
            serde_yaml::Value::Mapping(map) if !map.is_empty() => {
                block.push_str(&format!("  {key}:\n"));
                for (k, v) in map {
                    let k = k.as_str().map_or_else(|| yaml_json(k), yaml_string);
                    let v = v.as_str().map_or_else(|| yaml_json(v), yaml_string);
                    block.push_str(&format!("    {k}: {v}\n"));
                }
            }
            other => block.push_str(&format!("  {key}: {}\n", yaml_json(other))),
        }
    }
    if block.is_empty() {
        block
    } else {
        format!("private:\n{block}")
    }
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
    let number = fields
        .number
        .map(|n| format!("number: {n}\n"))
        .unwrap_or_default();
    let private = fields
        .private
        .as_ref()
        .map(private_block)
        .unwrap_or_default();
    let status = match fields.status.as_deref().map(str::trim) {
        None => "status: 推荐\n".to_string(),
        Some("") => String::new(),
        Some(status) => format!("status: {}\n", yaml_string(status)),
    };
    let mut text = format!(
        "---\ntitle: {}\nenterprise: {}\nyear: {}\n{number}region: {}\narea: {}\nindustry: {}\nmethods: {}\ntags: []\nsummary: {}\n{status}{private}---\n",
        yaml_string(&or(&fields.title, TITLE_PLACEHOLDER)),
        yaml_string(&fields.enterprise),
        fields.year,
        yaml_string(&fields.region),
        yaml_string(&fields.area),
        yaml_list(&fields.industry),
        yaml_list(&fields.methods),
        yaml_string(&or(&fields.summary, SUMMARY_PLACEHOLDER)),
    );
    for section in SECTIONS {
        text.push_str(&format!(
            "\n## {section}\n\n（{}）\n",
            section_hint(section)
        ));
    }
    text
}

/// Placeholder of an empty title in a skeleton.
pub const TITLE_PLACEHOLDER: &str = "（填写典型经验名称）";

/// Placeholder of an empty summary in a skeleton.
pub const SUMMARY_PLACEHOLDER: &str = "（用一到三句话概括经验）";

/// Every placeholder text a case skeleton contains (title, summary, one hint per section),
/// for `check` to find text left over from `new case` and `import`.
pub fn placeholders() -> Vec<String> {
    let mut texts = vec![
        TITLE_PLACEHOLDER.to_string(),
        SUMMARY_PLACEHOLDER.to_string(),
    ];
    texts.extend(SECTIONS.iter().map(|s| format!("（{}）", section_hint(s))));
    texts
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

/// Writes `text` to a new file, refusing to overwrite ([`crate::fs::write_new`]).
pub fn create_new(path: &Path, text: &str) -> Result<()> {
    crate::fs::write_new(path, text.as_bytes())
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
            return Err(Error::Exists {
                path: dir.join(existing),
                outcome: "written",
            });
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
        ".gitignore",
        "# biaogan build output and its cache (search index, rendered Markdown, page fingerprints)\n/public/\n/.biaogan/\n",
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
        ..CaseFields::default()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_new_never_overwrites_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/index.md");
        create_new(&path, "one").unwrap();
        assert!(create_new(&path, "two").is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["index.md"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let plain = dir.path().join("plain");
            std::fs::write(&plain, "x").unwrap();
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode(&path),
                mode(&plain),
                "same permissions as any new file"
            );
        }
    }

    #[test]
    fn skeleton_writes_optional_fields() {
        let fields = CaseFields {
            enterprise: "甲公司".to_string(),
            year: 2023,
            region: "zhengzhou".to_string(),
            area: "digital".to_string(),
            number: Some(3),
            industry: vec!["food".to_string()],
            status: Some(String::new()),
            private: Some(Private {
                phone: Some("0371-1".to_string()),
                profit: [(2022, 12.5)].into_iter().collect(),
                ..Private::default()
            }),
            ..CaseFields::default()
        };
        let text = case_skeleton(&fields);
        assert!(text.contains("year: 2023\nnumber: 3\n"), "{text}");
        assert!(text.contains("industry: [\"food\"]\n"), "{text}");
        assert!(!text.contains("status:"), "{text}");
        assert!(
            text.contains("private:\n  phone: \"0371-1\"\n  profit: {2022: 12.5}\n---\n"),
            "{text}"
        );
        let yaml = crate::content::front_matter::split(&text).unwrap().yaml;
        let meta: crate::content::front_matter::CaseMeta = serde_yaml::from_str(yaml).unwrap();
        assert_eq!(meta.number, Some(3));
        assert_eq!(meta.private.unwrap().profit.get(&2022), Some(&12.5));
    }
}
