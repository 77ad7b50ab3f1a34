//! `motcua process import|export`: internal processes as YAML or JSON files, and the
//! ones shipped for the demo catalog.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use clap::Subcommand;
use motcua_domain::process::ProcessDef;
use motcua_domain::{Catalog, Directory};
use motcua_store::{RequestMeta, Store};
use serde::Deserialize;

use crate::error::CliError;
use crate::serve::DbArgs;

/// `motcua process …`.
#[derive(Debug, Subcommand)]
pub enum ProcessCommand {
    /// Nhập quy trình nội bộ từ tệp YAML/JSON (one process or a list).
    Import {
        /// The file.
        file: PathBuf,
        /// Into the demo database.
        #[arg(long)]
        demo: bool,
    },
    /// In quy trình đang áp dụng của một thủ tục ra YAML (the version in force today).
    Export {
        /// Procedure code.
        procedure: String,
        /// From the demo database.
        #[arg(long)]
        demo: bool,
        /// JSON instead of YAML.
        #[arg(long)]
        json: bool,
    },
}

/// One definition or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<ProcessDef>),
    One(Box<ProcessDef>),
}

/// Reads one definition or a list from YAML or JSON text.
pub fn parse(text: &str, origin: &str) -> Result<Vec<ProcessDef>, CliError> {
    match serde_yaml_ng::from_str::<OneOrMany>(text) {
        Ok(OneOrMany::Many(v)) => Ok(v),
        Ok(OneOrMany::One(d)) => Ok(vec![*d]),
        // Read again as one definition for serde's precise message.
        Err(_) => ProcessDef::from_yaml(text)
            .map(|d| vec![d])
            .map_err(|issue| CliError::Process {
                origin: origin.to_owned(),
                issues: vec![issue.message],
            }),
    }
}

/// The processes shipped for the demo catalog.
pub fn demo_processes() -> Result<Vec<ProcessDef>, CliError> {
    parse(
        include_str!("../demo/processes.yaml"),
        "demo/processes.yaml",
    )
}

