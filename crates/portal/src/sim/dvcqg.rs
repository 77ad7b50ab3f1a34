//! The `/dvcqg` services as the portal answers them (spec §9.2–3): every message is
//! read and checked whole before anything is stored, so a refused call leaves the
//! portal copy exactly as it was.

use chrono::{DateTime, Utc};
use motcua_domain::portal::validate::summarize;
use motcua_domain::portal::{
    DossierRecord, PortalStatus, Problem, ProcessStep, TransitionCheck, check_transition,
    validate_record, validate_steps,
};
use serde_json::{Value, json};

use super::state::{CopyOrigin, Inner, PortalCopy, RecordVersion, Settings, StepEntry};
use crate::protocol::{code, parse_is_updating, service};

fn reply(code: i64, message: impl Into<String>) -> Value {
    json!({"error_code": code.to_string(), "message": message.into()})
}

fn ok_data(message: &str, data: Value) -> Value {
    json!({"error_code": "0", "message": message, "data": data})
}

/// The `data` items: an array, or one object.
fn items(body: &Value) -> Vec<Value> {
    match body.get("data") {
        Some(Value::Array(a)) => a.clone(),
        Some(v @ Value::Object(_)) => vec![v.clone()],
        _ => Vec::new(),
    }
}

fn text<'a>(body: &'a Value, key: &str) -> &'a str {
    body.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn label(status: u8) -> String {
    PortalStatus::from_code(status).map_or_else(
        || status.to_string(),
        |p| format!("{} ({})", p.code(), p.label_vi()),
    )
}

/// Answers one `/dvcqg` body. Counts the call, and the refusal if any.
pub(crate) fn handle(
    settings: &Settings,
    inner: &mut Inner,
    raw: &[u8],
    now: DateTime<Utc>,
) -> Value {
    let answer = answer(settings, inner, raw, now);
    if answer.get("error_code").and_then(Value::as_str) != Some("0") {
        inner.stats.rejected += 1;
    }
    answer
}

fn answer(settings: &Settings, inner: &mut Inner, raw: &[u8], now: DateTime<Utc>) -> Value {
    let Ok(body) = serde_json::from_slice::<Value>(raw) else {
        return reply(code::INVALID, "Dữ liệu gửi lên không phải JSON hợp lệ");
    };
    let name = text(&body, "service").to_owned();
    *inner.stats.calls.entry(name.clone()).or_default() += 1;
    let madonvi = text(&body, "madonvi");
    if madonvi.trim().is_empty() {
        return reply(code::INVALID, "Thiếu mã đơn vị (madonvi)");
    }
    if !settings.agencies.is_empty() && !settings.agencies.iter().any(|a| a.code == madonvi) {
        return reply(
            code::UNSUPPORTED,
            format!("Mã đơn vị {madonvi} không có trong danh mục cơ quan"),
        );
    }
    match name.as_str() {
        service::SYNC_DOSSIER => sync(settings, inner, &body, now),
        service::PUSH_STEPS => steps(inner, &body, now),
        service::LOOKUP_DOSSIER => {
            let code = text(&body, "mahoso");
            let found: Vec<&DossierRecord> = inner
                .dossiers
                .get(code)
                .map(|c| &c.latest)
                .into_iter()
                .collect();
            ok_data("Thành công", json!(found))
        }
        service::PROCEDURES => ok_data("Thành công", json!(settings.procedures)),
        service::PROCEDURE => {
            let code = text(&body, "maTTHC");
            let found: Vec<_> = settings
                .procedures
                .iter()
                .filter(|p| p.code == code)
                .collect();
            ok_data("Thành công", json!(found))
        }
        service::AGENCIES => ok_data("Thành công", json!(settings.agencies)),
        service::SECTORS => ok_data("Thành công", json!(settings.sectors)),
        "" => reply(code::INVALID, "Thiếu tên dịch vụ (service)"),
        other => reply(
            code::UNSUPPORTED,
            format!("Dịch vụ {other} không được hỗ trợ"),
        ),
    }
}

