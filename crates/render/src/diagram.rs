//! A process drawn as SVG, server-side: one swimlane per acting unit (or agency),
//! steps in columns by how far they are from the receipt, arrows for what waits for
//! what, and each step's share of the time limit written in. The citizen's version
//! drops the lanes and the roles and keeps the steps and their times.
//!
//! Plain SVG 1.1 with system fonts, so that it prints, scales on a phone and opens in
//! any tool that reads the `process.svg` endpoint.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use motcua_domain::process::{Process, StepDef};

/// Which drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagramMode {
    /// Swimlanes, roles, shares: for officers and administrators.
    Officer,
    /// Steps and times only.
    Citizen,
}

/// What the drawing needs to know beyond the process.
pub struct DiagramLabels<'a> {
    /// Title line (procedure code and name).
    pub title: &'a str,
    /// The lane a step belongs to (unit or agency name), for the officer's version.
    pub lane: &'a dyn Fn(&StepDef) -> String,
    /// Working minutes in a day, for writing shares as days.
    pub minutes_per_day: u32,
}

impl std::fmt::Debug for DiagramLabels<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiagramLabels")
            .field("title", &self.title)
            .field("minutes_per_day", &self.minutes_per_day)
            .finish_non_exhaustive()
    }
}

const LANE_LABEL_W: u32 = 190;
const COL_W: u32 = 210;
const BOX_W: u32 = 180;
const BOX_H: u32 = 92;
const GAP_Y: u32 = 14;
const HEAD_H: u32 = 74;
const PAD: u32 = 12;