/// Checks every definition against the catalog and the organisation, then saves them
/// all (none when any is wrong). Returns the saved IDs.
pub async fn save_all(
    store: &Store,
    defs: Vec<ProcessDef>,
    catalog: &Catalog,
    directory: &Directory,
    minutes_per_day: u32,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, CliError> {
    let mut checked = Vec::with_capacity(defs.len());
    let mut problems = Vec::new();
    for def in defs {
        let code = def.procedure.clone();
        match def.check_in(catalog, directory, minutes_per_day) {
            Ok(p) => checked.push(p.def),
            Err(issues) => {
                problems.extend(issues.into_iter().map(|i| format!("{code}: {}", i.message)))
            }
        }
    }
    if !problems.is_empty() {
        return Err(CliError::Process {
            origin: actor.to_owned(),
            issues: problems,
        });
    }
    let mut ids = Vec::with_capacity(checked.len());
    for def in &checked {
        ids.push(
            store
                .save_process(def, actor, now, RequestMeta::default())
                .await?,
        );
    }
    Ok(ids)
}

async fn world(store: &Store) -> Result<(Catalog, Directory), CliError> {
    Ok((
        Catalog::new(store.load_procedures().await?),
        store.load_directory().await?,
    ))
}

/// Runs `motcua process …`.
pub async fn run(db: DbArgs, what: ProcessCommand) -> Result<(), CliError> {
    #[allow(clippy::disallowed_methods)] // the command's own timestamp
    let now = Utc::now();
    match what {
        ProcessCommand::Import { file, demo } => {
            let store = crate::serve::open_for(&db, demo).await?;
            let text = read(&file)?;
            let defs = parse(&text, &file.display().to_string())?;
            let (catalog, directory) = world(&store).await?;
            let minutes = crate::serve::calendar_for(&db)?
                .office_hours()
                .minutes_per_day();
            let ids = save_all(
                &store,
                defs,
                &catalog,
                &directory,
                minutes,
                &format!("import:{}", file.display()),
                now,
            )
            .await?;
            println!("Đã lưu {} quy trình từ {}", ids.len(), file.display());
        }
        ProcessCommand::Export {
            procedure,
            demo,
            json,
        } => {
            let store = crate::serve::open_for(&db, demo).await?;
            let day = motcua_domain::dossier::local_day(now);
            let def = store
                .load_processes()
                .await?
                .into_iter()
                .map(|r| r.def)
                .filter(|d| d.procedure == procedure && d.valid_from <= day)
                .max_by_key(|d| d.valid_from)
                .ok_or_else(|| CliError::Process {
                    origin: procedure.clone(),
                    issues: vec!["Thủ tục chưa có quy trình nội bộ đang áp dụng".to_owned()],
                })?;
            let text = if json {
                serde_json::to_string_pretty(&def).map_err(|e| CliError::Config {
                    detail: e.to_string(),
                })?
            } else {
                serde_yaml_ng::to_string(&def).map_err(|e| CliError::Config {
                    detail: e.to_string(),
                })?
            };
            println!("{text}");
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo organisation as the rules see it.
    fn demo_directory() -> Directory {
        let org = crate::demo::org("x");
        let mut d = Directory::default();
        for a in org.agencies {
            d.agencies.insert(a.code.clone(), a);
        }
        for u in org.units {
            d.units.insert(u.code.clone(), u);
        }
        for (a, _) in org.accounts {
            d.officers.insert(a.username.clone(), a);
        }
        d
    }

    #[test]
    fn every_demo_procedure_has_a_shipped_process_that_checks() {
        let catalog = Catalog::new(crate::import::demo_catalog().unwrap());
        let directory = demo_directory();
        let defs = demo_processes().unwrap();
        let codes: std::collections::BTreeSet<&str> =
            defs.iter().map(|d| d.procedure.as_str()).collect();
        assert_eq!(codes.len(), catalog.len(), "one process per procedure");
        for def in defs.clone() {
            let code = def.procedure.clone();
            let p = def
                .check_in(&catalog, &directory, 480)
                .unwrap_or_else(|issues| panic!("{code}: {issues:?}"));
            assert!(p.def.steps.len() >= 5, "{code}");
        }
        let find = |code: &str| defs.iter().find(|d| d.procedure == code).unwrap();
        // Same day: the certification fits in half a day.
        let cert = find("2.000815")
            .clone()
            .check_in(&catalog, &directory, 480)
            .unwrap();
        assert!(cert.total <= 240, "{}", cert.total);
        // The construction permit consults two departments side by side.
        let permit = find("1.013225");
        let consults: Vec<String> = permit
            .steps
            .iter()
            .filter(|s| s.kind == motcua_domain::process::StepKind::Consult)
            .map(|s| s.after.join(","))
            .collect();
        assert_eq!(consults, ["tham-dinh", "tham-dinh"]);
        // First land registration moves from the commune to the department.
        assert!(
            find("1.013978")
                .steps
                .iter()
                .any(|s| s.kind == motcua_domain::process::StepKind::Transfer
                    && String::from(s.agency.clone()) == crate::demo::DEPT)
        );
    }

    #[test]
    fn one_definition_or_a_list_reads() {
        let one = "procedure: '1'\nvalid_from: 2026-01-01\nsteps: []\n";
        assert_eq!(parse(one, "x").unwrap().len(), 1);
        assert_eq!(
            parse(&format!("- {}", one.replace('\n', "\n  ")), "x")
                .unwrap()
                .len(),
            1
        );
        let e = parse("procedure: [", "tệp.yaml").unwrap_err();
        assert_eq!(e.code(), "process_invalid");
        assert!(e.message_vi().contains("tệp.yaml"), "{}", e.message_vi());
    }
}
