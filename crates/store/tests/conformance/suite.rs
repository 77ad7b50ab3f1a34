use bytes::Bytes;
use futures::stream;
use motcua_domain::audit::AuditProblem;
use motcua_domain::{Status, time::to_local};
use motcua_store::{
    AttachmentOwner, AuditQuery, DossierFilter, NewAttachment, PutError, RequestMeta, StoreError,
};
use serde_json::json;
use sqlx::{Connection, Executor};

use crate::fixture::{A, B, Rules, at, seed};
use crate::{Backend, on_each_backend};

async fn tamper(b: &Backend, sql: &str) {
    if b.name == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&b.raw_url).await.unwrap();
        c.execute(sql).await.unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(&b.raw_url).await.unwrap();
        c.execute(format!("SET search_path TO {}", b.schema.as_deref().unwrap()).as_str())
            .await
            .unwrap();
        c.execute(sql).await.unwrap();
    }
}

#[tokio::test]
async fn dossier_round_trip_with_code_and_history() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        let new = r.new_dossier("citizen", at("2026-10-08 09:00"), A);
        let saved = b
            .store
            .create_dossier(new.clone(), RequestMeta::default())
            .await
            .unwrap();
        assert_eq!(saved.code.as_str(), "H79.50.01-261008-0001", "{}", b.name);
        let back = b.store.dossier(saved.code.as_str()).await.unwrap().unwrap();
        assert_eq!(back, saved, "{}", b.name);
        assert_eq!(back.events.len(), 1);
        // A second dossier the same day gets the next number; another agency starts at 1.
        let second = b
            .store
            .create_dossier(new.clone(), RequestMeta::default())
            .await
            .unwrap();
        assert_eq!(second.code.as_str(), "H79.50.01-261008-0002");
        let other = r.new_dossier("citizen", at("2026-10-08 09:00"), B);
        let other = b
            .store
            .create_dossier(other, RequestMeta::default())
            .await
            .unwrap();
        assert_eq!(other.code.as_str(), "H79.50.02-261008-0001");
        // The next day starts again at 1.
        let next_day = r.new_dossier("citizen", at("2026-10-09 00:10"), A);
        let next_day = b
            .store
            .create_dossier(next_day, RequestMeta::default())
            .await
            .unwrap();
        assert_eq!(next_day.code.as_str(), "H79.50.01-261009-0001");
        // A state change is stored with its event.
        let decision = r.decide(
            &saved,
            "officer",
            at("2026-10-08 10:00"),
            "receive",
            json!({}),
        );
        let received = b
            .store
            .apply(decision, RequestMeta::default())
            .await
            .unwrap();
        let back = b.store.dossier(saved.code.as_str()).await.unwrap().unwrap();
        assert_eq!(back, received);
        assert_eq!(back.status, Status::Received);
        assert_eq!(
            to_local(back.due_at.unwrap())
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            "2026-10-13 17:00"
        );
        assert!(
            b.store
                .dossier("H79.50.01-261008-0099")
                .await
                .unwrap()
                .is_none()
        );
        b
    })
    .await;
}

#[tokio::test]
async fn concurrent_filings_get_gapless_unique_numbers() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = std::sync::Arc::new(Rules::new());
        let mut tasks = Vec::new();
        for i in 0..300 {
            let store = b.store.clone();
            let r = r.clone();
            let agency = if i % 3 == 0 { B } else { A };
            tasks.push(tokio::spawn(async move {
                let d = r.new_dossier("citizen", at("2026-10-08 09:00"), agency);
                store
                    .create_dossier(d, RequestMeta::default())
                    .await
                    .unwrap()
                    .code
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let day = chrono::NaiveDate::from_ymd_opt(2026, 10, 8).unwrap();
        for (agency, n) in [(A, 200), (B, 100)] {
            let codes = b.store.codes_of_day(agency, day).await.unwrap();
            let expected: Vec<String> =
                (1..=n).map(|i| format!("{agency}-261008-{i:04}")).collect();
            assert_eq!(codes, expected, "{} {agency}", b.name);
        }
        let report = b.store.verify_audit().await.unwrap();
        assert_eq!(report.broken_at(), None);
        assert_eq!(
            report.checked, 302,
            "{}: 300 filings + org + catalog",
            b.name
        );
        b
    })
    .await;
}

#[tokio::test]
async fn stale_version_is_a_conflict_and_changes_nothing() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        let d = b
            .store
            .create_dossier(
                r.new_dossier("citizen", at("2026-10-08 09:00"), A),
                RequestMeta::default(),
            )
            .await
            .unwrap();
        let first = r.decide(&d, "officer", at("2026-10-08 10:00"), "receive", json!({}));
        let second = r.decide(
            &d,
            "officer",
            at("2026-10-08 10:01"),
            "refuse",
            json!({"reason": "x"}),
        );
        let (x, y) = tokio::join!(
            b.store.apply(first, RequestMeta::default()),
            b.store.apply(second, RequestMeta::default())
        );
        let conflicts = [&x, &y]
            .iter()
            .filter(|r| matches!(r, Err(StoreError::Conflict { .. })))
            .count();
        assert_eq!(conflicts, 1, "{}: {x:?} {y:?}", b.name);
        let back = b.store.dossier(d.code.as_str()).await.unwrap().unwrap();
        assert_eq!(back.events.len(), 2);
        assert_eq!(back.version, 2);
        let audit = b.store.verify_audit().await.unwrap();
        assert_eq!(audit.broken_at(), None);
        assert_eq!(audit.checked, 4, "org, catalog, filing, one change");
        b
    })
    .await;
}

