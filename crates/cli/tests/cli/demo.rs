//! A newcomer's first steps: `serve --demo`, log in as officer, see the queue; the
//! operator commands around it.

use serde_json::Value;

use crate::server::{free_port, get_json, login, start};
use crate::{fails, ok};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_serves_every_status_and_the_officer_sees_the_queue() {
    let dir = std::env::temp_dir().join(format!("motcua-demo-{}", uuid::Uuid::new_v4().simple()));
    let server = start(&["--demo", "--demo-dossiers", "400"], free_port(), &dir).await;
    assert!(
        dir.join("motcua-demo.sqlite").exists(),
        "demo database in the data directory"
    );
    let client = crate::http();
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
    // The shipped processes are seeded: drawn, and followed by the dossiers.
    let svg = client
        .get(format!(
            "{}/api/v1/procedures/1.013225/process.svg",
            server.base
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        svg.contains("Sở Xây dựng") && svg.contains("Sở Nông nghiệp"),
        "{svg}"
    );
    let land = get_json(
        &format!(
            "{}/api/v1/dossiers?procedure=1.013978&status=returned",
            server.base
        ),
        &admin,
    )
    .await;
    // (The demo's dossiers are seeded deterministically; some of these were returned.)
    {
        let d = land["items"]
            .as_array()
            .unwrap()
            .first()
            .expect("a returned land dossier");
        let steps = get_json(
            &format!(
                "{}/api/v1/dossiers/{}/steps",
                server.base,
                d["code"].as_str().unwrap()
            ),
            &admin,
        )
        .await;
        let agencies: Vec<&str> = steps["agencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["agency"].as_str().unwrap())
            .collect();
        assert!(
            agencies.contains(&"H79.10") && agencies.len() == 2,
            "inter-level: {steps}"
        );
        assert!(
            steps["steps"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["state"] == "done"),
            "{steps}"
        );
    }
    let mut first = std::collections::BTreeMap::new();
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
        first.insert(status, v["items"][0].clone());
    }
    for user in ["citizen", "specialist", "leader"] {
        login(&server.base, user).await;
    }
    // The operator makes an integration's token while the server runs; it reads the
    // officer's queue and nothing outside its scope.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args([
            "token",
            "create",
            "--demo",
            "--user",
            "officer",
            "--name",
            "Phần mềm thử",
            "--scopes",
            "dossiers:read",
            "--days",
            "7",
        ])
        .env("MOTCUA_DATA_DIR", &dir)
        .env_remove("MOTCUA_DATABASE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("mct_"), "{token}");
    let status = |path: &'static str| {
        let (client, base, token) = (client.clone(), server.base.clone(), token.clone());
        async move {
            client
                .get(format!("{base}{path}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(status("/api/v1/dossiers?open=true").await, 200);
    assert_eq!(status("/api/v1/audit").await, 403);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["token", "list", "--demo", "--user", "officer"])
        .env("MOTCUA_DATA_DIR", &dir)
        .env_remove("MOTCUA_DATABASE")
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("\tactive\t")
            && listed.contains("dossiers:read")
            && !listed.contains(&token),
        "{listed}"
    );
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
    render_papers_from_the_demo_database(&dir, &first);
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
    let out = ok(&["retention", "--dry-run", "--database", &db]);
    assert!(out.starts_with("Sẽ xóa: 0 hồ sơ nháp quá 30 ngày"), "{out}");
    let out = ok(&["audit", "verify", "--database", &db]);
    assert!(out.starts_with("audit chain OK: 1 entries"), "{out}");
    let out = ok(&["retention", "--database", &db]);
    assert!(out.starts_with("Đã xóa: 0 hồ sơ nháp"), "{out}");
    let out = ok(&["audit", "verify", "--database", &db]);
    assert!(
        out.starts_with("audit chain OK: 2 entries"),
        "the purge is audited: {out}"
    );
    fails(
        &["migrate", "--database", "mysql://nowhere"],
        "database_config_invalid",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `motcua render` on the demo database the server left behind.
fn render_papers_from_the_demo_database(
    dir: &std::path::Path,
    first: &std::collections::BTreeMap<&str, Value>,
) {
    let render = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
            .arg("render")
            .args(args)
            .args(["--demo"])
            .env("MOTCUA_DATA_DIR", dir)
            .env_remove("MOTCUA_DATABASE")
            .output()
            .unwrap()
    };
    let received = first["received"]["code"].as_str().unwrap();
    let out_file = dir.join("receipt.pdf");
    let out = render(&[
        "receipt",
        "--dossier",
        received,
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = std::fs::read(&out_file).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if let Ok(text) = std::process::Command::new("pdftotext")
        .arg(&out_file)
        .arg("-")
        .output()
    {
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains(received), "{text}");
    }

    // Tools rely on the names; a form that does not fit fails with its code.
    let submitted = first["submitted"]["code"].as_str().unwrap();
    let refused = first["refused"]["code"].as_str().unwrap();
    for (form, code, error) in [
        ("refusal", refused, None),
        ("control-slip", received, None),
        ("receipt", submitted, Some("form_not_applicable")),
        ("apology", received, Some("form_not_applicable")),
        ("hoa-don", received, Some("unknown_form")),
    ] {
        let file = dir.join(format!("{form}-{code}.pdf"));
        let out = render(&[form, "--dossier", code, "-o", file.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match error {
            None => assert!(out.status.success(), "{form}: {stderr}"),
            Some(error) => {
                assert_eq!(out.status.code(), Some(1), "{form}: {stderr}");
                assert!(stderr.contains(&format!("lỗi [{error}]")), "{stderr}");
                assert!(!file.exists());
            }
        }
    }

    // The register of commune A as Excel, over the whole demo period.
    let xlsx = dir.join("so.xlsx");
    let out = render(&[
        "register",
        "--agency",
        "H79.50.01",
        "--from",
        "2000-01-01",
        "--to",
        "2099-12-31",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    let out = render(&["register", "--agency", "H79.50.01", "-o", "x.pdf"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("lỗi [invalid_period]"));
}

#[test]
fn process_import_and_export() {
    let dir = std::env::temp_dir().join(format!("motcua-proc-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("p.sqlite").display());
    let catalog = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/catalog.yaml");
    ok(&["import", "catalog", catalog, "--database", &db]);
    let good = "procedure: \"2.000815\"\nvalid_from: 2025-07-01\nsteps:\n\
        - {id: nhan, name: Tiếp nhận, kind: receive, agency: receiving, role: receiving_officer, share: 30m}\n\
        - {id: ky, name: Ký chứng thực, kind: submit_for_approval, role: agency_leader, share: 1h, after: [nhan]}\n\
        - {id: tra, name: Trả kết quả, kind: return, agency: receiving, role: receiving_officer, share: 30m, after: [ky]}\n";
    let file = dir.join("p.yaml");
    std::fs::write(&file, good).unwrap();
    let out = ok(&[
        "process",
        "import",
        file.to_str().unwrap(),
        "--database",
        &db,
    ]);
    assert!(out.starts_with("Đã lưu 1 quy trình"), "{out}");
    // Export reads back as what was imported.
    let yaml = ok(&["process", "export", "2.000815", "--database", &db]);
    let back: serde_json::Value = serde_yaml_ng::from_str(&yaml).unwrap();
    assert_eq!(back["steps"][1]["after"][0], "nhan", "{yaml}");
    assert_eq!(back["steps"][2]["share"], "30m");
    // Over a same-day limit, a cycle, no role: refused, each named; nothing saved.
    let bad = good
        .replace("share: 1h", "share: 9h")
        .replace("role: agency_leader, ", "")
        .replace("after: [nhan]", "after: [tra]");
    std::fs::write(&file, bad).unwrap();
    let e = fails(
        &[
            "process",
            "import",
            file.to_str().unwrap(),
            "--database",
            &db,
        ],
        "process_invalid",
    );
    assert!(e.contains("Bước “ky”: chưa chọn vai trò"), "{e}");
    assert!(e.contains("vòng"), "{e}");
    fails(
        &["process", "export", "1.001193", "--database", &db],
        "process_invalid",
    );
    let _ = std::fs::remove_dir_all(&dir);
}