/// Reads every item as `T`, or says which one is unreadable.
fn read_all<T: serde::de::DeserializeOwned>(data: Vec<Value>) -> Result<Vec<T>, Value> {
    data.into_iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::from_value(v)
                .map_err(|e| reply(code::INVALID, format!("data[{i}] không đọc được: {e}")))
        })
        .collect()
}

/// `DongBoHoSoMC`.
fn sync(settings: &Settings, inner: &mut Inner, body: &Value, now: DateTime<Utc>) -> Value {
    let Some(updating) = parse_is_updating(text(body, "isUpdating")) else {
        return reply(code::INVALID, "isUpdating phải là \"True\" hoặc \"False\"");
    };
    let data = items(body);
    if data.is_empty() {
        return reply(code::INVALID, "Không có hồ sơ nào trong data");
    }
    let records: Vec<DossierRecord> = match read_all(data) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let mut problems: Vec<Problem> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        for mut p in validate_record(r, &settings.procedure_codes) {
            if records.len() > 1 {
                p.field = format!("data[{i}].{}", p.field);
            }
            problems.push(p);
        }
        if records.iter().take(i).any(|o| o.code == r.code) {
            problems.push(Problem {
                code: "portal_code_repeated",
                field: format!("data[{i}].MaHoSo"),
                reason: format!("Hồ sơ {} xuất hiện hai lần trong một lần gửi", r.code),
                reason_en: "the same dossier twice in one call".into(),
            });
        }
    }
    if !problems.is_empty() {
        return reply(code::INVALID, summarize(&problems));
    }
    // Existence and status changes, all checked before anything is stored.
    for r in &records {
        match (inner.dossiers.get(&r.code), updating) {
            (Some(_), false) => {
                return reply(
                    code::EXISTS,
                    format!("Hồ sơ {} đã tồn tại trên Cổng DVCQG", r.code),
                );
            }
            (None, true) => {
                return reply(
                    code::NOT_FOUND,
                    format!("Không tìm thấy hồ sơ {} để cập nhật", r.code),
                );
            }
            (Some(copy), true) => {
                let (Some(from), Some(to)) = (
                    PortalStatus::from_code(copy.latest.status),
                    PortalStatus::from_code(r.status),
                ) else {
                    continue;
                };
                if check_transition(from, to) == TransitionCheck::Forbidden {
                    return reply(
                        code::TRANSITION,
                        format!(
                            "Không được chuyển hồ sơ {} từ trạng thái {} sang {}",
                            r.code,
                            label(from.code()),
                            label(to.code())
                        ),
                    );
                }
            }
            (None, false) => {}
        }
    }
    for r in records {
        let version = RecordVersion {
            received_at: now,
            is_updating: updating,
            record: r.clone(),
        };
        inner.stats.records_accepted += 1;
        match inner.dossiers.get_mut(&r.code) {
            Some(copy) => {
                copy.latest = r;
                copy.versions.push(version);
            }
            None => {
                inner.dossiers.insert(
                    r.code.clone(),
                    PortalCopy {
                        origin: CopyOrigin::Province,
                        latest: r,
                        versions: vec![version],
                        steps: Vec::new(),
                    },
                );
            }
        }
    }
    reply(code::OK, "Đồng bộ hồ sơ thành công")
}

/// `CapNhatTienDoHoSoMC`.
fn steps(inner: &mut Inner, body: &Value, now: DateTime<Utc>) -> Value {
    let steps: Vec<ProcessStep> = match read_all(items(body)) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let problems = validate_steps(&steps);
    if !problems.is_empty() {
        return reply(code::INVALID, summarize(&problems));
    }
    if let Some(s) = steps.iter().find(|s| !inner.dossiers.contains_key(&s.code)) {
        return reply(
            code::NOT_FOUND,
            format!(
                "Không tìm thấy hồ sơ {}: đồng bộ hồ sơ trước khi cập nhật tiến độ",
                s.code
            ),
        );
    }
    let count = steps.len();
    for step in steps {
        if let Some(copy) = inner.dossiers.get_mut(&step.code) {
            copy.steps.push(StepEntry {
                received_at: now,
                step,
            });
        }
    }
    inner.stats.steps_accepted += count as u64;
    reply(code::OK, "Cập nhật tiến độ hồ sơ thành công")
}
