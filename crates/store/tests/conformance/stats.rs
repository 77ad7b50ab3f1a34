//! Statistics: the counters kept incrementally equal a full recount after a random
//! sequence of events, and the sums read back give hand-computed figures.

use chrono::{Duration, NaiveDate};
use motcua_domain::org::{AccountKind, Role, RoleAssignment};
use motcua_domain::stats::measures::{OnlineSplit, Stock};
use motcua_domain::stats::{Counter, Figures};
use motcua_domain::{Account, Command, Ctx, Dossier, Subject, decide};
use motcua_store::{RequestMeta, StatGroup};
use serde_json::{Value, json};

use crate::fixture::{A, B, Rules, at, seed};
use crate::on_each_backend;

/// A small deterministic generator (no dependency, same sequence on both backends).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn rules_with_leader() -> Rules {
    let mut r = Rules::new();
    r.directory.officers.insert(
        "leader".into(),
        Account {
            username: "leader".into(),
            full_name: "Lãnh đạo".into(),
            kind: AccountKind::Officer,
            roles: vec![RoleAssignment {
                role: Role::AgencyLeader,
                agency: A.into(),
                unit: None,
            }],
            id_number: None,
            phone: None,
            email: None,
        },
    );
    r
}

fn try_decide(
    r: &Rules,
    d: &Dossier,
    who: &str,
    now: chrono::DateTime<chrono::Utc>,
    action: &str,
    body: &Value,
) -> Option<motcua_domain::Decision> {
    let subject = r
        .directory
        .officer(who)
        .map(Subject::from_account)
        .unwrap_or(Subject::Citizen {
            username: who.into(),
        });
    let ctx = Ctx {
        subject: &subject,
        directory: &r.directory,
        catalog: &r.catalog,
        calendar: &r.calendar,
        rules: &r.rules,
        processes: &motcua_domain::process::NO_PROCESSES,
        now,
    };
    let kind = motcua_domain::dossier::parse_action(action).ok()?;
    let cmd = Command::parse(kind, body).ok()?;
    decide(d, cmd, &ctx).ok()
}

fn actions(now: chrono::DateTime<chrono::Utc>) -> Vec<(&'static str, Value)> {
    let new_due = (motcua_domain::time::to_local(now).date() + Duration::days(20)).to_string();
    vec![
        ("receive", json!({})),
        ("assign", json!({"assignee": "specialist"})),
        ("process", json!({})),
        (
            "request-supplement",
            json!({"items": ["Bản sao CCCD"], "reason": "Thiếu giấy tờ"}),
        ),
        ("supplement", json!({})),
        ("submit-for-approval", json!({})),
        ("approve", json!({})),
        ("issue-result", json!({})),
        ("return-result", json!({"method": "online"})),
        ("return-result", json!({"method": "counter"})),
        ("rate", json!({"level": "satisfied"})),
        ("rate", json!({"level": "dissatisfied"})),
        ("refuse", json!({"reason": "Không thuộc thẩm quyền"})),
        ("withdraw", json!({"reason": "Không còn nhu cầu"})),
        ("stop", json!({"reason": "Theo đề nghị"})),
        (
            "extend",
            json!({"new_due": new_due, "reason": "Chờ xác minh", "apology": "Kính gửi ông/bà"}),
        ),
        (
            "pause",
            json!({"reason": "Chờ nộp phí", "kind": "fee_payment"}),
        ),
        ("resume", json!({})),
    ]
}