/// A share written for people: `4 giờ`, `1,5 ngày`, `30 phút`.
pub fn share_label(minutes: u64, minutes_per_day: u32) -> String {
    let per_day = u64::from(minutes_per_day.max(1));
    if minutes >= per_day && (minutes * 2).is_multiple_of(per_day) {
        let halves = minutes * 2 / per_day;
        if halves.is_multiple_of(2) {
            format!("{} ngày", halves / 2)
        } else {
            format!("{},5 ngày", halves / 2)
        }
    } else if minutes.is_multiple_of(60) {
        format!("{} giờ", minutes / 60)
    } else if minutes > 60 {
        format!("{} giờ {} phút", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} phút")
    }
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Splits `text` into at most `lines` lines of about `width` characters, by words;
/// the last line ends with an ellipsis when text was left out.
fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(w) = words.next() {
        let len = cur.chars().count();
        if len > 0 && len + 1 + w.chars().count() > width {
            out.push(std::mem::take(&mut cur));
            if out.len() == lines {
                if let Some(last) = out.last_mut() {
                    last.push('…');
                }
                return out;
            }
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
        if words.peek().is_none() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if out.len() > lines {
        out.truncate(lines);
        if let Some(last) = out.last_mut() {
            last.push('…');
        }
    }
    out
}

/// Each step's column: the number of steps on the longest chain before it.
fn columns(process: &Process) -> Vec<usize> {
    let steps = &process.def.steps;
    let mut col = vec![0usize; steps.len()];
    for &i in &process.order {
        let Some(s) = steps.get(i) else { continue };
        let c = s
            .after
            .iter()
            .filter_map(|p| steps.iter().position(|t| &t.id == p))
            .map(|p| col.get(p).copied().unwrap_or(0) + 1)
            .max()
            .unwrap_or(0);
        if let Some(slot) = col.get_mut(i) {
            *slot = c;
        }
    }
    col
}

/// Draws `process`.
pub fn process_svg(process: &Process, labels: &DiagramLabels<'_>, mode: DiagramMode) -> String {
    let steps = &process.def.steps;
    let col = columns(process);
    // Lanes in the order they first act.
    let mut lanes: Vec<String> = Vec::new();
    let mut lane_of = vec![0usize; steps.len()];
    for &i in &process.order {
        let Some(s) = steps.get(i) else { continue };
        let name = match mode {
            DiagramMode::Officer => (labels.lane)(s),
            DiagramMode::Citizen => String::new(),
        };
        let at = lanes.iter().position(|l| *l == name).unwrap_or_else(|| {
            lanes.push(name);
            lanes.len() - 1
        });
        if let Some(slot) = lane_of.get_mut(i) {
            *slot = at;
        }
    }
    // Steps sharing a lane and a column stack; a lane is as tall as its tallest stack.
    let mut stack: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut slot = vec![0usize; steps.len()];
    for &i in &process.order {
        let key = (
            lane_of.get(i).copied().unwrap_or(0),
            col.get(i).copied().unwrap_or(0),
        );
        let n = stack.entry(key).or_insert(0);
        if let Some(s) = slot.get_mut(i) {
            *s = *n;
        }
        *n += 1;
    }
    let depth = |lane: usize| {
        stack
            .iter()
            .filter(|((l, _), _)| *l == lane)
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(1) as u32
    };
    let lane_h: Vec<u32> = (0..lanes.len())
        .map(|l| depth(l) * (BOX_H + GAP_Y) + GAP_Y)
        .collect();
    let lane_y: Vec<u32> = lane_h
        .iter()
        .scan(HEAD_H, |y, h| {
            let top = *y;
            *y += h;
            Some(top)
        })
        .collect();
    let left = match mode {
        DiagramMode::Officer => LANE_LABEL_W,
        DiagramMode::Citizen => PAD,
    };
    let ncols = col.iter().copied().max().unwrap_or(0) as u32 + 1;
    let width = left + ncols * COL_W + PAD;
    let height = HEAD_H + lane_h.iter().sum::<u32>() + PAD;
    let pos = |i: usize| -> (u32, u32) {
        let lane = lane_of.get(i).copied().unwrap_or(0);
        let x = left + col.get(i).copied().unwrap_or(0) as u32 * COL_W + (COL_W - BOX_W) / 2;
        let y = lane_y.get(lane).copied().unwrap_or(HEAD_H)
            + GAP_Y
            + slot.get(i).copied().unwrap_or(0) as u32 * (BOX_H + GAP_Y);
        (x, y)
    };
    let total = share_label(process.total, labels.minutes_per_day);
    let mut svg = String::new();
    let desc: Vec<String> = process
        .order
        .iter()
        .filter_map(|&i| steps.get(i).map(|s| (i, s)))
        .map(|(i, s)| {
            let share = share_label(
                process.minutes.get(i).copied().unwrap_or(0),
                labels.minutes_per_day,
            );
            format!("{} ({share})", s.name)
        })
        .collect();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d" font-family="'Noto Sans','DejaVu Sans',Arial,sans-serif">
<title id="t">Quy trình: {title}</title>
<desc id="d">Các bước: {desc}. Tổng thời gian: {total}.</desc>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#4a5568"/></marker></defs>
<rect width="{width}" height="{height}" fill="#ffffff"/>
"##,
        title = esc(labels.title),
        desc = esc(&desc.join("; ")),
        total = esc(&total),
    );
    // The title wraps to the drawing's width (procedure names run long).
    let title_lines = wrap(
        labels.title,
        (width.saturating_sub(2 * PAD) / 9).max(30) as usize,
        2,
    );
    for (k, line) in title_lines.iter().enumerate() {
        let _ = writeln!(
            svg,
            r##"<text x="{PAD}" y="{}" font-size="15" font-weight="bold" fill="#1a202c">{}</text>"##,
            20 + k as u32 * 19,
            esc(line)
        );
    }
    let _ = writeln!(
        svg,
        r##"<text x="{PAD}" y="{}" font-size="12" fill="#4a5568">Tổng thời gian theo quy trình: {}</text>"##,
        24 + title_lines.len() as u32 * 19,
        esc(&total)
    );
    if mode == DiagramMode::Officer {
        for (l, name) in lanes.iter().enumerate() {
            let (y, h) = (
                lane_y.get(l).copied().unwrap_or(0),
                lane_h.get(l).copied().unwrap_or(0),
            );
            let fill = if l % 2 == 0 { "#f7fafc" } else { "#edf2f7" };
            let _ = writeln!(
                svg,
                r##"<rect x="0" y="{y}" width="{width}" height="{h}" fill="{fill}" stroke="#cbd5e0"/>"##
            );
            for (k, line) in wrap(name, 24, 4).iter().enumerate() {
                let _ = writeln!(
                    svg,
                    r##"<text x="{PAD}" y="{}" font-size="12" font-weight="bold" fill="#2d3748">{}</text>"##,
                    y + 24 + k as u32 * 16,
                    esc(line)
                );
            }
        }
    }
    // Arrows first, under the boxes.
    for (i, s) in steps.iter().enumerate() {
        let (x2, y2) = pos(i);
        for p in s
            .after
            .iter()
            .filter_map(|p| steps.iter().position(|t| &t.id == p))
        {
            let (x1, y1) = pos(p);
            let (sx, sy, ex, ey) = (x1 + BOX_W, y1 + BOX_H / 2, x2, y2 + BOX_H / 2);
            let mid = sx + (ex.saturating_sub(sx)) / 2;
            let _ = writeln!(
                svg,
                r##"<path d="M{sx} {sy}H{mid}V{ey}H{ex}" fill="none" stroke="#4a5568" stroke-width="1.5" marker-end="url(#arrow)"/>"##
            );
        }
    }
    for (n, &i) in process.order.iter().enumerate() {
        let Some(s) = steps.get(i) else { continue };
        let (x, y) = pos(i);
        let share = share_label(
            process.minutes.get(i).copied().unwrap_or(0),
            labels.minutes_per_day,
        );
        let (stroke, fill) = match s.kind {
            motcua_domain::process::StepKind::Consult => ("#b7791f", "#fffbeb"),
            motcua_domain::process::StepKind::Transfer => ("#6b46c1", "#faf5ff"),
            motcua_domain::process::StepKind::Approve
            | motcua_domain::process::StepKind::SubmitForApproval => ("#2f855a", "#f0fff4"),
            _ => ("#2b6cb0", "#ebf8ff"),
        };
        let dash = if s.kind == motcua_domain::process::StepKind::Consult {
            r#" stroke-dasharray="5 3""#
        } else {
            ""
        };
        let _ = writeln!(
            svg,
            r##"<g><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>"##
        );
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{}" font-size="11" fill="{stroke}" font-weight="bold">B{} · {}</text>"##,
            x + 8,
            y + 16,
            n + 1,
            esc(s.kind.label_vi())
        );
        for (k, line) in wrap(&s.name, 25, 3).iter().enumerate() {
            let _ = writeln!(
                svg,
                r##"<text x="{}" y="{}" font-size="12" fill="#1a202c">{}</text>"##,
                x + 8,
                y + 33 + k as u32 * 15,
                esc(line)
            );
        }
        let foot = match (mode, s.role) {
            (DiagramMode::Officer, Some(role)) => format!("{share} · {}", role.label_vi()),
            _ => share,
        };
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{}" font-size="11" fill="#4a5568">{}</text></g>"##,
            x + 8,
            y + BOX_H - 9,
            esc(&wrap(&foot, 30, 1).join(""))
        );
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_calendar::TimeLimit;
    use motcua_domain::process::ProcessDef;

    const DEF: &str = r#"
procedure: "1.013225"
valid_from: 2025-07-01
steps:
  - {id: a, name: Tiếp nhận hồ sơ, kind: receive, agency: receiving, role: receiving_officer, share: 4h}
  - {id: b, name: "Thẩm định <hồ sơ> & thực địa", kind: process, unit: X.TP, role: specialist, share: 1d, after: [a]}
  - {id: c1, name: Ý kiến Sở A, kind: consult, agency: SA, role: specialist, share: 2d, after: [b]}
  - {id: c2, name: Ý kiến Sở B, kind: consult, agency: SA, role: specialist, share: 1d, after: [b]}
  - {id: d, name: Trả kết quả, kind: return, agency: receiving, role: receiving_officer, share: 4h, after: [c1, c2]}
"#;

    fn process() -> Process {
        ProcessDef::from_yaml(DEF)
            .unwrap()
            .check(TimeLimit::WorkingDays(4), 480, &|_| true)
            .unwrap()
    }

    #[test]
    fn steps_lanes_shares_and_arrows_are_drawn() {
        let p = process();
        let lane = |s: &StepDef| match &s.agency {
            motcua_domain::process::Acting::Agency(a) => format!("Cơ quan {a}"),
            _ => s.unit.clone().unwrap_or_else(|| "Một cửa".into()),
        };
        let labels = DiagramLabels {
            title: "1.013225 Cấp giấy phép xây dựng",
            lane: &lane,
            minutes_per_day: 480,
        };
        let svg = process_svg(&p, &labels, DiagramMode::Officer);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        // Escaped text, every step, its share, and one arrow per predecessor.
        assert!(svg.contains("Thẩm định &lt;hồ sơ&gt; &amp;"));
        assert!(!svg.contains("<hồ sơ>"));
        for text in [
            "Tiếp nhận hồ sơ",
            "Ý kiến Sở A",
            "Ý kiến Sở B",
            "2 ngày",
            "4 giờ",
            "Cơ quan SA",
            "X.TP",
        ] {
            assert!(svg.contains(text), "{text}");
        }
        assert_eq!(svg.matches("marker-end").count(), 5);
        assert!(svg.contains("Tổng thời gian theo quy trình: 4 ngày"));
        // The two consultations share a lane and a column: stacked, not overlapping.
        let y_of = |name: &str| {
            let at = svg.rfind(name).unwrap();
            let rect = svg[..at].rfind("<rect x=").unwrap();
            svg[rect..]
                .split('"')
                .nth(3)
                .unwrap()
                .parse::<u32>()
                .unwrap()
        };
        assert!(y_of("Ý kiến Sở B") >= y_of("Ý kiến Sở A") + BOX_H);
        // The citizen's version: no lanes, no roles.
        let citizen = process_svg(&p, &labels, DiagramMode::Citizen);
        assert!(!citizen.contains("Cơ quan SA") && !citizen.contains("Chuyên viên"));
        assert!(citizen.contains("Ý kiến Sở A") && citizen.contains("2 ngày"));
    }

    #[test]
    fn shares_read_as_days_hours_and_minutes() {
        assert_eq!(share_label(480, 480), "1 ngày");
        assert_eq!(share_label(720, 480), "1,5 ngày");
        assert_eq!(share_label(240, 480), "4 giờ");
        assert_eq!(share_label(90, 480), "1 giờ 30 phút");
        assert_eq!(share_label(30, 480), "30 phút");
    }

    #[test]
    fn long_names_wrap_with_an_ellipsis() {
        assert_eq!(wrap("một hai ba", 7, 3), vec!["một hai", "ba"]);
        let w = wrap("một hai ba bốn năm sáu bảy tám chín mười", 8, 2);
        assert_eq!(w.len(), 2);
        assert!(w[1].ends_with('…'));
    }
}