#[tokio::test]
async fn queue_filters_scope_and_paging() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        let mut codes = Vec::new();
        for i in 0..12 {
            let agency = if i < 8 { A } else { B };
            let d = r.new_dossier(
                if i % 2 == 0 { "citizen" } else { "other" },
                at("2026-10-08 09:00"),
                agency,
            );
            let d = b
                .store
                .create_dossier(d, RequestMeta::default())
                .await
                .unwrap();
            let d = if i < 5 {
                let officer = if agency == A { "officer" } else { "officer_b" };
                let dec = r.decide(
                    &d,
                    officer,
                    at(&format!("2026-10-{:02} 10:00", 8 + i % 3)),
                    "receive",
                    json!({}),
                );
                b.store.apply(dec, RequestMeta::default()).await.unwrap()
            } else {
                d
            };
            codes.push(d.code.clone());
        }
        let list = |f: DossierFilter| {
            let store = b.store.clone();
            async move { store.list_dossiers(&f).await.unwrap() }
        };
        let scoped = list(DossierFilter {
            scope_agencies: Some(vec![A.into()]),
            per_page: 50,
            ..DossierFilter::default()
        })
        .await;
        assert_eq!(scoped.total, 8, "{}", b.name);
        let received = list(DossierFilter {
            scope_agencies: Some(vec![A.into()]),
            status: Some(Status::Received),
            per_page: 50,
            ..DossierFilter::default()
        })
        .await;
        assert_eq!(received.total, 5);
        // Most urgent first.
        let dues: Vec<_> = received.items.iter().map(|s| s.due_at.unwrap()).collect();
        let mut sorted = dues.clone();
        sorted.sort();
        assert_eq!(dues, sorted);
        let due_soon = list(DossierFilter {
            due_before: Some(at("2026-10-14 00:00")),
            per_page: 50,
            ..DossierFilter::default()
        })
        .await;
        assert_eq!(
            due_soon.total, 2,
            "{}: received 8/10 and 11/10 are due 13/10",
            b.name
        );
        let mine = list(DossierFilter {
            owner: Some("citizen".into()),
            per_page: 50,
            ..DossierFilter::default()
        })
        .await;
        assert_eq!(mine.total, 6);
        let page2 = list(DossierFilter {
            per_page: 5,
            page: 3,
            ..DossierFilter::default()
        })
        .await;
        assert_eq!((page2.total, page2.items.len()), (12, 2));
        let nobody = list(DossierFilter {
            scope_agencies: Some(vec![]),
            ..DossierFilter::default()
        })
        .await;
        assert_eq!(nobody.total, 0);
        let counts = b.store.count_by_status().await.unwrap();
        assert_eq!(counts, vec![(Status::Received, 5), (Status::Submitted, 7)]);
        b
    })
    .await;
}

#[tokio::test]
async fn audit_chain_detects_tampering() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        for _ in 0..5 {
            let d = r.new_dossier("citizen", at("2026-10-08 09:00"), A);
            b.store
                .create_dossier(d, RequestMeta::default())
                .await
                .unwrap();
        }
        let ok = b.store.verify_audit().await.unwrap();
        assert_eq!((ok.checked, ok.broken_at()), (7, None), "{}", b.name);
        tamper(&b, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 4").await;
        assert_eq!(
            b.store.verify_audit().await.unwrap().problems,
            vec![AuditProblem::Edited { seq: 4 }],
            "{}: the edited entry, and only it",
            b.name
        );
        tamper(&b, "DELETE FROM audit_log WHERE seq = 6").await;
        assert_eq!(
            b.store.verify_audit().await.unwrap().problems,
            vec![
                AuditProblem::Edited { seq: 4 },
                AuditProblem::Missing { from: 6, to: 6 }
            ],
            "{}",
            b.name
        );
        b
    })
    .await;
}

#[tokio::test]
async fn reordered_audit_entries_are_named() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        for _ in 0..6 {
            let d = r.new_dossier("citizen", at("2026-10-08 09:00"), A);
            b.store
                .create_dossier(d, RequestMeta::default())
                .await
                .unwrap();
        }
        // Entries 4 and 5 swap places: their numbers follow, as if the log had been
        // re-sorted.
        for sql in [
            "UPDATE audit_log SET seq = -4 WHERE seq = 4",
            "UPDATE audit_log SET seq = 4 WHERE seq = 5",
            "UPDATE audit_log SET seq = 5 WHERE seq = -4",
        ] {
            tamper(&b, sql).await;
        }
        let report = b.store.verify_audit().await.unwrap();
        assert_eq!(
            report.problems,
            vec![
                AuditProblem::Moved {
                    seq: 4,
                    original: 5
                },
                AuditProblem::Moved {
                    seq: 5,
                    original: 4
                }
            ],
            "{}",
            b.name
        );
        assert_eq!(report.checked, 8);
        b
    })
    .await;
}

