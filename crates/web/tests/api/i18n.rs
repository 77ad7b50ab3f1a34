//! Every text of the pages is in both catalogues, and templates hold none of their own.

use std::collections::BTreeSet;

fn keys(ftl: &str) -> Vec<String> {
    ftl.lines()
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k))
        .filter(|k| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .map(str::to_owned)
        .collect()
}

fn sources() -> Vec<(String, String)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let mut out = Vec::new();
    for dir in ["templates", "src/ui"] {
        for entry in std::fs::read_dir(format!("{root}{dir}")).unwrap() {
            let path = entry.unwrap().path();
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    out
}

/// Keys named literally: `t("…")`, `t1("…"`, `t2("…"`, `tn("…"`.
fn used_keys() -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for (_, text) in sources() {
        for call in [".t(\"", ".t1(\"", ".t2(\"", ".tn(\""] {
            for part in text.split(call).skip(1) {
                if let Some(key) = part.split('"').next()
                    && !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    used.insert(key.to_owned());
                }
            }
        }
    }
    used
}

#[test]
fn both_catalogues_have_the_same_keys_and_every_used_key() {
    let vi = keys(motcua_web::ui::i18n::VI);
    let en = keys(motcua_web::ui::i18n::EN);
    assert_eq!(
        vi, en,
        "vi.ftl and en.ftl must list the same keys in the same order"
    );
    let have: BTreeSet<String> = vi.into_iter().collect();
    let mut needed = used_keys();
    // Keys built from data: statuses, actions, channels, roles, verdicts, flashes.
    for s in motcua_domain::Status::ALL {
        needed.insert(format!("status-{}", s.as_str().replace('_', "-")));
    }
    for a in motcua_domain::ActionKind::ALL {
        needed.insert(format!("action-{}", a.as_str()));
        if !matches!(
            a,
            motcua_domain::ActionKind::Submit | motcua_domain::ActionKind::Rate
        ) {
            needed.insert(format!("flash-{}", a.as_str()));
        }
    }
    for c in ["counter", "online", "post", "assisted"] {
        needed.insert(format!("channel-{c}"));
    }
    for r in motcua_domain::Role::ALL {
        needed.insert(format!("role-{}", r.as_str().replace('_', "-")));
    }
    for k in [
        "applicant-name",
        "applicant-id-number",
        "applicant-phone",
        "applicant-email",
        "applicant-address",
    ] {
        needed.insert(k.to_owned());
        needed.insert(format!("{k}-hint"));
    }
    let missing: Vec<&String> = needed.iter().filter(|k| !have.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "keys used but not in the catalogues: {missing:?}"
    );
}

#[test]
fn templates_hold_no_text_of_their_own() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // Drop template tags and expressions, then HTML tags; letters left are text.
        let mut rest = String::new();
        let mut depth_expr = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if !depth_expr && c == '{' && matches!(chars.peek(), Some('{' | '%' | '#')) {
                depth_expr = true;
                chars.next();
                continue;
            }
            if depth_expr {
                if matches!(c, '}' | '%' | '#') && chars.peek() == Some(&'}') {
                    chars.next();
                    depth_expr = false;
                    rest.push(' ');
                }
                continue;
            }
            rest.push(c);
        }
        let mut visible = String::new();
        let mut in_tag = false;
        for c in rest.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => visible.push(c),
                _ => {}
            }
        }
        let letters: String = visible.chars().filter(|c| c.is_alphabetic()).collect();
        // Entities like &nbsp; and &amp; are not text.
        let letters = letters.replace("nbsp", "").replace("amp", "");
        assert!(
            letters.is_empty(),
            "{}: text outside the catalogue: {letters:?}",
            path.display()
        );
        // Attributes people read must come from the catalogue too.
        for attr in ["placeholder=\"", "aria-label=\"", "title=\"", "alt=\""] {
            for part in text.split(attr).skip(1) {
                let value = part.split('"').next().unwrap_or("");
                assert!(
                    value.is_empty() || value.contains("{{"),
                    "{}: {attr}{value}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn time_limits_read_naturally_in_both_languages() {
    use motcua_calendar::TimeLimit;
    use motcua_web::ui::i18n::{Lang, Tr};
    let vi = Tr { lang: Lang::Vi };
    let en = Tr { lang: Lang::En };
    assert_eq!(vi.limit(&TimeLimit::WorkingDays(5)), "5 ngày làm việc");
    assert_eq!(vi.limit(&TimeLimit::Immediately), "trong ngày");
    assert_eq!(en.limit(&TimeLimit::WorkingDays(1)), "1 working day");
    assert_eq!(en.limit(&TimeLimit::WorkingDays(15)), "15 working days");
    assert_eq!(en.limit(&TimeLimit::WorkingHours(4)), "4 working hours");
    assert_eq!(en.limit(&TimeLimit::Months(1)), "1 month");
    // The same as the text printed on receipts by the calendar crate.
    for l in [
        TimeLimit::WorkingHours(8),
        TimeLimit::Days(30),
        TimeLimit::Months(2),
    ] {
        assert_eq!(vi.limit(&l), l.to_string());
    }
}