#[tokio::test]
async fn incremental_counters_equal_a_full_recount() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = rules_with_leader();
        let mut rng = Lcg(20_261_202);
        let mut now = at("2026-09-28 08:00");
        let mut codes: Vec<String> = Vec::new();
        let mut applied = 0;
        for step in 0..1500 {
            now += Duration::minutes(i64::try_from(rng.next(600)).unwrap() + 5);
            if codes.is_empty() || rng.next(4) == 0 {
                let (who, agency) = match rng.next(3) {
                    0 => ("citizen", A),
                    1 => ("officer", A),
                    _ => ("officer_b", B),
                };
                let d = r.new_dossier(who, now, agency);
                let d = b
                    .store
                    .create_dossier(d, RequestMeta::default())
                    .await
                    .unwrap();
                codes.push(d.code.as_str().to_owned());
                continue;
            }
            let code = &codes[usize::try_from(rng.next(codes.len() as u64)).unwrap()];
            let d = b.store.dossier(code).await.unwrap().unwrap();
            let list = actions(now);
            let (action, body) = &list[usize::try_from(rng.next(list.len() as u64)).unwrap()];
            for who in ["officer", "specialist", "leader", "officer_b", "citizen"] {
                if let Some(decision) = try_decide(&r, &d, who, now, action, body) {
                    b.store
                        .apply(decision, RequestMeta::default())
                        .await
                        .unwrap();
                    applied += 1;
                    break;
                }
            }
            // Now and then compare mid-way too, not only at the end.
            if step % 500 == 499 {
                assert_eq!(
                    b.store.stat_cells().await.unwrap(),
                    b.store.stat_recount().await.unwrap(),
                    "{} step {step}",
                    b.name
                );
            }
        }
        assert!(applied > 200, "only {applied} actions applied");
        let cells = b.store.stat_cells().await.unwrap();
        let recount = b.store.stat_recount().await.unwrap();
        assert!(!cells.is_empty());
        assert_eq!(cells, recount, "{}", b.name);
        // A rebuild from scratch gives the same cells again.
        b.store.stat_rebuild().await.unwrap();
        assert_eq!(b.store.stat_cells().await.unwrap(), recount, "{}", b.name);
        // The sums over a period equal the day cells added up by hand.
        let (from, to) = (
            NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
        );
        let parts = b
            .store
            .stat_parts(
                from,
                to,
                NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
                None,
                StatGroup::Total,
            )
            .await
            .unwrap();
        let mut by_hand = 0;
        for ((g, period, _), c) in &cells {
            if *g == motcua_domain::stats::Grain::Day
                && period.as_str() >= "2026-09-01"
                && period.as_str() < "2027-03-01"
            {
                by_hand += c.get(Counter::Received);
            }
        }
        let mut total = motcua_store::Part::default();
        for p in parts.values() {
            total.add(p);
        }
        assert_eq!(total.flows.get(Counter::Received), by_hand);
        // A month so far is read as the month minus its rest: the same sums as the days.
        let (from, to) = (
            NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(),
        );
        assert!(
            !motcua_domain::stats::plan(from, to, NaiveDate::from_ymd_opt(2026, 10, 24).unwrap())
                .minus
                .is_empty()
        );
        let parts = b
            .store
            .stat_parts(
                from,
                to,
                NaiveDate::from_ymd_opt(2026, 10, 24).unwrap(),
                None,
                StatGroup::Total,
            )
            .await
            .unwrap();
        let mut by_hand = motcua_domain::stats::Counters::default();
        for ((g, period, _), c) in &cells {
            if *g == motcua_domain::stats::Grain::Day
                && period.as_str() >= "2026-10-01"
                && period.as_str() < "2026-10-25"
            {
                by_hand.add_all(c);
            }
        }
        let mut total = motcua_store::Part::default();
        for p in parts.values() {
            total.add(p);
        }
        assert_eq!(total.flows, by_hand, "{}", b.name);
        b
    })
    .await;
}

