//! `motcua import catalog FILE`: the procedure catalog from YAML or JSON (format in
//! README), every procedure checked before any is saved.

use std::path::Path;

use chrono::Utc;
use motcua_domain::Procedure;

use crate::error::CliError;

/// Parses and checks a catalog; `origin` names it in errors.
pub fn parse_catalog(text: &str, origin: &str) -> Result<Vec<Procedure>, CliError> {
    motcua_web::catalog_file::parse(text, origin).map_err(|detail| CliError::Catalog {
        origin: origin.to_owned(),
        detail,
    })
}

/// The catalog shipped for the demo.
pub fn demo_catalog() -> Result<Vec<Procedure>, CliError> {
    parse_catalog(include_str!("../demo/catalog.yaml"), "demo/catalog.yaml")
}

/// Imports a catalog file into the database.
pub async fn catalog(store: &motcua_store::Store, path: &Path) -> Result<usize, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let procedures = parse_catalog(&text, &path.display().to_string())?;
    #[allow(clippy::disallowed_methods)] // the import's own timestamp
    let now = Utc::now();
    Ok(store.save_procedures(procedures, "import", now).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_catalog_is_valid() {
        let procs = demo_catalog().unwrap();
        assert_eq!(procs.len(), 40);
        let birth = procs.iter().find(|p| p.code == "1.001193").unwrap();
        assert!(
            birth.versions[0]
                .form
                .required
                .iter()
                .any(|r| r == "tre_ho_ten")
        );
        assert!(birth.versions[0].form.field("tre_ngay_sinh").is_some());
        assert!(
            procs
                .iter()
                .filter(|p| p.versions[0].handling_agency.is_some())
                .count()
                >= 5
        );
    }

    #[test]
    fn bad_catalogs_are_refused_with_the_reason() {
        let e = parse_catalog("schema_version: 2\nprocedures: []", "x.yaml").unwrap_err();
        assert_eq!(e.code(), "catalog_invalid");
        let e = parse_catalog("schema_version: 1\nprocedures:\n  - code: '1.1'\n    name: ''\n    sector: x\n    level: commune\n    versions: []\n", "x.yaml").unwrap_err();
        assert!(
            e.message_vi().contains("thủ tục thứ 1"),
            "{}",
            e.message_vi()
        );
        let e = parse_catalog(
            "schema_version: 1\nprocedures:\n  - colour: red\n",
            "x.yaml",
        )
        .unwrap_err();
        assert!(e.message_vi().contains("sai cấu trúc"));
    }
}
