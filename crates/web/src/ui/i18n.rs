//! Translations (Fluent): every text of the pages comes from `i18n/vi.ftl` (Vietnamese,
//! the default) or `i18n/en.ftl`; templates hold no text of their own.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt (default).
    Vi,
    /// English.
    En,
}

impl Lang {
    /// From a cookie or query value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// BCP 47 code, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }
}

/// The catalogues, as shipped.
pub const VI: &str = include_str!("../../i18n/vi.ftl");
/// English catalogue.
pub const EN: &str = include_str!("../../i18n/en.ftl");

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: &str, source: &str) -> Bundle {
    let id = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: they show up in copied text.
    b.set_use_isolating(false);
    match FluentResource::try_new(source.to_owned()) {
        Ok(res) | Err((res, _)) => {
            let _ = b.add_resource(res);
        }
    }
    b
}

fn bundles() -> &'static (Bundle, Bundle) {
    static B: OnceLock<(Bundle, Bundle)> = OnceLock::new();
    B.get_or_init(|| (bundle("vi", VI), bundle("en", EN)))
}

/// Looks texts up in the page's language, falling back to Vietnamese.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    /// The language.
    pub lang: Lang,
}

impl Tr {
    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let (vi, en) = bundles();
        let order: [&Bundle; 2] = match self.lang {
            Lang::Vi => [vi, vi],
            Lang::En => [en, vi],
        };
        for b in order {
            if let Some(msg) = b.get_message(key)
                && let Some(pattern) = msg.value()
            {
                let mut errors = Vec::new();
                return b.format_pattern(pattern, args, &mut errors).into_owned();
            }
        }
        key.to_owned()
    }

    /// The text for `key`.
    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The text for `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value.to_string()));
        self.format(key, Some(&args))
    }

    /// The text for `key` with two number arguments.
    pub fn t2(
        &self,
        key: &str,
        a: &str,
        av: impl std::borrow::Borrow<i64>,
        b: &str,
        bv: impl std::borrow::Borrow<i64>,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(a.to_owned(), FluentValue::from(*av.borrow()));
        args.set(b.to_owned(), FluentValue::from(*bv.borrow()));
        self.format(key, Some(&args))
    }

    /// The text for `key` with a number argument (plural rules apply).
    pub fn tn(&self, key: &str, name: &str, value: impl std::borrow::Borrow<i64>) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(*value.borrow()));
        self.format(key, Some(&args))
    }

    /// Label of a dossier status (`received` → "Đã tiếp nhận").
    pub fn status(&self, status: &str) -> String {
        self.t(&format!("status-{}", status.replace('_', "-")))
    }

    /// Label of an action (`request-supplement` → "Yêu cầu bổ sung").
    pub fn action(&self, action: &str) -> String {
        self.t(&format!("action-{action}"))
    }

    /// Label of a channel.
    pub fn channel(&self, channel: &str) -> String {
        self.t(&format!("channel-{channel}"))
    }

    /// Label of a role.
    pub fn role(&self, role: &str) -> String {
        self.t(&format!("role-{}", role.replace('_', "-")))
    }

    /// A processing time limit (`5 ngày làm việc`, `5 working days`).
    pub fn limit(&self, limit: &motcua_calendar::TimeLimit) -> String {
        use motcua_calendar::TimeLimit as L;
        match *limit {
            L::Immediately => self.t("limit-immediately"),
            L::WorkingHours(n) => self.tn("limit-working-hours", "n", i64::from(n)),
            L::WorkingDays(n) => self.tn("limit-working-days", "n", i64::from(n)),
            L::Days(n) => self.tn("limit-days", "n", i64::from(n)),
            L::Months(n) => self.tn("limit-months", "n", i64::from(n)),
        }
    }

    /// Whether a key exists in the Vietnamese catalogue.
    pub fn has(key: &str) -> bool {
        bundles().0.has_message(key)
    }
}