/// Four dossiers at A in October 2026 and what each figure must be, counted by hand.
#[tokio::test]
async fn figures_of_a_hand_built_month() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = rules_with_leader();
        let meta = RequestMeta::default;
        // Limit 3 working days. Received Thu 8 Oct 09:00 → due Tue 13 Oct.
        let go = async |d: Dossier, steps: &[(&str, &str, &str, Value)]| {
            let mut d = b.store.create_dossier(d, meta()).await.unwrap();
            for (when, who, action, body) in steps {
                let dec = try_decide(&r, &d, who, at(when), action, body)
                    .unwrap_or_else(|| panic!("{action} by {who} at {when} refused"));
                d = b.store.apply(dec, meta()).await.unwrap();
            }
            d
        };
        let receive = json!({});
        // 1. Online, received Thu 8 Oct, decided early (Fri 9 Oct), returned, rated.
        go(
            r.new_dossier("citizen", at("2026-10-08 08:00"), A),
            &[
                ("2026-10-08 09:00", "officer", "receive", receive.clone()),
                (
                    "2026-10-08 10:00",
                    "officer",
                    "assign",
                    json!({"assignee": "specialist"}),
                ),
                ("2026-10-08 10:30", "specialist", "process", json!({})),
                (
                    "2026-10-08 11:00",
                    "specialist",
                    "submit-for-approval",
                    json!({}),
                ),
                ("2026-10-09 10:00", "leader", "approve", json!({})),
                ("2026-10-09 14:00", "officer", "issue-result", json!({})),
                (
                    "2026-10-09 15:00",
                    "officer",
                    "return-result",
                    json!({"method": "counter"}),
                ),
                (
                    "2026-10-10 09:00",
                    "citizen",
                    "rate",
                    json!({"level": "very_satisfied"}),
                ),
            ],
        )
        .await;
        // 2. Online, received Thu 8 Oct, decided Wed 14 Oct: late.
        go(
            r.new_dossier("citizen", at("2026-10-08 08:30"), A),
            &[
                ("2026-10-08 09:00", "officer", "receive", receive.clone()),
                (
                    "2026-10-09 10:00",
                    "officer",
                    "assign",
                    json!({"assignee": "specialist"}),
                ),
                ("2026-10-09 10:30", "specialist", "process", json!({})),
                (
                    "2026-10-14 09:00",
                    "specialist",
                    "submit-for-approval",
                    json!({}),
                ),
                ("2026-10-14 10:00", "leader", "approve", json!({})),
            ],
        )
        .await;
        // 3. Counter, received Mon 12 Oct, still open at the end of October (due Thu
        //    15 Oct): open and overdue at 1 Nov.
        go(r.new_dossier("officer", at("2026-10-12 09:00"), A), &[]).await;
        // 4. Online, refused at the check (never received).
        go(
            r.new_dossier("citizen", at("2026-10-20 09:00"), A),
            &[(
                "2026-10-20 10:00",
                "officer",
                "refuse",
                json!({"reason": "Sai thẩm quyền"}),
            )],
        )
        .await;
        // 5. Received in September (Tue 29 Sep), decided on its due day Thu 1 Oct.
        go(
            r.new_dossier("officer", at("2026-09-29 09:00"), A),
            &[
                (
                    "2026-09-29 10:00",
                    "officer",
                    "assign",
                    json!({"assignee": "specialist"}),
                ),
                ("2026-09-29 10:30", "specialist", "process", json!({})),
                (
                    "2026-10-02 15:00",
                    "specialist",
                    "submit-for-approval",
                    json!({}),
                ),
                ("2026-10-02 16:00", "leader", "approve", json!({})),
            ],
        )
        .await;

        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let parts = b
            .store
            .stat_parts(
                d("2026-10-01"),
                d("2026-11-01"),
                d("2026-11-20"),
                Some(&[A.to_owned()]),
                StatGroup::Total,
            )
            .await
            .unwrap();
        let mut p = motcua_store::Part::default();
        for part in parts.values() {
            p.add(part);
        }
        let f = Figures::compute(
            &p.flows,
            Stock::from_cumulative(&p.before_from),
            Stock::from_cumulative(&p.before_to),
            OnlineSplit::default(),
        );
        // Open on 1 Oct: dossier 5 only.
        assert_eq!(f.carried_over, 1, "{}", b.name);
        // Received in October: 1, 2, 3 (4 was refused before receipt).
        assert_eq!(f.received, 3);
        assert_eq!((f.online, f.counter), (2, 1));
        // Resolved in October: 1 (early), 2 (late), 5 (received 29 Sep 09:00 + 3 working days → due Fri 2 Oct; decided 2 Oct: on time).
        assert_eq!(f.resolved, 3);
        assert_eq!((f.early, f.on_time, f.late), (1, 1, 1));
        assert_eq!(f.refused, 1);
        assert_eq!(f.returned, 1);
        assert_eq!((f.rated, f.rated_satisfied), (1, 1));
        // Open at 1 Nov: dossier 3, due 15 Oct, so overdue.
        assert_eq!((f.in_process, f.in_process_overdue), (1, 1));
        // 2 of 3 on time or early: 66.67 %; 766 progress: 2 ÷ (3 + 1) = 50 %.
        assert_eq!(f.on_time_rate, Some(66.67));
        assert_eq!(f.progress_rate, Some(50.0));
        assert_eq!(f.online_rate, Some(66.67));
        // B had nothing.
        let parts_b = b
            .store
            .stat_parts(
                d("2026-10-01"),
                d("2026-11-01"),
                d("2026-11-20"),
                Some(&[B.to_owned()]),
                StatGroup::Agency,
            )
            .await
            .unwrap();
        assert!(parts_b.is_empty());
        let by_agency = b
            .store
            .stat_parts(
                d("2026-10-01"),
                d("2026-11-01"),
                d("2026-11-20"),
                None,
                StatGroup::Agency,
            )
            .await
            .unwrap();
        assert_eq!(
            by_agency[&(A.to_owned(), "1.001193".to_owned())]
                .flows
                .get(Counter::Received),
            3
        );
        // The month series has October with 3 received.
        let series = b
            .store
            .stat_series(
                motcua_domain::stats::Grain::Month,
                d("2026-09-01"),
                d("2026-12-01"),
                None,
            )
            .await
            .unwrap();
        let oct: Vec<_> = series
            .iter()
            .filter(|(m, _)| *m == d("2026-10-01"))
            .collect();
        assert_eq!(oct[0].1.get(Counter::Received), 3);
        b
    })
    .await;
}
