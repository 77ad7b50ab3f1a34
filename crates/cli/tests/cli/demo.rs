//! A newcomer's first steps: `serve --demo`, log in as officer, see the queue; the
//! operator commands around it.

use serde_json::Value;

use crate::server::{free_port, login, start};
use crate::{fails, ok};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_serves_every_status_and_the_officer_sees_the_queue() {
    let dir = std::env::temp_dir().join(format!("motcua-demo-{}", uuid::Uuid::new_v4().simple()));
    let server = start(&["--demo", "--demo-dossiers", "400"], free_port(), &dir).await;
    assert!(
        dir.join("motcua-demo.sqlite").exists(),
        "demo database in the data directory"
    );
    let client = reqwest::Client::new();
    let officer = login(&server.base, "officer").await;
    let queue: Value = client
        .get(format!("{}/api/v1/dossiers?open=true", server.base))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(queue["total"].as_i64().unwrap() > 20, "{queue}");
    for item in queue["items"].as_array().unwrap() {
        let agencies = [
            item["receiving_agency"].as_str(),
            item["handling_agency"].as_str(),
        ];
        assert!(
            agencies.contains(&Some("H79.50.01")),
            "officer sees only commune A: {item}"
        );
        assert!(
            !["returned", "refused", "withdrawn", "stopped"]
                .contains(&item["status"].as_str().unwrap())
        );
    }
    let admin = login(&server.base, "admin").await;
    for status in [
        "submitted",
        "received",
        "supplement_requested",
        "supplemented",
        "refused",
        "assigned",
        "in_process",
        "consulting",
        "transferred",
        "awaiting_approval",
        "approved",
        "result_ready",
        "returned",
        "withdrawn",
        "paused",
        "stopped",
    ] {
        let v: Value = client
            .get(format!(
                "{}/api/v1/dossiers?status={status}&per_page=1",
                server.base
            ))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            v["total"].as_i64().unwrap() > 0,
            "no demo dossier is {status}"
        );
    }
    for user in ["citizen", "specialist", "leader"] {
        login(&server.base, user).await;
    }
    drop(server);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["audit", "verify", "--demo"])
        .env("MOTCUA_DATA_DIR", &dir)
        .env_remove("MOTCUA_DATABASE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.starts_with("audit chain OK"),
        "{stdout}"
    );
    let entries: u64 = stdout.split_whitespace().nth(3).unwrap().parse().unwrap();
    assert!(
        entries > 1000,
        "every demo state change is audited: {stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn operator_commands() {
    let dir = std::env::temp_dir().join(format!("motcua-ops-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("ops.sqlite").display());
    let out = ok(&["migrate", "--database", &db]);
    assert!(out.contains("sqlite"), "{out}");
    let catalog = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/catalog.yaml");
    assert_eq!(
        ok(&["import", "catalog", catalog, "--database", &db]),
        format!("Đã nhập 40 thủ tục từ {catalog}\n")
    );
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "schema_version: 1\nprocedures:\n  - code: '1.1'\n").unwrap();
    let e = fails(
        &[
            "import",
            "catalog",
            bad.to_str().unwrap(),
            "--database",
            &db,
        ],
        "catalog_invalid",
    );
    assert!(e.contains("sai cấu trúc"), "{e}");
    let out = ok(&["audit", "verify", "--database", &db]);
    assert!(out.starts_with("audit chain OK: 1 entries"), "{out}");
    fails(
        &["migrate", "--database", "mysql://nowhere"],
        "database_config_invalid",
    );
    let _ = std::fs::remove_dir_all(&dir);
}
