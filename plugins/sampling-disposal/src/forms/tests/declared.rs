//! The field declarations of `workflows/sampling-disposal/workflow.yaml`, read just far
//! enough to compare forms with them: every `name:` line that declares a `type`, inline
//! (`name: { type: select, …, options: [a, b] }`) or as a block (`type:`, `options:` as
//! a flow or block list, `fields:` whose keys are the members).

const WORKFLOW: &str = include_str!("../../../../../workflows/sampling-disposal/workflow.yaml");

/// One declaration of a field id.
#[derive(Debug, Default)]
pub struct Decl {
    pub ty: String,
    pub options: Vec<String>,
    pub members: Vec<String>,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The items of a flow list `[a, b]` (the text after `options: `).
fn flow(list: &str) -> Vec<String> {
    list.trim()
        .trim_start_matches('[')
        .split(']')
        .next()
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn inline(rest: &str) -> Option<Decl> {
    let ty = rest.split("type: ").nth(1)?;
    let ty = ty.split([',', '}']).next()?.trim().to_string();
    let options = rest.split("options: ").nth(1).map(flow).unwrap_or_default();
    Some(Decl {
        ty,
        options,
        members: Vec::new(),
    })
}

fn block(lines: &[&str], at: usize) -> Option<Decl> {
    let base = indent(lines[at]);
    let body: Vec<&str> = lines[at + 1..]
        .iter()
        .copied()
        .take_while(|l| l.trim().is_empty() || indent(l) > base)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let mut decl = Decl::default();
    let mut section = "";
    for l in &body {
        let t = l.trim();
        if indent(l) == base + 2 {
            section = t.split(':').next().unwrap_or_default();
            if let Some(ty) = t.strip_prefix("type: ") {
                decl.ty = ty.trim().to_string();
            } else if let Some(list) = t.strip_prefix("options: ") {
                decl.options = flow(list);
            }
        } else if section == "options" && indent(l) > base + 2 {
            if let Some(item) = t.strip_prefix("- ") {
                decl.options.push(item.trim().to_string());
            }
        } else if section == "fields" && indent(l) == base + 4 {
            decl.members
                .push(t.split(':').next().unwrap_or_default().to_string());
        }
    }
    (!decl.ty.is_empty()).then_some(decl)
}

/// Every declaration of field `id` (a field, a row member or an object member).
pub fn declarations(id: &str) -> Vec<Decl> {
    let lines: Vec<&str> = WORKFLOW.lines().collect();
    let key = format!("{id}:");
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix(&key) else {
            continue;
        };
        let rest = rest.trim();
        let decl = if rest.is_empty() {
            block(&lines, i)
        } else {
            inline(rest)
        };
        out.extend(decl);
    }
    out
}

#[test]
fn the_reader_sees_inline_block_and_nested_declarations() {
    let result = declarations("retest_result");
    assert_eq!(result.len(), 1);
    assert_eq!(
        (result[0].ty.as_str(), result[0].options.as_slice()),
        (
            "select",
            &["confirmed".to_string(), "overturned".to_string()][..]
        )
    );
    let formats = declarations("business_formats");
    assert_eq!(
        (formats[0].ty.as_str(), formats[0].options.len()),
        ("multi_select", 13)
    );
    let quotas = declarations("category_quotas");
    assert_eq!(quotas[0].members, ["category", "batches", "salt_batches"]);
    let categories: Vec<usize> = declarations("category")
        .iter()
        .map(|d| d.options.len())
        .collect();
    assert_eq!(categories, [3, 5]);
    assert_eq!(declarations("evaluation")[0].members.len(), 7);
    assert!(
        declarations("inspector").iter().all(|d| d.ty == "user"),
        "roles declare no type"
    );
}