#[tokio::test]
async fn each_agency_has_its_own_chain_and_its_tampering_is_named_there() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        let mut codes = Vec::new();
        for agency in [A, B, A, B, A] {
            let d = r.new_dossier("citizen", at("2026-10-08 09:00"), agency);
            let saved = b
                .store
                .create_dossier(d, RequestMeta::default())
                .await
                .unwrap();
            codes.push(saved.code.as_str().to_owned());
        }
        // A read of an A dossier's file joins A's chain; a login joins no agency's.
        b.store
            .record_access("officer", "attachment.read", &format!("{}/f1", codes[0]), json!({}), at("2026-10-08 10:00"), RequestMeta::default())
            .await
            .unwrap();
        assert_eq!(b.store.audit_chains().await.unwrap(), ["", A, B], "{}", b.name);
        let sizes = |chain: &'static str| {
            let store = b.store.clone();
            async move {
                let rep = store.verify_audit_chain(chain).await.unwrap();
                (rep.checked, rep.problems)
            }
        };
        let (system, clean) = sizes("").await;
        assert!(clean.is_empty() && system >= 2, "{}: org and catalog", b.name);
        assert_eq!(sizes(A).await, (4, vec![]), "{}: three filings and a read", b.name);
        assert_eq!(sizes(B).await, (2, vec![]), "{}", b.name);
        assert_eq!(b.store.verify_audit().await.unwrap().checked, system + 6, "{}: every entry in one agency chain", b.name);

        // Edit A's second entry: A names it at its place in A's chain, B stays clean,
        // and the global chain names it too.
        tamper(&b, &format!("UPDATE audit_log SET details = '{{}}' WHERE chain = '{A}' AND chain_seq = 2")).await;
        assert_eq!(sizes(A).await.1, vec![AuditProblem::Edited { seq: 2 }], "{}", b.name);
        assert_eq!(sizes(B).await.1, vec![], "{}", b.name);
        assert_eq!(b.store.verify_audit().await.unwrap().problems.len(), 1, "{}", b.name);

        // Reorder B's two entries: both named as moved.
        for sql in [
            format!("UPDATE audit_log SET chain_seq = -1 WHERE chain = '{B}' AND chain_seq = 1"),
            format!("UPDATE audit_log SET chain_seq = 1 WHERE chain = '{B}' AND chain_seq = 2"),
            format!("UPDATE audit_log SET chain_seq = 2 WHERE chain = '{B}' AND chain_seq = -1"),
        ] {
            tamper(&b, &sql).await;
        }
        assert_eq!(
            sizes(B).await.1,
            vec![
                AuditProblem::Moved { seq: 1, original: 2 },
                AuditProblem::Moved { seq: 2, original: 1 },
                // The last entry is no longer the one the head recorded.
                AuditProblem::HeadMismatch { last: 2 }
            ],
            "{}",
            b.name
        );

        // Move A's last entry (the read) into the system chain: A's tail is cut, and
        // the system chain does not accept it.
        tamper(&b, &format!("UPDATE audit_log SET chain = '', chain_seq = {} WHERE chain = '{A}' AND chain_seq = 4", system + 1)).await;
        assert_eq!(sizes(A).await.1, vec![AuditProblem::Edited { seq: 2 }, AuditProblem::Truncated { last: 3, head: 4 }], "{}", b.name);
        let n = i64::try_from(system).unwrap() + 1;
        assert_eq!(
            sizes("").await.1,
            vec![AuditProblem::Edited { seq: n }, AuditProblem::HeadMismatch { last: n }],
            "{}: the stray entry is named where it was slipped in",
            b.name
        );

        // Delete A's head: nothing vouches for its end any more.
        tamper(&b, &format!("DELETE FROM audit_chain_heads WHERE chain = '{A}'")).await;
        assert_eq!(
            sizes(A).await.1,
            vec![AuditProblem::Edited { seq: 2 }, AuditProblem::HeadMismatch { last: 3 }],
            "{}",
            b.name
        );
        b
    })
    .await;
}

#[tokio::test]
async fn truncating_the_audit_tail_is_detected() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        tamper(&b, "DELETE FROM audit_log WHERE seq = 2").await;
        assert_eq!(
            b.store.verify_audit().await.unwrap().problems,
            vec![AuditProblem::Truncated { last: 1, head: 2 }],
            "{}",
            b.name
        );
        b
    })
    .await;
}

