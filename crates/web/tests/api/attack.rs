//! The attack-input suite, in one place: path traversal in file names and addresses,
//! oversized bodies, script in text fields, forms without their CSRF token or from
//! another site, the API driven by a cookie alone, another agency's or citizen's
//! identifiers, SQL fragments and malformed JSON. Every attempt is counted; the suite
//! passes when none succeeds and none makes the server fail (5xx).

use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, ORIGIN};
use serde_json::json;

use crate::{A, TestApp, birth, no_redirects, spawn_app};

/// What happened to each attempt.
#[derive(Default)]
struct Tally {
    attempts: u32,
    successes: Vec<String>,
    server_errors: Vec<String>,
}

impl Tally {
    /// Records one attempt: `succeeded` says whether the attack got through.
    fn record(&mut self, name: &str, status: StatusCode, succeeded: bool) {
        self.attempts += 1;
        if status.is_server_error() {
            self.server_errors.push(format!("{name}: {status}"));
        }
        if succeeded {
            self.successes.push(format!("{name}: {status}"));
        }
    }
}

async fn raw(
    app: &TestApp,
    req: reqwest::RequestBuilder,
) -> (StatusCode, String, reqwest::header::HeaderMap) {
    let _ = app;
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    (status, resp.text().await.unwrap_or_default(), headers)
}

fn pdf(size: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n".to_vec();
    b.resize(size, b' ');
    b
}

