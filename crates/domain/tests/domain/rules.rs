use motcua_domain::{ActionKind, Status};
use serde_json::json;

use crate::fixture::{A, World, birth_request};

#[test]
fn bad_input_has_stable_codes() {
    let w = World::new();
    let mut unknown = birth_request(A);
    unknown["procedure"] = json!("9.999999");
    assert_eq!(
        w.submit("citizen", "2026-10-08 09:00", unknown)
            .unwrap_err()
            .code(),
        "procedure_not_found"
    );
    let mut missing = birth_request(A);
    missing["form_data"] = json!({"tre_ho_ten": "X"});
    let err = w
        .submit("citizen", "2026-10-08 09:00", missing)
        .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("form_invalid", Some("form_data.tre_ngay_sinh"))
    );
    let mut no_name = birth_request(A);
    no_name["applicant"]["name"] = json!("  ");
    assert_eq!(
        w.submit("citizen", "2026-10-08 09:00", no_name)
            .unwrap_err()
            .field(),
        Some("applicant.name")
    );
    let mut bad_agency = birth_request(A);
    bad_agency["agency"] = json!("H00");
    assert_eq!(
        w.submit("citizen", "2026-10-08 09:00", bad_agency)
            .unwrap_err()
            .field(),
        Some("agency")
    );
    // Counter-only procedure cannot be filed online.
    let err = w
        .submit(
            "citizen",
            "2026-10-08 09:00",
            json!({"procedure": "2.000001", "agency": A, "applicant": {"name": "X"}}),
        )
        .unwrap_err();
    assert_eq!(err.code(), "channel_not_offered");
    let d = w
        .submit("citizen", "2026-10-08 09:00", birth_request(A))
        .unwrap();
    assert_eq!(
        w.act(&d, "officer", "2026-10-08 10:00", "fly", json!({}))
            .unwrap_err()
            .code(),
        "action_unknown"
    );
    assert_eq!(
        w.act(&d, "officer", "2026-10-08 10:00", "submit", json!({}))
            .unwrap_err()
            .code(),
        "action_unknown"
    );
    assert_eq!(
        w.act(&d, "officer", "2026-10-08 10:00", "refuse", json!({}))
            .unwrap_err()
            .code(),
        "field_required"
    );
    assert_eq!(
        w.act(
            &d,
            "officer",
            "2026-10-08 10:00",
            "receive",
            json!({"colour": 1})
        )
        .unwrap_err()
        .code(),
        "field_invalid"
    );
    assert_eq!(
        w.act(&d, "officer", "2026-10-08 10:00", "approve", json!({}))
            .unwrap_err()
            .code(),
        "transition_not_allowed"
    );
    assert_eq!(
        w.act(&d, "specialist", "2026-10-08 10:00", "receive", json!({}))
            .unwrap_err()
            .code(),
        "forbidden"
    );
}

#[test]
fn every_status_has_a_portal_code_and_is_reachable() {
    let w = World::new();
    let mut seen = std::collections::BTreeSet::new();
    let start = w
        .submit("citizen", "2026-10-08 09:00", birth_request(A))
        .unwrap();
    // Walk a few scripted paths and collect every status reached.
    let paths: Vec<Vec<(&str, &str, serde_json::Value)>> = vec![
        vec![
            (
                "officer",
                "request-supplement",
                json!({"items": ["a"], "reason": "b"}),
            ),
            ("citizen", "supplement", json!({})),
            ("officer", "refuse", json!({"reason": "r"})),
        ],
        vec![
            ("officer", "receive", json!({})),
            ("officer", "pause", json!({"reason": "r"})),
            ("officer", "resume", json!({})),
            ("officer", "assign", json!({"assignee": "specialist"})),
            ("specialist", "process", json!({})),
            (
                "specialist",
                "consult",
                json!({"target": "H79.50.02", "question": "q"}),
            ),
            ("specialist", "consult-reply", json!({"answer": "a"})),
            ("specialist", "transfer", json!({"agency": "H79.10"})),
            ("dept", "process", json!({})),
            ("dept", "submit-for-approval", json!({})),
            ("dept", "approve", json!({})),
            ("dept", "issue-result", json!({})),
            ("officer", "return-result", json!({})),
        ],
        vec![("citizen", "withdraw", json!({"reason": "r"}))],
        vec![
            ("officer", "receive", json!({})),
            ("officer", "stop", json!({"reason": "r"})),
        ],
    ];
    for path in paths {
        let mut d = start.clone();
        seen.insert(d.status);
        for (who, action, body) in path {
            d = w.ok(&d, who, "2026-10-08 10:00", action, body);
            seen.insert(d.status);
            assert!((1..=10).contains(&d.portal_status()));
        }
    }
    let all: std::collections::BTreeSet<Status> = Status::ALL.into_iter().collect();
    assert_eq!(
        seen,
        all,
        "statuses never reached: {:?}",
        all.difference(&seen).collect::<Vec<_>>()
    );
    for a in ActionKind::ALL {
        assert_eq!(ActionKind::parse(a.as_str()), Some(a));
    }
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(s));
    }
}

#[test]
fn catalog_search_is_accent_insensitive() {
    let w = World::new();
    for q in [
        "khai sinh",
        "KHAI SINH",
        "khai  sinh",
        "đăng ký khai sinh",
        "dang ky khai sinh",
    ] {
        let hits = w.catalog.search(q, 10);
        assert_eq!(
            hits.first().map(|p| p.code.as_str()),
            Some("1.001193"),
            "{q}"
        );
    }
    assert_eq!(w.catalog.search("chung thuc", 10).len(), 1);
    // Typos: one letter wrong, missing or swapped in a word.
    for q in [
        "dang ky khia sinh",
        "dag ky khai sinh",
        "đăng kí khai sinh",
        "khai sinhh",
    ] {
        let hits = w.catalog.search(q, 10);
        assert_eq!(
            hits.first().map(|p| p.code.as_str()),
            Some("1.001193"),
            "{q}"
        );
    }
    assert!(w.catalog.search("xyz", 10).is_empty());
    assert_eq!(w.catalog.search("", 10).len(), 3);
}