#[tokio::test]
async fn org_catalog_and_sessions() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let dir = b.store.load_directory().await.unwrap();
        assert_eq!(dir.agencies.len(), 2);
        assert_eq!(
            dir.officers.len(),
            3,
            "{}: citizens are not in the directory",
            b.name
        );
        assert_eq!(dir.unit("H79.50.01.TP").unwrap().agency, A);
        let procs = b.store.load_procedures().await.unwrap();
        assert_eq!(procs, crate::fixture::procedures());
        let (acct, hash) = b.store.account_for_login("citizen").await.unwrap().unwrap();
        assert_eq!(acct.full_name, "Nguyễn Văn An");
        assert_eq!(hash.as_deref(), Some("$argon2id$fake"));
        assert!(b.store.account_for_login("nobody").await.unwrap().is_none());
        let now = at("2026-10-08 09:00");
        b.store
            .create_session(
                "h1".into(),
                "citizen",
                now,
                now + chrono::Duration::hours(8),
                RequestMeta::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            b.store
                .session_account("h1", now)
                .await
                .unwrap()
                .unwrap()
                .username,
            "citizen"
        );
        assert!(
            b.store
                .session_account("h1", now + chrono::Duration::hours(9))
                .await
                .unwrap()
                .is_none()
        );
        assert!(b.store.session_account("h2", now).await.unwrap().is_none());
        b
    })
    .await;
}

fn chunks(data: &[u8], size: usize) -> Vec<Result<Bytes, std::io::Error>> {
    data.chunks(size)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect()
}

fn pdf(len: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n".to_vec();
    v.resize(len, b'x');
    v
}

#[tokio::test]
async fn attachments_stream_in_whole_or_not_at_all() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        let d = b
            .store
            .create_dossier(
                r.new_dossier("citizen", at("2026-10-08 09:00"), A),
                RequestMeta::default(),
            )
            .await
            .unwrap();
        let new = |name: &str, max: u64| NewAttachment {
            owner: AttachmentOwner::Dossier(d.code.to_string()),
            kind: "submission".into(),
            name: name.into(),
            declared_type: Some("application/pdf".into()),
            uploaded_by: "citizen".into(),
            at: at("2026-10-08 09:05"),
            max_bytes: max,
        };
        let content = pdf(300_000);
        let meta = b
            .store
            .put_attachment(
                new("giay-chung-sinh.pdf", 1_000_000),
                stream::iter(chunks(&content, 7000)),
                RequestMeta::default(),
            )
            .await
            .unwrap();
        assert_eq!(meta.size, 300_000);
        assert_eq!(meta.content_type, "application/pdf");
        use sha2::Digest;
        assert_eq!(meta.sha256, hex::encode(sha2::Sha256::digest(&content)));
        let mut read_back = Vec::new();
        use futures::StreamExt;
        let mut s = Box::pin(b.store.attachment_stream(&meta).await.unwrap());
        while let Some(c) = s.next().await {
            read_back.extend_from_slice(&c.unwrap());
        }
        assert_eq!(read_back, content, "{}", b.name);
        assert_eq!(
            b.store.attachment(d.code.as_str(), &meta.id).await.unwrap(),
            Some(meta.clone())
        );

        // Too large: refused, nothing stored.
        let err = b
            .store
            .put_attachment(
                new("big.pdf", 100_000),
                stream::iter(chunks(&content, 7000)),
                RequestMeta::default(),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, PutError::Rejected(e) if e.code() == "attachment_too_large"),
            "{err:?}"
        );
        // Disguised: an executable named .pdf.
        let exe = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0".repeat(10);
        let err = b
            .store
            .put_attachment(
                new("to-khai.pdf", 1_000_000),
                stream::iter(chunks(&exe, 50)),
                RequestMeta::default(),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, PutError::Rejected(e) if e.code() == "attachment_type_not_allowed"),
            "{err:?}"
        );
        // Interrupted upload.
        let mut broken = chunks(&content, 20_000);
        broken.truncate(3);
        broken.push(Err(std::io::Error::other("connection reset")));
        let err = b
            .store
            .put_attachment(
                new("cut.pdf", 1_000_000),
                stream::iter(broken),
                RequestMeta::default(),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, PutError::Interrupted(_)));
        // Unknown dossier: the object is removed again.
        let mut orphan = new("orphan.pdf", 1_000_000);
        orphan.owner = AttachmentOwner::Dossier("H79.50.01-261008-0999".into());
        let err = b
            .store
            .put_attachment(
                orphan,
                stream::iter(chunks(&content, 7000)),
                RequestMeta::default(),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, PutError::Store(StoreError::NotFound { .. })));

        assert_eq!(
            b.store.attachments(d.code.as_str()).await.unwrap(),
            vec![meta]
        );
        // Only the one good file is on disk.
        let files = walk(&b._dir.0.join("files"));
        assert_eq!(files.len(), 1, "{}: {files:?}", b.name);
        b
    })
    .await;
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn drafts_become_dossiers_with_their_files() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        let now = at("2026-10-08 09:00");
        let draft = motcua_store::Draft {
            id: "d-1".into(),
            owner: "citizen".into(),
            procedure_code: "1.001193".into(),
            data: json!({"step": 2, "form_data": {"tre_ho_ten": "Bé Na"}}),
            created_at: now,
            updated_at: now,
        };
        b.store.save_draft(draft.clone()).await.unwrap();
        let mut later = draft.clone();
        later.data = json!({"step": 3});
        later.updated_at = at("2026-10-08 09:05");
        b.store.save_draft(later.clone()).await.unwrap();
        assert_eq!(
            b.store.draft("d-1").await.unwrap(),
            Some(later.clone()),
            "{}",
            b.name
        );
        assert_eq!(b.store.drafts_of("citizen").await.unwrap().len(), 1);
        let file = |name: &str| NewAttachment {
            owner: AttachmentOwner::Draft("d-1".into()),
            kind: "submission".into(),
            name: name.into(),
            declared_type: None,
            uploaded_by: "citizen".into(),
            at: now,
            max_bytes: 1_000_000,
        };
        let a1 = b
            .store
            .put_attachment(
                file("a.pdf"),
                stream::iter(chunks(&pdf(5000), 1000)),
                RequestMeta::default(),
            )
            .await
            .unwrap();
        let a2 = b
            .store
            .put_attachment(
                file("b.pdf"),
                stream::iter(chunks(&pdf(6000), 1000)),
                RequestMeta::default(),
            )
            .await
            .unwrap();
        assert_eq!(a1.draft_id.as_deref(), Some("d-1"));
        assert!(
            b.store
                .delete_draft_attachment("d-1", &a2.id)
                .await
                .unwrap()
        );
        assert_eq!(b.store.draft_attachments("d-1").await.unwrap().len(), 1);
        // A draft that does not exist takes no files.
        let mut stray = file("c.pdf");
        stray.owner = AttachmentOwner::Draft("nope".into());
        assert!(
            b.store
                .put_attachment(
                    stray,
                    stream::iter(chunks(&pdf(500), 100)),
                    RequestMeta::default()
                )
                .await
                .is_err()
        );

        let d = r.new_dossier("citizen", at("2026-10-08 09:10"), A);
        let filed = b
            .store
            .file_dossier(d, Some("d-1".into()), RequestMeta::default())
            .await
            .unwrap();
        assert!(b.store.draft("d-1").await.unwrap().is_none());
        let files = b.store.attachments(filed.code.as_str()).await.unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(
            (files[0].id.as_str(), files[0].draft_id.as_deref()),
            (a1.id.as_str(), None)
        );
        // Filing from a draft that is gone fails and files nothing.
        let d = r.new_dossier("citizen", at("2026-10-08 09:20"), A);
        assert!(
            b.store
                .file_dossier(d, Some("d-1".into()), RequestMeta::default())
                .await
                .is_err()
        );
        assert_eq!(
            b.store.count_by_status().await.unwrap(),
            vec![(Status::Submitted, 1)]
        );
        b
    })
    .await;
}

