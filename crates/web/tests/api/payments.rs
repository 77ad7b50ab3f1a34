//! Payments end to end against the gateways' simulators, on both backends: fees
//! charged at receipt into one order per receiving account, VietQR payloads, checkout,
//! notifications (paid, duplicate, forged, wrong amount, before the browser's
//! return), counter payments, expiry, refunds, statements and reconciliation.

use motcua_pay::sim::{SimGateway, parse_query};
use motcua_web::payments::PaymentsConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{A, DEPT, TestApp, no_redirects, spawn_app_with};

const BOOK: &str = r#"
accounts:
  - agency: H79.50.01
    kind: treasury
    bin: "970405"
    number: "7111000111"
    holder: KBNN KHU VUC XVII - UBND XA BINH GIA
    awaiting_budget: true
    valid_from: 2025-07-01
  - agency: H79.10
    kind: bank
    bin: "970436"
    number: "0071000222333"
    holder: SO NONG NGHIEP VA MOI TRUONG
    valid_from: 2025-07-01
schedules:
  - procedure: "1.012345"
    valid_from: 2025-07-01
    lines:
      - id: le_phi
        name: Lệ phí cấp giấy phép môi trường
        kind: fee
        rate: {type: fixed, amount: 50000}
        payee: receiving
      - id: tham_dinh
        name: Phí thẩm định báo cáo
        kind: charge
        rate: {type: fixed, amount: 1500000}
        payee: handling
  - procedure: "2.000815"
    valid_from: 2025-07-01
    lines:
      - id: phi
        name: Phí chứng thực bản sao từ bản chính
        kind: charge
        rate: {type: per_unit, unit: trang, bands: [{from: 1, amount: 2000}, {from: 3, amount: 1000}], cap: 200000, per: ban}
        payee: receiving
    exemptions:
      - id: ho_ngheo
        name: Người thuộc hộ nghèo
        percent: 100
        legal_basis: Nghị quyết của HĐND tỉnh (ví dụ)
"#;

async fn pay_app(backend: &'static str) -> Option<TestApp> {
    let app = spawn_app_with(backend, |c| c.payments = PaymentsConfig::demo()).await?;
    let admin = app.login("admin").await;
    let resp = app
        .client
        .put(format!("{}/api/v1/fees", app.base))
        .bearer_auth(&admin)
        .header("content-type", "application/yaml")
        .body(BOOK)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::CREATED,
        "{}",
        resp.text().await.unwrap()
    );
    Some(app)
}

fn permit() -> Value {
    json!({
        "procedure": "1.012345",
        "agency": A,
        "applicant": {"name": "Công ty TNHH Xanh", "id_number": "079085001234", "phone": "0912345678", "address": "Ấp 2, xã Bình Giã"},
        "form_data": {}
    })
}

/// A permit dossier filed by the citizen and received at commune A: two orders.
async fn received_permit(app: &TestApp, citizen: &str, officer: &str) -> String {
    let d = app.file(citizen, permit()).await;
    let code = d["code"].as_str().unwrap().to_owned();
    app.act(officer, &code, "receive", json!({})).await;
    code
}