#[tokio::test]
async fn attack_inputs_never_succeed_and_never_fail_the_server() {
    let app = spawn_app("sqlite").await.unwrap();
    let mut t = Tally::default();
    let citizen = app.login("citizen").await;
    let citizen2 = app.login("citizen2").await;
    let officer = app.login("officer").await;
    let officer_b = app.login("officer_b").await;
    let admin = app.login("admin").await;

    // A dossier whose text fields carry script.
    let mut body = birth(A);
    body["applicant"]["name"] = json!("<script>alert(1)</script>Nguyễn Văn An");
    body["applicant"]["address"] = json!("\"><img src=x onerror=alert(2)>");
    body["form_data"]["tre_ho_ten"] = json!("<svg onload=alert(3)>Bình");
    let filed = app.file(&citizen, body).await;
    let code = filed["code"].as_str().unwrap().to_owned();

    // 1. Path traversal in file names: accepted under a cleaned name, stored under a
    //    generated key; nothing lands outside the files directory.
    for name in [
        "../../../../tmp/motcua-pwned.pdf",
        "..\\..\\..\\windows\\system32\\evil.pdf",
        "/etc/passwd",
        "....//....//x.pdf",
        "%2e%2e%2f%2e%2e%2fx.pdf",
        "giay\u{202E}fdp.exe",
        "a\u{0}b.pdf",
    ] {
        let (s, v) = app.upload_pdf(&citizen, &code, name, pdf(1_000)).await;
        let stored = v[0]["name"].as_str().unwrap_or("");
        let bad = s.is_success()
            && (stored.contains('/')
                || stored.contains('\\')
                || stored.starts_with('.')
                || stored.contains('\u{202E}')
                || stored.contains('\u{0}'));
        t.record(&format!("upload name {name:?} → {stored:?}"), s, bad);
    }
    t.record(
        "file written outside the store",
        StatusCode::OK,
        std::path::Path::new("/tmp/motcua-pwned.pdf").exists(),
    );
    let (_, listed) = app
        .get(
            Some(&officer),
            &format!("/api/v1/dossiers/{code}/attachments"),
        )
        .await;
    let attachment_id = listed[0]["id"].as_str().unwrap().to_owned();

    // 2. Path traversal in addresses.
    for path in [
        "/api/v1/dossiers/..%2F..%2Fetc%2Fpasswd".to_owned(),
        format!("/api/v1/dossiers/{code}/attachments/..%2F..%2F..%2Fetc%2Fpasswd"),
        format!("/api/v1/dossiers/{code}/documents/..%2F..%2FCargo.toml"),
        format!("/api/v1/dossiers/{code}/documents/receipt.pdf%00.html"),
        "/static/..%2F..%2F..%2FCargo.toml".to_owned(),
        "/static/%2e%2e%2f%2e%2e%2fCargo.toml".to_owned(),
        "/static/....//....//Cargo.toml".to_owned(),
        "/thu-tuc/..%2F..%2Fetc%2Fpasswd".to_owned(),
        format!("/can-bo/ho-so/{code}/tep/..%2F..%2Fapi.sqlite"),
    ] {
        let (s, body, _) = raw(
            &app,
            app.client
                .get(format!("{}{path}", app.base))
                .bearer_auth(&officer)
                .header(COOKIE, format!("mc_session={officer}")),
        )
        .await;
        let leaked = body.contains("[workspace]")
            || body.contains("root:")
            || body.contains("SQLite format");
        t.record(&format!("GET {path}"), s, s.is_success() && leaked);
    }

    // 3. Oversized bodies: refused with 413, nothing stored.
    let huge = json!({"procedure": "1.001193", "agency": A, "applicant": {"name": "x".repeat(3 * 1024 * 1024)}});
    let (s, v) = app.post(Some(&citizen), "/api/v1/dossiers", huge).await;
    t.record("3 MB JSON dossier", s, s.is_success());
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("body_too_large")),
        "{v}"
    );
    let (s, v) = app
        .upload_pdf(&citizen, &code, "lon.pdf", pdf(300_000))
        .await;
    t.record("300 kB file over a 200 kB limit", s, s.is_success());
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    let (s, _, _) = raw(
        &app,
        app.client
            .post(format!("{}/dang-nhap", app.base))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!(
                "username=officer&password={}",
                "a".repeat(3 * 1024 * 1024)
            )),
    )
    .await;
    t.record("3 MB login form", s, s.is_success() || s.is_redirection());
    let (s, _, _) = raw(
        &app,
        app.client
            .post(format!("{}/api/v1/auth/login", app.base))
            .header(CONTENT_TYPE, "application/json")
            .body("[".repeat(100_000)),
    )
    .await;
    t.record("100,000-deep JSON", s, s.is_success());

    // 4. Script in text fields: every page that shows them escapes them, under a CSP
    //    without inline script.
    for (who, path) in [
        (&officer, format!("/can-bo/ho-so/{code}")),
        (&officer, "/can-bo".to_owned()),
        (&citizen, format!("/ho-so-cua-toi/{code}")),
        (&citizen, "/ho-so-cua-toi".to_owned()),
        (&admin, format!("/quan-tri/nhat-ky?target={code}")),
        (&citizen, format!("/tra-cuu/{code}")),
    ] {
        let (s, body, headers) = raw(
            &app,
            app.client
                .get(format!("{}{path}", app.base))
                .header(COOKIE, format!("mc_session={who}")),
        )
        .await;
        let csp = headers
            .get(CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let unescaped = ["<script>alert(1)", "<img src=x onerror", "<svg onload"]
            .iter()
            .any(|p| body.contains(p));
        let weak_csp = !csp.contains("script-src 'self'") || csp.contains("unsafe-inline");
        t.record(&format!("script shown on {path}"), s, unescaped || weak_csp);
        assert_eq!(s, StatusCode::OK, "{path}");
    }

    // 5. Forms without their CSRF token, with a wrong one, or from another site.
    let status_of = |code: String| {
        let store = app.store.clone();
        async move { store.dossier(&code).await.unwrap().unwrap().status }
    };
    let before = status_of(code.clone()).await;
    for (label, who, path, form, origin) in [
        (
            "act without token",
            &officer,
            format!("/can-bo/ho-so/{code}/thao-tac/receive"),
            "".to_owned(),
            None,
        ),
        (
            "act with a wrong token",
            &officer,
            format!("/can-bo/ho-so/{code}/thao-tac/receive"),
            "_csrf=0123".to_owned(),
            None,
        ),
        (
            "act from another site",
            &officer,
            format!("/can-bo/ho-so/{code}/thao-tac/receive"),
            format!("_csrf={}", motcua_web::auth::csrf_token(&officer)),
            Some("https://evil.example"),
        ),
        (
            "withdraw without token",
            &citizen,
            format!("/ho-so-cua-toi/{code}/rut"),
            "reason=x".to_owned(),
            None,
        ),
        (
            "logout without token",
            &citizen,
            "/dang-xuat".to_owned(),
            "all=1".to_owned(),
            None,
        ),
        (
            "new officer without token",
            &admin,
            "/quan-tri/can-bo".to_owned(),
            "username=mallory&full_name=M&password=Mallory-2026-x&role=admin&agency=H79.50.01"
                .to_owned(),
            None,
        ),
        (
            "officer's token on a citizen's form",
            &citizen,
            format!("/ho-so-cua-toi/{code}/rut"),
            format!("_csrf={}&reason=x", motcua_web::auth::csrf_token(&officer)),
            None,
        ),
    ] {
        let mut req = no_redirects()
            .post(format!("{}{path}", app.base))
            .header(COOKIE, format!("mc_session={who}"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form);
        if let Some(o) = origin {
            req = req.header(ORIGIN, o);
        }
        let (s, _, _) = raw(&app, req).await;
        t.record(label, s, s.is_success() || s.is_redirection());
        assert_eq!(s, StatusCode::FORBIDDEN, "{label}");
    }
    t.record(
        "state changed by a forged form",
        StatusCode::OK,
        status_of(code.clone()).await != before,
    );
    t.record(
        "session ended by a forged logout",
        StatusCode::OK,
        app.get(Some(&citizen), "/api/v1/me").await.0 != StatusCode::OK,
    );
    t.record(
        "officer made by a forged form",
        StatusCode::OK,
        app.store
            .account_for_login("mallory")
            .await
            .unwrap()
            .is_some(),
    );
    // The API answers bearer tokens only: a cookie alone (what a forged cross-site
    // request carries) is not a login there.
    for (method, path) in [
        ("POST", format!("/api/v1/dossiers/{code}/actions/receive")),
        ("POST", "/api/v1/auth/logout-all".to_owned()),
        ("POST", "/api/v1/tokens".to_owned()),
    ] {
        let req = if method == "POST" {
            app.client
                .post(format!("{}{path}", app.base))
                .json(&json!({"name": "x", "scopes": ["audit:read"]}))
        } else {
            app.client.get(format!("{}{path}", app.base))
        };
        let (s, _, _) = raw(&app, req.header(COOKIE, format!("mc_session={officer}"))).await;
        t.record(&format!("cookie-only {method} {path}"), s, s.is_success());
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{path}");
    }

    // 6. Another agency's and another citizen's identifiers.
    let other = [
        ("GET", &officer_b, format!("/api/v1/dossiers/{code}")),
        (
            "GET",
            &officer_b,
            format!("/api/v1/dossiers/{code}/attachments"),
        ),
        (
            "GET",
            &officer_b,
            format!("/api/v1/dossiers/{code}/attachments/{attachment_id}"),
        ),
        (
            "GET",
            &officer_b,
            format!("/api/v1/dossiers/{code}/documents/receipt.pdf"),
        ),
        (
            "GET",
            &officer_b,
            format!("/api/v1/agencies/{A}/register?from=2025-01-01&to=2026-12-31"),
        ),
        (
            "POST",
            &officer_b,
            format!("/api/v1/dossiers/{code}/actions/receive"),
        ),
        (
            "POST",
            &officer_b,
            format!("/api/v1/dossiers/{code}/actions/refuse"),
        ),
        ("GET", &citizen2, format!("/api/v1/dossiers/{code}")),
        (
            "GET",
            &citizen2,
            format!("/api/v1/dossiers/{code}/attachments/{attachment_id}"),
        ),
        (
            "GET",
            &citizen2,
            format!("/api/v1/dossiers/{code}/documents/receipt.pdf"),
        ),
        (
            "POST",
            &citizen2,
            format!("/api/v1/dossiers/{code}/actions/withdraw"),
        ),
        ("POST", &citizen2, format!("/api/v1/dossiers/{code}/rating")),
        ("POST", &citizen, "/api/v1/applicants/find".to_owned()),
        ("GET", &citizen, "/api/v1/audit".to_owned()),
        ("GET", &officer, "/api/v1/audit".to_owned()),
    ];
    for (method, who, path) in other {
        let (s, v) = if method == "GET" {
            app.get(Some(who), &path).await
        } else {
            let body = if path.ends_with("/receive") {
                json!({})
            } else if path.ends_with("/rating") {
                json!({"level": "satisfied"})
            } else if path.ends_with("/find") {
                json!({"id_number": "001099012345"})
            } else {
                json!({"reason": "x"})
            };
            app.post(Some(who), &path, body).await
        };
        t.record(&format!("{method} {path} as another"), s, s.is_success());
        assert!(
            s == StatusCode::NOT_FOUND || s == StatusCode::FORBIDDEN,
            "{method} {path}: {s} {v}"
        );
    }
    for path in [
        format!("/can-bo/ho-so/{code}"),
        format!("/can-bo/ho-so/{code}/tep/{attachment_id}"),
    ] {
        let (s, _, _) = raw(
            &app,
            app.client
                .get(format!("{}{path}", app.base))
                .header(COOKIE, format!("mc_session={officer_b}")),
        )
        .await;
        t.record(&format!("page {path} as officer_b"), s, s.is_success());
    }
    let (s, _, _) = raw(
        &app,
        app.client
            .get(format!("{}/ho-so-cua-toi/{code}", app.base))
            .header(COOKIE, format!("mc_session={citizen2}")),
    )
    .await;
    t.record("citizen page as citizen2", s, s.is_success());
    // The dossier's attachment under another dossier's code.
    let theirs = app.file(&citizen2, birth(A)).await;
    let their_code = theirs["code"].as_str().unwrap();
    let (s, _) = app
        .get(
            Some(&citizen2),
            &format!("/api/v1/dossiers/{their_code}/attachments/{attachment_id}"),
        )
        .await;
    t.record("attachment id under another dossier", s, s.is_success());

    // 7. SQL fragments and odd queries: answered as plain text, never widening access.
    for q in [
        "' OR '1'='1",
        "1; DROP TABLE dossiers; --",
        "%' UNION SELECT password_hash FROM accounts --",
        "\\",
        "\u{0}",
    ] {
        let enc = q
            .replace('%', "%25")
            .replace(' ', "%20")
            .replace('\'', "%27")
            .replace(';', "%3B")
            .replace('\\', "%5C")
            .replace('\u{0}', "%00");
        let (s, v) = app
            .get(Some(&officer_b), &format!("/api/v1/dossiers?q={enc}"))
            .await;
        let widened = v.to_string().contains(&code);
        t.record(
            &format!("dossier search {q:?}"),
            s,
            s.is_success() && widened,
        );
        let (s, v) = app.get(None, &format!("/api/v1/procedures?q={enc}")).await;
        t.record(
            &format!("procedure search {q:?}"),
            s,
            v.to_string().contains("password_hash") || v.to_string().contains("argon2"),
        );
        let (s, _) = app.get(None, &format!("/api/v1/lookup/{enc}")).await;
        t.record(&format!("lookup {q:?}"), s, s.is_success());
        let (s, v) = app
            .get(Some(&admin), &format!("/api/v1/audit?actor={enc}"))
            .await;
        t.record(
            &format!("audit search {q:?}"),
            s,
            s.is_success() && v["items"].as_array().is_some_and(|i| !i.is_empty()),
        );
    }
    // Tables are all still there.
    let (s, v) = app
        .get(Some(&officer), &format!("/api/v1/dossiers/{code}"))
        .await;
    t.record(
        "dossier still readable after the SQL fragments",
        s,
        s != StatusCode::OK || v["code"] != code.as_str(),
    );

    eprintln!(
        "attack-input suite: {} attempts, {} successes, {} server errors",
        t.attempts,
        t.successes.len(),
        t.server_errors.len()
    );
    assert!(
        t.successes.is_empty(),
        "attacks that got through: {:#?}",
        t.successes
    );
    assert!(
        t.server_errors.is_empty(),
        "attacks that made the server fail: {:#?}",
        t.server_errors
    );
    assert!(
        t.attempts >= 70,
        "the suite shrank: {} attempts",
        t.attempts
    );
}