#[tokio::test]
async fn usage_verdict_counts_amendments_and_bulk_import() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        let mut done = 0;
        for i in 0..4 {
            let d = r.new_dossier("officer", at("2026-10-05 09:00"), A);
            // Filed at the counter: received at once.
            let d = b
                .store
                .create_dossier(d, RequestMeta::default())
                .await
                .unwrap();
            if i < 3 {
                // Refused the same day (early) or after the due date 08/10 (late).
                let when = if i < 2 {
                    "2026-10-05 10:00"
                } else {
                    "2026-10-12 10:00"
                };
                let d = b
                    .store
                    .apply(
                        r.decide(&d, "officer", at(when), "refuse", json!({"reason": "x"})),
                        RequestMeta::default(),
                    )
                    .await
                    .unwrap();
                assert!(d.timeliness.is_some());
                done += 1;
            }
        }
        assert_eq!(done, 3);
        let counts = b
            .store
            .timeliness_counts(A, at("2026-10-01 00:00"), at("2026-11-01 00:00"))
            .await
            .unwrap();
        assert_eq!(
            counts,
            vec![(Some("early".to_owned()), 2), (Some("late".to_owned()), 1)],
            "{}",
            b.name
        );
        assert_eq!(
            b.store.procedure_usage(5).await.unwrap(),
            vec![("1.001193".to_owned(), 4)]
        );

        b.store
            .add_calendar_amendment(
                "admin-1",
                "confirm = [\"culture_day\"]",
                "admin",
                at("2026-10-05 09:00"),
                RequestMeta::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            b.store.calendar_amendments().await.unwrap(),
            vec![(
                "admin-1".to_owned(),
                "confirm = [\"culture_day\"]".to_owned()
            )]
        );

        // Bulk import keeps codes and moves the day's sequence past them.
        let mut bulk = Vec::new();
        for seq in [7u32, 3] {
            let mut d = r.new_dossier("officer", at("2026-09-01 09:00"), A);
            d.code = motcua_domain::DossierCode::new(
                A,
                chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
                seq,
            );
            bulk.push(d);
        }
        assert_eq!(
            b.store
                .import_dossiers(bulk, "test", at("2026-10-05 09:00"))
                .await
                .unwrap(),
            2
        );
        let next = b
            .store
            .create_dossier(
                r.new_dossier("officer", at("2026-09-01 10:00"), A),
                RequestMeta::default(),
            )
            .await
            .unwrap();
        assert_eq!(next.code.as_str(), "H79.50.01-260901-0008", "{}", b.name);
        assert_eq!(b.store.verify_audit().await.unwrap().broken_at(), None);
        b
    })
    .await;
}