async fn orders(app: &TestApp, token: &str, code: &str) -> Vec<Value> {
    let (s, v) = app
        .get(Some(token), &format!("/api/v1/dossiers/{code}/payments"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().clone()
}

fn sim(app: &TestApp, id: &str) -> SimGateway {
    let c = PaymentsConfig::demo();
    let g = c
        .gateways
        .iter()
        .find(|g| format!("{:?}", g.kind).to_lowercase() == id)
        .unwrap();
    let url = format!("{}/unused", app.base);
    match id {
        "vnpay" => SimGateway::VnPay(motcua_pay::vnpay::VnPay::new(&g.merchant, &g.secret, url)),
        _ => SimGateway::PayGov(motcua_pay::paygov::PayGov::new(&g.merchant, &g.secret, url)),
    }
}

/// Checks out `reference` at `gateway` and settles on the simulator page with
/// `outcome` and `delivery`; returns the signed callback fields the browser carries
/// back (the same the notification carried).
async fn pay(
    app: &TestApp,
    token: &str,
    code: &str,
    reference: &str,
    gateway: &str,
    outcome: &str,
    delivery: &str,
) -> (String, Vec<(String, String)>) {
    let (s, v) = app
        .post(
            Some(token),
            &format!("/api/v1/dossiers/{code}/payments/{reference}/checkout"),
            json!({ "gateway": gateway }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let url = v["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&app.base), "{url}");
    // The simulator's page checks our signature and shows the order.
    let page = app.client.get(&url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(reference), "{html}");
    let q = url.split_once('?').unwrap().1.to_owned();
    let resp = no_redirects()
        .post(format!("{}/mo-phong/{gateway}/ket-thuc", app.base))
        .form(&[
            ("q", q.as_str()),
            ("outcome", outcome),
            ("delivery", delivery),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let back = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.contains("/thanh-toan/ket-qua/"), "{back}");
    let params = parse_query(&back).unwrap();
    (back, params)
}

async fn ipn(app: &TestApp, gateway: &str, params: &[(String, String)]) -> Value {
    let url = motcua_pay::sim::callback_url(
        &format!("{}/api/v1/payments/{gateway}/ipn", app.base),
        params,
    );
    let resp = app.client.get(url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

async fn order(app: &TestApp, reference: &str) -> motcua_domain::fee::Order {
    app.store
        .order_by_reference(reference)
        .await
        .unwrap()
        .unwrap()
}

async fn taken(app: &TestApp, agency: &str) -> i64 {
    let from = crate::at("2025-01-01 00:00");
    let to = crate::at("2027-01-01 00:00");
    app.store
        .takings(&[agency.to_owned()], from, to)
        .await
        .unwrap()
        .iter()
        .map(|t| t.amount)
        .sum()
}

#[tokio::test]
async fn fees_split_by_account_and_paid_through_the_gateways() {
    for backend in ["sqlite", "postgres"] {
        let Some(app) = pay_app(backend).await else {
            continue;
        };
        let citizen = app.login("citizen").await;
        let officer = app.login("officer").await;
        let code = received_permit(&app, &citizen, &officer).await;

        // Two orders, each to its own agency's account, amounts frozen at receipt.
        let items = orders(&app, &citizen, &code).await;
        assert_eq!(items.len(), 2, "{backend}: {items:?}");
        let (fee, charge) = (&items[0], &items[1]);
        assert_eq!(
            (
                fee["agency"].as_str(),
                fee["account"].as_str(),
                fee["amount"].as_i64()
            ),
            (Some(A), Some("7111000111"), Some(50_000))
        );
        assert_eq!(
            (
                charge["agency"].as_str(),
                charge["account"].as_str(),
                charge["amount"].as_i64()
            ),
            (Some(DEPT), Some("0071000222333"), Some(1_500_000))
        );
        assert_eq!(fee["status"], "pending");
        // Each VietQR pays that order's account, that amount, with the reference first.
        for o in [fee, charge] {
            let p = motcua_pay::vietqr::parse(o["vietqr"].as_str().unwrap()).unwrap();
            assert_eq!(p.consumer_id, o["account"].as_str().unwrap());
            assert_eq!(p.bin, o["bank_bin"].as_str().unwrap());
            assert_eq!(p.amount, o["amount"].as_i64());
            let purpose = p.purpose.unwrap();
            assert!(
                purpose.starts_with(o["reference"].as_str().unwrap()),
                "{purpose}"
            );
            assert!(purpose.contains(&code.replace(['.', '-'], "")), "{purpose}");
        }
        let fee_ref = fee["reference"].as_str().unwrap().to_owned();
        let charge_ref = charge["reference"].as_str().unwrap().to_owned();

        // VNPAY: paid; the notification credits the commune's account once.
        let (_, params) = pay(&app, &citizen, &code, &fee_ref, "vnpay", "pay", "normal").await;
        let vnp = params.clone();
        let o = order(&app, &fee_ref).await;
        assert_eq!(o.status, motcua_domain::fee::OrderStatus::Paid, "{backend}");
        assert!(
            o.receipt_no
                .as_deref()
                .unwrap()
                .starts_with("H79.50.01-2025-")
        );
        assert_eq!(taken(&app, A).await, 50_000);
        // The same notification again: "already confirmed", nothing credited twice.
        let again = ipn(&app, "vnpay", &params).await;
        assert_eq!(again["RspCode"], "02", "{again}");
        assert_eq!(taken(&app, A).await, 50_000);
        assert_eq!(app.store.credits_of(o.id).await.unwrap().len(), 1);
        // A forged notification is refused and logged.
        let forged = sim(&app, "vnpay").forge(&params, "not-the-secret");
        assert_eq!(ipn(&app, "vnpay", &forged).await["RspCode"], "97");
        let refused = app.store.refused_callbacks(10).await.unwrap();
        assert!(
            refused
                .iter()
                .any(|e| e.detail["reason"] == "payment_signature_invalid")
        );

        // The national platform, notification after the browser's return: the return
        // page shows "waiting" and changes nothing; the notification then pays.
        let (back, params) = pay(&app, &citizen, &code, &charge_ref, "paygov", "pay", "none").await;
        let page = app.client.get(&back).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("data-status=\"pending\""), "{html}");
        assert_eq!(order(&app, &charge_ref).await.amount_paid, 0);
        // A correctly signed notification with another amount is refused.
        let wrong = sim(&app, "paygov")
            .with_amount_resigned(&params, 1_000)
            .unwrap();
        let r = ipn(&app, "paygov", &wrong).await;
        assert_eq!(r["code"], "04", "{r}");
        assert_eq!(order(&app, &charge_ref).await.amount_paid, 0);
        let r = ipn(&app, "paygov", &params).await;
        assert_eq!(r["code"], "00", "{r}");
        let page = app
            .client
            .get(&back)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("data-status=\"paid\""), "{page}");
        // Each agency's account got exactly its share.
        assert_eq!(taken(&app, A).await, 50_000);
        assert_eq!(taken(&app, DEPT).await, 1_500_000);
        let (_, summary) = app
            .get(Some(&officer), "/api/v1/payments/summary?from=2025-12-01")
            .await;
        assert_eq!(summary["takings"][0]["amount"], 50_000, "{summary}");
        assert_eq!(summary["cashless"][0]["rate"], 100.0, "{summary}");

        // The e-receipt of the paid order; none for an order not paid yet.
        let pdf = |path: String| {
            let app = &app;
            let officer = officer.clone();
            async move {
                let r = app
                    .client
                    .get(format!("{}{path}", app.base))
                    .bearer_auth(&officer)
                    .send()
                    .await
                    .unwrap();
                (r.status(), r.bytes().await.unwrap())
            }
        };
        let (s, body) = pdf(format!(
            "/api/v1/dossiers/{code}/payments/{fee_ref}/receipt.pdf"
        ))
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(&body[..5], b"%PDF-");
        let (s, body) = pdf(format!("/api/v1/dossiers/{code}/documents/receipt.pdf")).await;
        assert_eq!((s, &body[..5]), (StatusCode::OK, &b"%PDF-"[..]));

        // VNPAY's daily file lists the payment its notification already recorded:
        // matched, nothing credited twice.
        let txn = vnp
            .iter()
            .find(|(k, _)| k == "vnp_TransactionNo")
            .map(|(_, v)| v.clone())
            .unwrap();
        let daily = format!(
            "txn_ref,transaction_no,amount,pay_date,bank_code,status\n{fee_ref},{txn},50000,20251201080000,NCB,00\n"
        );
        let v: Value = app
            .client
            .post(format!("{}/api/v1/statements?source=vnpay", app.base))
            .bearer_auth(&officer)
            .body(daily)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["report"]["totals"]["matched"]["count"], 1, "{v}");
        assert!(v["credited"].as_array().unwrap().is_empty(), "{v}");
        assert_eq!(taken(&app, A).await, 50_000);

        // A paid order cannot be checked out again.
        let (s, v) = app
            .post(
                Some(&citizen),
                &format!("/api/v1/dossiers/{code}/payments/{fee_ref}/checkout"),
                json!({"gateway": "vnpay"}),
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::CONFLICT, Some("payment_order_closed"))
        );
    }
}

#[tokio::test]
async fn cancel_fail_hold_expire_and_refund() {
    for backend in ["sqlite", "postgres"] {
        let Some(app) = pay_app(backend).await else {
            continue;
        };
        let citizen = app.login("citizen").await;
        let officer = app.login("officer").await;
        let code = received_permit(&app, &citizen, &officer).await;
        let items = orders(&app, &citizen, &code).await;
        let fee_ref = items[0]["reference"].as_str().unwrap().to_owned();
        let charge_ref = items[1]["reference"].as_str().unwrap().to_owned();

        // Cancelled and refused at the gateway: the order stays payable, the attempts kept.
        pay(&app, &citizen, &code, &fee_ref, "vnpay", "cancel", "normal").await;
        pay(
            &app,
            &citizen,
            &code,
            &fee_ref,
            "vnpay",
            "insufficient_funds",
            "twice",
        )
        .await;
        let o = order(&app, &fee_ref).await;
        assert_eq!(o.status, motcua_domain::fee::OrderStatus::Pending);
        let events = app.store.pay_events(o.id).await.unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"attempt_cancelled"), "{actions:?}");
        assert!(actions.contains(&"attempt_failed"), "{actions:?}");
        // Flagged by the gateway: held for an officer, not paid.
        pay(
            &app,
            &citizen,
            &code,
            &fee_ref,
            "vnpay",
            "suspicious",
            "normal",
        )
        .await;
        assert_eq!(
            order(&app, &fee_ref).await.status,
            motcua_domain::fee::OrderStatus::UnderReview
        );
        assert_eq!(taken(&app, A).await, 0);

        // A POS payment at the counter needs its slip number; then pays the order.
        let path = format!("/api/v1/dossiers/{code}/payments/{fee_ref}/credits");
        let (s, v) = app
            .post(
                Some(&officer),
                &path,
                json!({"method": "pos", "amount": 50_000}),
            )
            .await;
        assert_eq!(
            (s, v["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("reference")),
            "{v}"
        );
        let (s, v) = app
            .post(
                Some(&citizen),
                &path,
                json!({"method": "cash", "amount": 50_000}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        let (s, v) = app
            .post(
                Some(&officer),
                &path,
                json!({"method": "pos", "amount": 50_000, "reference": "POS-000123", "provider": "VCB"}),
            )
            .await;
        assert_eq!(
            (s, v["status"].as_str()),
            (StatusCode::OK, Some("paid")),
            "{v}"
        );
        assert_eq!(taken(&app, A).await, 50_000);

        // Refunds are the leader's, and never more than was paid.
        let refund = format!("/api/v1/dossiers/{code}/payments/{fee_ref}/refund");
        let (s, _) = app
            .post(
                Some(&officer),
                &refund,
                json!({"amount": 10_000, "reference": "HT-1"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let leader = app.login("leader").await;
        let (s, v) = app
            .post(
                Some(&leader),
                &refund,
                json!({"amount": 60_000, "reference": "HT-1"}),
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("refund_too_large"))
        );
        let (s, v) = app
            .post(
                Some(&leader),
                &refund,
                json!({"amount": 10_000, "reference": "HT-1", "reason": "Thu thừa"}),
            )
            .await;
        assert_eq!(
            (s, v["status"].as_str()),
            (StatusCode::OK, Some("partially_refunded")),
            "{v}"
        );

        // The department's order is left unpaid; past its 30 days it expires, and a
        // late notification for it is not credited.
        let (_, params) = pay(&app, &citizen, &code, &charge_ref, "vnpay", "pay", "none").await;
        app.set_time("2026-01-15 08:00");
        let admin = app.login("admin").await;
        let (s, v) = app
            .post(Some(&admin), "/api/v1/payments/expire", json!({}))
            .await;
        assert_eq!((s, v["expired"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
        assert_eq!(
            order(&app, &charge_ref).await.status,
            motcua_domain::fee::OrderStatus::Expired
        );
        assert_eq!(ipn(&app, "vnpay", &params).await["RspCode"], "02");
        assert_eq!(taken(&app, DEPT).await, 0);
        // Unknown order, and a gateway that does not exist.
        let mut stray = sim(&app, "vnpay")
            .with_amount_resigned(&params, 1_500_000)
            .unwrap();
        for (k, v) in stray.iter_mut() {
            if k == "vnp_TxnRef" {
                *v = motcua_pay::reference::make(99_999).unwrap();
            }
        }
        let stray = sim(&app, "vnpay")
            .with_amount_resigned(&stray, 1_500_000)
            .unwrap();
        assert_eq!(ipn(&app, "vnpay", &stray).await["RspCode"], "01");
        let (s, _) = app.get(None, "/api/v1/payments/nogateway/ipn?a=b").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn counter_fees_by_page_and_exemption() {
    for backend in ["sqlite", "postgres"] {
        let Some(app) = pay_app(backend).await else {
            continue;
        };
        let officer = app.login("officer").await;
        let citizen = app.login("citizen").await;
        // Filed online? Certification is counter-only: filed by the citizen it is refused
        // by the catalog; the officer files and receives with the page count.
        let body = json!({
            "procedure": "2.000815", "agency": A, "channel": "counter",
            "applicant": {"name": "Trần Thị Cúc", "id_number": "079190001234", "phone": "0901234567", "address": "Ấp 3"},
            "form_data": {}
        });
        let d = app.file(&officer, body.clone()).await;
        let code = d["code"].as_str().unwrap().to_owned();
        // Received as filed, the page count is not known yet: nothing charged.
        assert!(orders(&app, &officer, &code).await.is_empty());
        let fees = format!("/api/v1/dossiers/{code}/fees");
        let (s, v) = app
            .post(Some(&officer), &fees, json!({"quantities": {"trang": 5}}))
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("fee_quantity_missing")
            ),
            "{v}"
        );
        let (s, v) = app
            .post(
                Some(&officer),
                &fees,
                json!({"quantities": {"trang": 5, "ban": 2}}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        // 2 pages × 2,000 + 3 × 1,000 = 7,000 a copy, 2 copies.
        assert_eq!(v["items"][0]["amount"], 14_000, "{v}");
        let (s, v) = app
            .post(
                Some(&officer),
                &fees,
                json!({"quantities": {"trang": 5, "ban": 2}}),
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::CONFLICT, Some("fee_nothing_to_charge"))
        );
        let reference = orders(&app, &officer, &code).await[0]["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let (s, v) = app
            .post(
                Some(&officer),
                &format!("/api/v1/dossiers/{code}/payments/{reference}/credits"),
                json!({"method": "cash", "amount": 14_000}),
            )
            .await;
        assert_eq!(
            (s, v["status"].as_str()),
            (StatusCode::OK, Some("paid")),
            "{v}"
        );

        // An exempt applicant: the order is a zero record, nothing to pay.
        let d = app.file(&officer, body).await;
        let code = d["code"].as_str().unwrap().to_owned();
        let (s, v) = app
            .post(
                Some(&officer),
                &format!("/api/v1/dossiers/{code}/fees"),
                json!({"quantities": {"trang": 1, "ban": 1}, "exemption": "ho_ngheo"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(
            (
                v["items"][0]["status"].as_str(),
                v["items"][0]["amount"].as_i64()
            ),
            (Some("exempt"), Some(0))
        );
        assert!(v["items"][0]["vietqr"].is_null());
        assert_eq!(
            v["items"][0]["lines"][0]["exemption"]["legal_basis"],
            "Nghị quyết của HĐND tỉnh (ví dụ)"
        );
        // Cash counts against the cashless rate: 0 of 1 paid without cash.
        let (_, summary) = app
            .get(Some(&officer), "/api/v1/payments/summary?from=2025-12-01")
            .await;
        assert_eq!(summary["cashless"][0]["paid"], 1, "{summary}");
        assert_eq!(summary["cashless"][0]["rate"], 0.0, "{summary}");
        let _ = citizen;
    }
}

#[tokio::test]
async fn split_payment_by_transfer_is_credited_and_reconciled_from_statements() {
    for backend in ["sqlite", "postgres"] {
        let Some(app) = pay_app(backend).await else {
            continue;
        };
        let citizen = app.login("citizen").await;
        let officer = app.login("officer").await;
        let code = received_permit(&app, &citizen, &officer).await;
        let items = orders(&app, &citizen, &code).await;
        let (r1, r2) = (
            items[0]["reference"].as_str().unwrap().to_owned(),
            items[1]["reference"].as_str().unwrap().to_owned(),
        );
        let compact = code.replace(['.', '-'], "");
        // Both transfers as the banks show them: notes retyped, lower-cased, glued.
        let csv = format!(
            "\u{feff}date,account,bank_ref,amount,description,counterparty\n\
             2025-12-01 09:12,7111000111,FT2533501,\"50.000\",\"IBFT {r1_low} {compact}\",CONG TY XANH\n\
             2025-12-01 09:15,0071000222333,FT2533502,1500000,CT DEN {r2} thanh toan,CONG TY XANH\n\
             2025-12-01 10:00,0071000222333,FT2533503,200000,chuyen tien hoc phi,NGUYEN VAN B\n",
            r1_low = r1.to_lowercase(),
        );
        let import = |body: String| {
            app.client
                .post(format!(
                    "{}/api/v1/statements?source=bank&name=saoke.csv",
                    app.base
                ))
                .bearer_auth(&officer)
                .header("content-type", "text/csv")
                .body(body)
                .send()
        };
        let resp = import(csv.clone()).await.unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(
            (v["added"].as_i64(), v["repeated"].as_i64()),
            (Some(3), Some(0)),
            "{v}"
        );
        let mut credited: Vec<String> = v["credited"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect();
        credited.sort();
        let mut both = vec![r1.clone(), r2.clone()];
        both.sort();
        assert_eq!(credited, both, "{v}");
        assert_eq!(taken(&app, A).await, 50_000);
        assert_eq!(taken(&app, DEPT).await, 1_500_000);
        // The report: both matched, each on its own account; the stray line unmatched.
        let totals = &v["report"]["totals"];
        assert_eq!(totals["matched"]["count"], 2, "{v}");
        assert_eq!(totals["unmatched"]["count"], 1, "{v}");
        let per_account: Vec<(String, i64)> = v["report"]["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["account"].as_str().unwrap().to_owned(),
                    a["totals"]["matched"]["sum_vnd"].as_i64().unwrap(),
                )
            })
            .collect();
        assert!(
            per_account.contains(&("7111000111".to_owned(), 50_000)),
            "{per_account:?}"
        );
        assert!(
            per_account.contains(&("0071000222333".to_owned(), 1_500_000)),
            "{per_account:?}"
        );

        // The same statement again: nothing new, nothing credited twice.
        let v: Value = import(csv).await.unwrap().json().await.unwrap();
        assert_eq!(
            (v["added"].as_i64(), v["repeated"].as_i64()),
            (Some(0), Some(3)),
            "{v}"
        );
        assert!(v["credited"].as_array().unwrap().is_empty());
        assert_eq!(taken(&app, DEPT).await, 1_500_000);

        // A bad file is refused whole, with the line.
        let resp =
            import("date,account,bank_ref,amount,description\n2025-12-01,1,X1,12.5,a\n".into())
                .await
                .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["code"], "statement_amount_invalid", "{v}");
        assert_eq!(v["errors"][0]["field"], "line.2", "{v}");

        // The report as Excel.
        let resp = app
            .client
            .get(format!(
                "{}/api/v1/reconciliation?from=2025-12-01&format=xlsx",
                app.base
            ))
            .bearer_auth(&officer)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = resp.bytes().await.unwrap();
        assert_eq!(&bytes[..2], b"PK");
        // Citizens do not reconcile.
        let (s, _) = app
            .get(Some(&citizen), "/api/v1/reconciliation?from=2025-12-01")
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}
