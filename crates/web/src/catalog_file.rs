//! The procedure catalog file (YAML or JSON): what `motcua import catalog` and the
//! administration page read. Every procedure is checked before any is saved.

use motcua_domain::Procedure;
use serde::Deserialize;

/// A catalog file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    schema_version: u32,
    procedures: Vec<Procedure>,
}

/// Parses and checks a catalog named `origin` (`.json` is read as JSON, anything else
/// as YAML); the error is a message in Vietnamese.
pub fn parse(text: &str, origin: &str) -> Result<Vec<Procedure>, String> {
    let file: CatalogFile = if origin.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| format!("sai cấu trúc: {e}"))?
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| format!("sai cấu trúc: {e}"))?
    };
    if file.schema_version != 1 {
        return Err(format!(
            "schema_version {} không được hỗ trợ (cần 1)",
            file.schema_version
        ));
    }
    let mut out = Vec::with_capacity(file.procedures.len());
    let mut seen = std::collections::BTreeSet::new();
    for (i, p) in file.procedures.into_iter().enumerate() {
        let code = p.code.clone();
        let p = p
            .validated()
            .map_err(|e| format!("thủ tục thứ {} ({code}): {}", i + 1, e.message_vi()))?;
        if !seen.insert(p.code.clone()) {
            return Err(format!("mã thủ tục {} xuất hiện hai lần", p.code));
        }
        out.push(p);
    }
    Ok(out)
}