/// The queue is merged from per-agency index scans: check it against the order computed
/// here over a mix of agencies, transfers, missing due dates and closed dossiers, page by
/// page, and check that a long queue's count stops at the cap.
#[tokio::test]
async fn queue_merge_matches_the_full_order_and_caps_the_count() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let mut bulk = Vec::new();
        for i in 0..40u32 {
            let receiving = if i % 3 == 0 { B } else { A };
            let mut d = r.new_dossier("officer", at("2026-09-01 09:00"), A);
            d.code = motcua_domain::DossierCode::new(receiving, day, i + 1);
            d.receiving_agency = receiving.to_owned();
            // Every fourth is transferred to the other agency.
            d.handling_agency = if i % 4 == 1 {
                if receiving == A { B } else { A }.to_owned()
            } else {
                receiving.to_owned()
            };
            // Several share a due date (ties go by code); some have none yet.
            d.due_at = (i % 7 != 0).then(|| at(&format!("2026-09-{:02} 17:00", 10 + i % 5)));
            if i % 5 == 0 {
                d.status = Status::Returned;
            }
            bulk.push(d);
        }
        let all = bulk.clone();
        b.store
            .import_dossiers(bulk, "test", at("2026-10-05 09:00"))
            .await
            .unwrap();
        let key = |d: &motcua_domain::Dossier| {
            (
                d.status.is_terminal(),
                d.due_at.is_none(),
                d.due_at,
                d.code.to_string(),
            )
        };
        for (scope, open_only) in [
            (vec![A.to_owned()], true),
            (vec![A.to_owned(), B.to_owned()], false),
            (vec![B.to_owned()], false),
        ] {
            let mut expected: Vec<_> = all
                .iter()
                .filter(|d| {
                    scope.contains(&d.receiving_agency) || scope.contains(&d.handling_agency)
                })
                .filter(|d| !open_only || !d.status.is_terminal())
                .collect();
            expected.sort_by_key(|d| key(d));
            let expected: Vec<String> = expected.iter().map(|d| d.code.to_string()).collect();
            let mut got = Vec::new();
            for page in 1..=10 {
                let p = b
                    .store
                    .list_dossiers(&DossierFilter {
                        scope_agencies: Some(scope.clone()),
                        open_only,
                        page,
                        per_page: 7,
                        ..DossierFilter::default()
                    })
                    .await
                    .unwrap();
                assert_eq!(p.total, i64::try_from(expected.len()).unwrap());
                assert!(!p.total_capped);
                got.extend(p.items.into_iter().map(|s| s.code));
            }
            assert_eq!(got, expected, "{}: scope {scope:?}", b.name);
        }

        // Past the cap the count says "more than".
        let day = chrono::NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
        let n = u32::try_from(motcua_store::COUNT_CAP).unwrap() + 5;
        let template = r.new_dossier("officer", at("2026-08-01 09:00"), A);
        let many: Vec<_> = (1..=n)
            .map(|seq| {
                let mut d = template.clone();
                d.code = motcua_domain::DossierCode::new(A, day, seq);
                d
            })
            .collect();
        b.store
            .import_dossiers(many, "test", at("2026-10-05 09:00"))
            .await
            .unwrap();
        let p = b
            .store
            .list_dossiers(&DossierFilter {
                scope_agencies: Some(vec![A.to_owned()]),
                per_page: 50,
                ..DossierFilter::default()
            })
            .await
            .unwrap();
        assert_eq!((p.total, p.total_capped), (motcua_store::COUNT_CAP, true));
        assert_eq!(p.items.len(), 50);
        b
    })
    .await;
}

#[tokio::test]
async fn a_returning_applicant_is_found_only_at_the_officers_agencies() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        let id = "001099012345";
        let first = r.new_dossier("citizen", at("2026-10-08 09:00"), A);
        b.store
            .create_dossier(first, RequestMeta::default())
            .await
            .unwrap();
        let mut moved = r.new_dossier("citizen", at("2026-10-09 09:00"), A);
        moved.applicant.address = Some("Ấp Láng Cát, xã Bình Giã".into());
        moved.applicant.phone = Some("0912345678".into());
        let moved = b
            .store
            .create_dossier(moved, RequestMeta::default())
            .await
            .unwrap();
        // A later dossier elsewhere: invisible from A.
        let mut elsewhere = r.new_dossier("citizen", at("2026-10-10 09:00"), B);
        elsewhere.applicant.address = Some("Thôn Đức Mỹ".into());
        let elsewhere = b
            .store
            .create_dossier(elsewhere, RequestMeta::default())
            .await
            .unwrap();

        let (code, found) = b.store.latest_applicant(id, &[A]).await.unwrap().unwrap();
        assert_eq!(code, moved.code.as_str(), "{}", b.name);
        assert_eq!(found.name, "Nguyễn Văn An");
        assert_eq!(found.address.as_deref(), Some("Ấp Láng Cát, xã Bình Giã"));
        assert_eq!(found.phone.as_deref(), Some("0912345678"));
        let (code, _) = b
            .store
            .latest_applicant(id, &[A, B])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(code, elsewhere.code.as_str());
        assert!(b.store.latest_applicant(id, &[]).await.unwrap().is_none());
        assert!(
            b.store
                .latest_applicant("079199000000", &[A, B])
                .await
                .unwrap()
                .is_none()
        );

        // A state change keeps the number searchable; a bulk import carries it too.
        let d = r.decide(
            &moved,
            "officer",
            at("2026-10-09 10:00"),
            "receive",
            json!({}),
        );
        b.store.apply(d, RequestMeta::default()).await.unwrap();
        let (code, _) = b.store.latest_applicant(id, &[A]).await.unwrap().unwrap();
        assert_eq!(code, moved.code.as_str());
        let mut imported = r.new_dossier("citizen", at("2026-09-01 09:00"), B);
        imported.applicant.id_number = Some("079199000001".into());
        imported.code = motcua_domain::DossierCode::parse("H79.50.02-260901-0001").unwrap();
        b.store
            .import_dossiers(vec![imported], "test", at("2026-10-05 09:00"))
            .await
            .unwrap();
        let (code, _) = b
            .store
            .latest_applicant("079199000001", &[B])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(code, "H79.50.02-260901-0001");
        b
    })
    .await;
}

