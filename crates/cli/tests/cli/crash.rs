//! Acknowledged means on disk: dossiers that got a 201 survive SIGKILL, numbering has
//! no gaps or duplicates, and the audit chain still verifies.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

use crate::server::{free_port, login, start};

fn birth(agency: &str) -> Value {
    json!({
        "procedure": "1.001193",
        "agency": agency,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "079099012345"},
        "form_data": {
            "nguoi_yeu_cau_ho_ten": "Nguyễn Văn An",
            "nguoi_yeu_cau_so_dinh_danh": "079099012345",
            "quan_he_voi_nguoi_duoc_khai_sinh": "Cha",
            "tre_ho_ten": "Nguyễn Thị Bình",
            "tre_ngay_sinh": "2026-10-01",
            "tre_gioi_tinh": "Nữ",
            "tre_dan_toc": "Kinh",
            "tre_noi_sinh": "Trạm y tế xã"
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_dossiers_survive_sigkill() {
    let dir = std::env::temp_dir().join(format!("motcua-crash-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("crash.sqlite").display());
    let args = ["--demo", "--demo-dossiers", "0", "--database", db.as_str()];
    let port = free_port();
    let mut server = start(&args, port, &dir).await;
    let citizen = login(&server.base, "citizen").await;
    let officer = login(&server.base, "officer").await;

    // Clients file as fast as they can; the server is killed in the middle.
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for i in 0..24 {
        let (base, stop) = (server.base.clone(), Arc::clone(&stop));
        let token = if i % 2 == 0 {
            citizen.clone()
        } else {
            officer.clone()
        };
        clients.push(tokio::spawn(async move {
            let client = crate::http();
            let mut acked = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let agency = if i % 2 == 0 { "H79.50.02" } else { "H79.50.01" };
                match client
                    .post(format!("{base}/api/v1/dossiers"))
                    .bearer_auth(&token)
                    .json(&birth(agency))
                    .send()
                    .await
                {
                    Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                        if let Ok(v) = r.json::<Value>().await {
                            acked.push(v["code"].as_str().unwrap().to_owned());
                        }
                    }
                    Ok(r) => panic!("unexpected answer {}", r.status()),
                    Err(_) => break, // the server is gone
                }
            }
            acked
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    let mut acked = Vec::new();
    for c in clients {
        acked.extend(c.await.unwrap());
    }
    assert!(
        acked.len() > 50,
        "only {} dossiers acknowledged before the kill",
        acked.len()
    );
    eprintln!("{} dossiers acknowledged before SIGKILL", acked.len());

    // Restart on the same database: every acknowledged dossier is there.
    let server = start(&args, free_port(), &dir).await;
    let admin = login(&server.base, "admin").await;
    let client = crate::http();
    let mut all: Vec<String> = Vec::new();
    for page in 1.. {
        let v: Value = client
            .get(format!(
                "{}/api/v1/dossiers?per_page=200&page={page}",
                server.base
            ))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = v["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        all.extend(items.iter().map(|i| i["code"].as_str().unwrap().to_owned()));
    }
    let stored: BTreeSet<&str> = all.iter().map(String::as_str).collect();
    assert_eq!(stored.len(), all.len(), "duplicate codes");
    for code in &acked {
        assert!(
            stored.contains(code.as_str()),
            "acknowledged {code} lost after SIGKILL"
        );
    }
    // Numbers per agency and day run 1..n without gaps.
    let mut per_day: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for code in &all {
        let (prefix, seq) = code.rsplit_once('-').unwrap();
        per_day
            .entry(prefix.to_owned())
            .or_default()
            .push(seq.parse().unwrap());
    }
    for (prefix, mut seqs) in per_day {
        seqs.sort_unstable();
        let expected: Vec<u32> = (1..=u32::try_from(seqs.len()).unwrap()).collect();
        assert_eq!(seqs, expected, "gap in {prefix}");
    }
    drop(server);

    // The audit chain verifies.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["audit", "verify", "--database", &db])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("audit chain OK"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