#[tokio::test]
async fn audit_search_by_actor_target_and_action() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        let d = r.new_dossier("citizen", at("2026-10-08 09:00"), A);
        let d = b
            .store
            .create_dossier(d, RequestMeta::default())
            .await
            .unwrap();
        let code = d.code.as_str().to_owned();
        for (actor, action, target) in [
            ("officer", "dossier.read", code.clone()),
            ("officer", "attachment.read", format!("{code}/f1")),
            ("specialist", "paper.read", format!("{code}/receipt")),
            // Looks alike but is another target.
            ("officer", "dossier.read", format!("{code}2")),
        ] {
            b.store
                .record_access(
                    actor,
                    action,
                    &target,
                    json!({}),
                    at("2026-10-08 10:00"),
                    RequestMeta::default(),
                )
                .await
                .unwrap();
        }
        let q = |actor: Option<&str>, target: Option<&str>, action: Option<&str>| AuditQuery {
            actor: actor.map(Into::into),
            target: target.map(Into::into),
            action: action.map(Into::into),
            limit: 50,
            ..AuditQuery::default()
        };
        let targets = |v: Vec<motcua_domain::audit::AuditEntry>| {
            v.into_iter().map(|e| e.target).collect::<Vec<_>>()
        };
        let found = b
            .store
            .audit_search(&q(None, Some(&code), None))
            .await
            .unwrap();
        assert_eq!(
            targets(found),
            vec![
                format!("{code}/receipt"),
                format!("{code}/f1"),
                code.clone(),
                code.clone()
            ],
            "{}: the dossier and its children, newest first",
            b.name
        );
        let found = b
            .store
            .audit_search(&q(Some("officer"), None, Some("dossier.read")))
            .await
            .unwrap();
        assert_eq!(targets(found), vec![format!("{code}2"), code.clone()]);
        // Paging: the page after the newest entry.
        let all = b.store.audit_search(&q(None, None, None)).await.unwrap();
        let next = b
            .store
            .audit_search(&AuditQuery {
                before: Some(all[0].seq),
                limit: 2,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(
            next.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![all[1].seq, all[2].seq]
        );
        b
    })
    .await;
}

#[tokio::test]
async fn retention_removes_stale_drafts_sessions_and_tokens_and_nothing_else() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let t0 = at("2026-10-01 09:00");
        let draft = |id: &str, at: chrono::DateTime<chrono::Utc>| motcua_store::Draft {
            id: id.into(),
            owner: "citizen".into(),
            procedure_code: "1.001193".into(),
            data: json!({"step": 1}),
            created_at: at,
            updated_at: at,
        };
        b.store.save_draft(draft("old", t0)).await.unwrap();
        b.store
            .save_draft(draft("fresh", at("2026-10-25 09:00")))
            .await
            .unwrap();
        let file = b
            .store
            .put_attachment(
                NewAttachment {
                    owner: AttachmentOwner::Draft("old".into()),
                    kind: "submission".into(),
                    name: "cccd.pdf".into(),
                    declared_type: None,
                    uploaded_by: "citizen".into(),
                    at: t0,
                    max_bytes: 1_000_000,
                },
                stream::iter(chunks(&pdf(3000), 1000)),
                RequestMeta::default(),
            )
            .await
            .unwrap();
        b.store
            .create_session(
                "s-old".into(),
                "citizen",
                t0,
                at("2026-10-01 17:00"),
                RequestMeta::default(),
            )
            .await
            .unwrap();
        b.store
            .create_session(
                "s-live".into(),
                "citizen",
                t0,
                at("2026-12-01 17:00"),
                RequestMeta::default(),
            )
            .await
            .unwrap();
        let token = |id: &str, expires: &str| motcua_store::NewApiToken {
            id: id.into(),
            token_hash: format!("h-{id}"),
            name: id.into(),
            username: "officer".into(),
            scopes: vec!["dossiers:read".into()],
            expires_at: at(expires),
        };
        b.store
            .create_api_token(
                token("gone", "2026-06-01 00:00"),
                "officer",
                at("2026-01-01 09:00"),
                RequestMeta::default(),
            )
            .await
            .unwrap();
        b.store
            .create_api_token(
                token("kept", "2027-06-01 00:00"),
                "officer",
                t0,
                RequestMeta::default(),
            )
            .await
            .unwrap();
        // Filed dossiers are records: a draft's filed file outlives the draft.
        let d = Rules::new().new_dossier("citizen", t0, A);
        let d = b
            .store
            .create_dossier(d, RequestMeta::default())
            .await
            .unwrap();

        let now = at("2026-11-01 09:00");
        let r = motcua_domain::retention::Retention::default();
        let expected = motcua_store::PurgeReport {
            drafts: 1,
            draft_files: 1,
            sessions: 1,
            pending_logins: 0,
            tokens: 1,
        };
        let dry = b
            .store
            .purge(r, now, true, RequestMeta::default())
            .await
            .unwrap();
        assert_eq!(dry, expected, "{}", b.name);
        assert!(
            b.store.draft("old").await.unwrap().is_some(),
            "{}: a dry run removes nothing",
            b.name
        );
        let done = b
            .store
            .purge(r, now, false, RequestMeta::default())
            .await
            .unwrap();
        assert_eq!(done, expected, "{}", b.name);
        assert!(b.store.draft("old").await.unwrap().is_none());
        assert!(b.store.draft("fresh").await.unwrap().is_some());
        assert!(b.store.draft_attachments("old").await.unwrap().is_empty());
        assert!(
            b.store.attachment_stream(&file).await.is_err(),
            "{}: the file is gone from storage",
            b.name
        );
        assert!(
            b.store
                .session_account("s-old", t0)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            b.store
                .session_account("s-live", now)
                .await
                .unwrap()
                .is_some()
        );
        let tokens: Vec<String> = b
            .store
            .api_tokens_of("officer")
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(tokens, ["kept"], "{}", b.name);
        assert!(b.store.dossier(d.code.as_str()).await.unwrap().is_some());
        // Once more: nothing left to remove; both purges are in the audit log.
        assert_eq!(
            b.store
                .purge(r, now, false, RequestMeta::default())
                .await
                .unwrap(),
            motcua_store::PurgeReport::default()
        );
        let purges = b
            .store
            .audit_search(&AuditQuery {
                action: Some("retention.purge".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(purges.len(), 2, "{}", b.name);
        assert_eq!(b.store.verify_audit().await.unwrap().broken_at(), None);
        b
    })
    .await;
}

#[tokio::test]
async fn process_versions_are_kept_and_loads_counted() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let def = |valid_from: &str, share: &str| {
            motcua_domain::process::ProcessDef::from_yaml(&format!(
                "procedure: \"1.001193\"\nvalid_from: {valid_from}\nsteps:\n  \
                 - {{id: nhan, name: Tiếp nhận, kind: receive, agency: receiving, role: receiving_officer, share: {share}}}\n  \
                 - {{id: tra, name: Trả kết quả, kind: return, agency: receiving, role: receiving_officer, share: 1h, after: [nhan]}}\n"
            ))
            .unwrap()
        };
        let v1 = def("2025-07-01", "2h");
        let v2 = def("2026-10-10", "3h");
        let id1 = b
            .store
            .save_process(&v1, "admin", at("2026-10-01 08:00"), RequestMeta::default())
            .await
            .unwrap();
        let id2 = b
            .store
            .save_process(&v2, "admin", at("2026-10-02 08:00"), RequestMeta::default())
            .await
            .unwrap();
        assert!(id2 > id1, "{}", b.name);
        let rows = b.store.load_processes().await.unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].id, &rows[0].def), (id1, &v1), "{}: saved as written", b.name);
        assert_eq!((rows[1].def.steps[0].share.as_str(), rows[1].saved_by.as_str()), ("3h", "admin"));
        assert_eq!(rows[1].saved_at, at("2026-10-02 08:00"));
        // Each save is audited.
        let audit = b
            .store
            .audit_search(&AuditQuery {
                action: Some("process.save".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(audit.len(), 2, "{}", b.name);
        assert_eq!(audit[0].target, "1.001193");

        // Loads: the specialist holds one open dossier, assigned on the 8th.
        let r = Rules::new();
        let d = r.new_dossier("officer", at("2026-10-08 09:00"), A);
        let d = b.store.create_dossier(d, RequestMeta::default()).await.unwrap();
        let d = if d.status == Status::Submitted {
            let dec = r.decide(&d, "officer", at("2026-10-08 09:05"), "receive", json!({}));
            b.store.apply(dec, RequestMeta::default()).await.unwrap()
        } else {
            d
        };
        let dec = r.decide(&d, "officer", at("2026-10-08 09:10"), "assign", json!({"assignee": "specialist"}));
        b.store.apply(dec, RequestMeta::default()).await.unwrap();
        let loads = b.store.assignee_loads(A).await.unwrap();
        assert_eq!(loads.len(), 1, "{}: {loads:?}", b.name);
        assert_eq!((loads[0].username.as_str(), loads[0].open), ("specialist", 1));
        assert_eq!(loads[0].last_assigned, Some(at("2026-10-08 09:10")));
        assert!(b.store.assignee_loads(B).await.unwrap().is_empty());
        b
    })
    .await;
}
