//! Charts drawn on the server as SVG: no JavaScript, no CDN, nothing to load. Each is
//! an image with a name and a description (`role="img"`, `<title>`, `<desc>`) and scales
//! to the width of its box (`viewBox`, `width="100%"`), so it reads on a phone; the table
//! of the same figures, for those who cannot see it, is the page's job.
//!
//! Colours come from CSS classes. Each chart carries an inline `<style>` with default
//! colours (at least 4.5:1 against white) so that it also works alone: as a file, an
//! `<img>`, or drawn by tools that know only plain selectors, such as librsvg. The
//! rules are `.mc-chart .<class>`; a page overrides them with a more specific rule
//! (`svg.mc-chart .s-late { fill: … }`) or `!important`. Numbers are written the
//! Vietnamese way (`18.639`, `99,5 %`). Every text that comes from data is escaped.

use std::fmt::Write as _;

use motcua_domain::fee::vnd;

use crate::stats::decimal_vi;

/// Width of every chart in SVG units; the height depends on the content.
const W: f64 = 600.0;
/// Height of the plotting area of the bar and line charts.
const PLOT_H: f64 = 250.0;
/// Font size of labels.
const FONT: f64 = 14.0;
/// Font size of the small numbers on bars.
const SMALL: f64 = 12.0;
/// Room on the right of a plot.
const RIGHT: f64 = 12.0;

/// The class of the default colour of each known series, then the fallback palette by
/// position. All contrast 4.5:1 or more with white.
const KNOWN: [(&str, &str); 4] = [
    ("s-early", "#1a7f37"),
    ("s-on-time", "#0b5cad"),
    ("s-ontime", "#0b5cad"),
    ("s-late", "#c62828"),
];
const PALETTE: [&str; 6] = [
    "#0b5cad", "#1a7f37", "#c62828", "#7b3fb8", "#9a5b00", "#4a4a4a",
];

/// Rules every chart carries.
const BASE_STYLE: &str = ".mc-chart text{font-family:'Noto Sans','DejaVu Sans',Arial,sans-serif;font-size:14px;fill:#1f2328}\
.mc-chart .small{font-size:12px}\
.mc-chart .grid{stroke:#d0d7de;stroke-width:1}\
.mc-chart .axis{stroke:#57606a;stroke-width:1}\
.mc-chart .bar-seg{stroke:#fff;stroke-width:1}\
.mc-chart .rate-line{fill:none;stroke:#0b5cad;stroke-width:3;stroke-linejoin:round;stroke-linecap:round}\
.mc-chart .rate-point{fill:#0b5cad;stroke:#fff;stroke-width:1.5}\
.mc-chart .rate-target{stroke:#9a5b00;stroke-width:2;stroke-dasharray:6 4}\
.mc-chart .h-track{fill:#eaeef2}\
.mc-chart .h-bar{fill:#0b5cad}\
.mc-chart .halo{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}";

/// One series of a stacked bar chart: a value per label, drawn in the colour of `class`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Name, shown in the legend (`Trước hạn`).
    pub name: String,
    /// One value per label; missing values count as zero, negative ones as zero.
    pub values: Vec<i64>,
    /// CSS class of its colour (`s-early`, `s-on-time`, `s-late` have default colours;
    /// others get one by position). Only letters, digits, `-` and `_` are kept.
    pub class: &'static str,
}

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

/// Text or attribute value made safe for XML: the five special characters as entities,
/// and the control characters XML 1.0 forbids dropped.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A class name with only safe characters.
fn class_name(class: &str) -> String {
    let kept: String = class
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if kept.is_empty() {
        "s".to_owned()
    } else {
        kept
    }
}

/// A coordinate: at most two decimals, no trailing zeros (`125`, `62.5`).
fn n(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// A value for people: `99,5`, `100`, `1.234,25` (two decimals at most).
fn number_vi(x: f64) -> String {
    let s = decimal_vi(x);
    match s.split_once(',') {
        Some((whole, "00")) => whole.to_owned(),
        Some((whole, frac)) => format!("{whole},{}", frac.trim_end_matches('0')),
        None => s,
    }
}

/// `99,5 %`.
fn percent_vi(x: f64) -> String {
    format!("{} %", number_vi(x))
}

/// Rough width of a text in SVG units (an average glyph of a sans font).
#[allow(clippy::cast_precision_loss)]
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.56
}

/// `text` cut to about `width` units, with `…` when cut.
fn fit(text: &str, width: f64, size: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_owned();
    }
    // How many glyphs fit, less one for the ellipsis; small and positive.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let keep = ((width / (size * 0.56)).floor().max(2.0) - 1.0) as usize;
    let mut out: String = text.chars().take(keep).collect();
    out.push('…');
    out
}

/// A stable id for the chart's title and description, from its content (two charts
/// on one page differ in content, so in id).
fn chart_id(kind: &str, parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in std::iter::once(kind)
        .chain(parts.iter().copied())
        .flat_map(|p| p.bytes().chain(std::iter::once(0)))
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("mc-{kind}-{h:012x}")
}

/// The opening of a chart: root element, title, description and style.
fn open(kind: &str, height: f64, title: &str, desc: &str, extra_style: &str) -> String {
    let id = chart_id(kind, &[title, desc]);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" \
         preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" \
         class=\"mc-chart mc-{kind}\">\n<title id=\"{id}-t\">{title}</title>\n\
         <desc id=\"{id}-d\">{desc}</desc>\n<style>{BASE_STYLE}{extra_style}</style>\n",
        w = n(W),
        h = n(height),
        title = esc(title),
        desc = esc(desc),
    )
}

/// A "nice" step for about five intervals up to `max` (1, 2 or 5 × 10ⁿ, at least
/// `min_step`), and the top of the axis, a multiple of it.
fn nice_axis(max: f64, min_step: f64) -> (f64, f64) {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        0.0
    };
    let raw = (max / 5.0).max(f64::MIN_POSITIVE);
    let pow = 10f64.powf(raw.log10().floor());
    let m = match raw / pow {
        f if f <= 1.0 => 1.0,
        f if f <= 2.0 => 2.0,
        f if f <= 5.0 => 5.0,
        _ => 10.0,
    };
    let step = (m * pow).max(min_step);
    let top = ((max / step).ceil() * step).max(step);
    (step, top)
}

/// The message drawn in place of a chart without data.
const NO_DATA: &str = "Không có số liệu";

/// Horizontal grid lines and their labels from 0 to `top` every `step`, left of `left`.
fn y_grid(
    out: &mut String,
    left: f64,
    top_y: f64,
    top: f64,
    step: f64,
    label: impl Fn(f64) -> String,
) {
    let mut k = 0.0;
    while k * step <= top * (1.0 + 1e-9) {
        let v = k * step;
        let y = top_y + PLOT_H - v / top * PLOT_H;
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/><text x=\"{}\" y=\"{y}\" dy=\"0.35em\" text-anchor=\"end\">{}</text>",
            n(left),
            n(W - RIGHT),
            n(left - 6.0),
            esc(&label(v)),
            y = n(y),
        );
        k += 1.0;
    }
    let base = n(top_y + PLOT_H);
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\"/>",
        n(left),
        n(W - RIGHT)
    );
}

/// Category labels under the plot, centred on their slot; turned when they do not fit,
/// and only every k-th when even turned they would overlap. Returns the height used.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
fn x_labels(out: &mut String, labels: &[String], left: f64, slot: f64, base_y: f64) -> f64 {
    const MAX_LABEL: f64 = 110.0;
    let widest = labels
        .iter()
        .map(|l| text_width(l, FONT).min(MAX_LABEL))
        .fold(0.0, f64::max);
    let turned = widest > slot - 4.0;
    let every = if turned {
        ((FONT * 1.3) / slot).ceil().max(1.0) as usize
    } else {
        1
    };
    for (i, label) in labels.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let x = left + slot * (i as f64 + 0.5);
        let text = esc(&fit(label, MAX_LABEL, FONT));
        if turned {
            let y = base_y + 10.0;
            let _ = writeln!(
                out,
                "<text x=\"{x}\" y=\"{y}\" dy=\"0.35em\" text-anchor=\"end\" transform=\"rotate(-45 {x} {y})\">{text}</text>",
                x = n(x),
                y = n(y),
            );
        } else {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{text}</text>",
                n(x),
                n(base_y + FONT + 6.0),
            );
        }
    }
    if turned {
        widest * std::f64::consts::FRAC_1_SQRT_2 + FONT + 16.0
    } else {
        FONT + 16.0
    }
}

// ---------------------------------------------------------------------------------
// Stacked bars
// ---------------------------------------------------------------------------------

/// A stacked bar chart: one bar per label, one segment per series (e.g. per month the
/// dossiers resolved early, on time and late), the total over each bar when it fits, a
/// legend on top and a count axis on the left (`1.000`). Each segment has a tooltip
/// (`<title>`) with its label, series and value.
#[allow(clippy::cast_precision_loss)]
pub fn stacked_bars(title: &str, labels: &[String], series: &[Series]) -> String {
    let value = |s: &Series, i: usize| s.values.get(i).copied().unwrap_or(0).max(0);
    let totals: Vec<i64> = (0..labels.len())
        .map(|i| {
            series
                .iter()
                .map(|s| value(s, i))
                .fold(0i64, i64::saturating_add)
        })
        .collect();
    let max_total = totals.iter().copied().max().unwrap_or(0);
    let (step, top) = nice_axis(max_total as f64, 1.0);

    // Legend: swatch and name, wrapped over lines.
    let mut legend = String::new();
    let (mut lx, mut ly) = (8.0, 8.0);
    for s in series {
        let w = 14.0 + 6.0 + text_width(&s.name, FONT).min(W - 40.0) + 18.0;
        if lx + w > W - RIGHT && lx > 8.0 {
            lx = 8.0;
            ly += 24.0;
        }
        let _ = writeln!(
            legend,
            "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"14\" height=\"14\"/><text x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>",
            class_name(s.class),
            n(lx),
            n(ly),
            n(lx + 20.0),
            n(ly + 7.0),
            esc(&fit(&s.name, W - 40.0, FONT)),
        );
        lx += w;
    }
    let plot_top = if series.is_empty() {
        12.0
    } else {
        ly + 24.0 + SMALL + 6.0
    };

    let tick_w = text_width(&vnd(top as i64), FONT);
    let left = (tick_w + 14.0).max(36.0);
    let count = labels.len().max(1) as f64;
    let slot = (W - RIGHT - left) / count;
    let bar_w = (slot * 0.62).min(56.0);

    let mut body = String::new();
    y_grid(&mut body, left, plot_top, top, step, |v| vnd(v as i64));
    let base_y = plot_top + PLOT_H;
    for (i, label) in labels.iter().enumerate() {
        let x = left + slot * (i as f64 + 0.5) - bar_w / 2.0;
        let mut cursor = base_y;
        for s in series {
            let v = value(s, i);
            if v == 0 {
                continue;
            }
            let h = v as f64 / top * PLOT_H;
            cursor -= h;
            let _ = writeln!(
                body,
                "<rect class=\"bar-seg {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
                class_name(s.class),
                n(x),
                n(cursor),
                n(bar_w),
                n(h),
                esc(&format!("{label} — {}: {}", s.name, vnd(v))),
            );
        }
        let total = totals.get(i).copied().unwrap_or(0);
        let text = vnd(total);
        if total > 0 && text_width(&text, SMALL) <= slot - 2.0 {
            let _ = writeln!(
                body,
                "<text class=\"small halo\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{text}</text>",
                n(x + bar_w / 2.0),
                n(cursor - 4.0),
            );
        }
    }
    if labels.is_empty() || max_total == 0 {
        let _ = writeln!(
            body,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{NO_DATA}</text>",
            n(left + (W - RIGHT - left) / 2.0),
            n(plot_top + PLOT_H / 2.0),
        );
    }
    let bottom = x_labels(&mut body, labels, left, slot, base_y);

    let mut style = String::new();
    for (i, s) in series.iter().enumerate() {
        let class = class_name(s.class);
        let fill = KNOWN
            .iter()
            .find(|(k, _)| *k == class)
            .map(|(_, c)| *c)
            .or_else(|| PALETTE.get(i % PALETTE.len()).copied())
            .unwrap_or("#0b5cad");
        let _ = write!(style, ".mc-chart .{class}{{fill:{fill}}}");
    }

    let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    let desc = match (labels.first(), labels.last(), max_total > 0) {
        (Some(first), Some(last), true) => {
            let (at, most) = labels
                .iter()
                .zip(&totals)
                .max_by_key(|(_, t)| **t)
                .map_or(("", 0), |(l, t)| (l.as_str(), *t));
            format!(
                "Biểu đồ cột chồng, {} cột (từ {first} đến {last}), mỗi cột gồm: {}. Cột cao nhất: {at}, {}.",
                labels.len(),
                names.join(", "),
                vnd(most)
            )
        }
        _ => format!("Biểu đồ cột chồng: {}.", NO_DATA.to_lowercase()),
    };

    let height = base_y + bottom;
    let mut svg = open("stacked", height, title, &desc, &style);
    svg.push_str("<g class=\"legend\">\n");
    svg.push_str(&legend);
    svg.push_str("</g>\n<g class=\"plot\">\n");
    svg.push_str(&body);
    svg.push_str("</g>\n</svg>\n");
    svg
}

// ---------------------------------------------------------------------------------
// Rate line
// ---------------------------------------------------------------------------------

/// A line of percentages from 0 to 100 % (e.g. the on-time rate per month): one point
/// per label, the line broken where a value is `None` (no dossier to count), and a
/// dashed line at `target` with its value written at the right. Each point has a
/// tooltip with its label and value (`99,5 %`).
#[allow(clippy::cast_precision_loss)]
pub fn rate_line(
    title: &str,
    labels: &[String],
    rates: &[Option<f64>],
    target: Option<f64>,
) -> String {
    let clamp = |x: f64| x.clamp(0.0, 100.0);
    let value = |i: usize| rates.get(i).copied().flatten().filter(|x| x.is_finite());
    let left = text_width("100 %", FONT) + 14.0;
    let plot_top = 20.0;
    let count = labels.len().max(1) as f64;
    let slot = (W - RIGHT - left) / count;
    let y_of = |x: f64| plot_top + PLOT_H - clamp(x) / 100.0 * PLOT_H;
    let x_of = |i: usize| left + slot * (i as f64 + 0.5);

    let mut body = String::new();
    y_grid(&mut body, left, plot_top, 100.0, 20.0, percent_vi);
    // The target's line under the data, its value written last, where the data leaves
    // room for it.
    let target = target.filter(|t| t.is_finite()).map(clamp);
    if let Some(t) = target {
        let y = y_of(t);
        let _ = writeln!(
            body,
            "<line class=\"rate-target\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>",
            n(left),
            n(W - RIGHT),
            y = n(y),
        );
    }
    // One path per run of consecutive values.
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    for i in 0..labels.len() {
        match value(i) {
            Some(v) => run.push((x_of(i), y_of(v))),
            None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    for r in &runs {
        let mut d = String::new();
        for (j, (x, y)) in r.iter().enumerate() {
            let _ = write!(d, "{}{} {} ", if j == 0 { "M" } else { "L" }, n(*x), n(*y));
        }
        if r.len() == 1 {
            // A lone point: a zero-length stroke with round caps draws a dot.
            d.push_str("h0");
        }
        let _ = writeln!(body, "<path class=\"rate-line\" d=\"{}\"/>", d.trim_end());
    }
    for (i, label) in labels.iter().enumerate() {
        if let Some(v) = value(i) {
            let _ = writeln!(
                body,
                "<circle class=\"rate-point\" cx=\"{}\" cy=\"{}\" r=\"4\"><title>{}</title></circle>",
                n(x_of(i)),
                n(y_of(v)),
                esc(&format!("{label}: {}", percent_vi(v))),
            );
        }
    }
    let known: Vec<(&String, f64)> = labels
        .iter()
        .enumerate()
        .filter_map(|(i, l)| value(i).map(|v| (l, v)))
        .collect();
    if known.is_empty() {
        let _ = writeln!(
            body,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{NO_DATA}</text>",
            n(left + (W - RIGHT - left) / 2.0),
            n(plot_top + PLOT_H / 2.0),
        );
    }
    if let Some(t) = target {
        let text = format!("Mục tiêu {}", percent_vi(t));
        let (x, y) = free_spot(&runs, text_width(&text, SMALL), y_of(t), left);
        let _ = writeln!(
            body,
            "<text class=\"small halo\" x=\"{}\" y=\"{}\">{}</text>",
            n(x),
            n(y),
            esc(&text),
        );
    }
    let base_y = plot_top + PLOT_H;
    let bottom = x_labels(&mut body, labels, left, slot, base_y);

    let mut desc = match (labels.first(), labels.last()) {
        (Some(first), Some(last)) => {
            format!(
                "Biểu đồ đường, tỷ lệ (%) theo {} mốc, từ {first} đến {last}.",
                labels.len()
            )
        }
        _ => "Biểu đồ đường, tỷ lệ (%).".to_owned(),
    };
    let high = known
        .iter()
        .copied()
        .reduce(|a, b| if b.1 > a.1 { b } else { a });
    let low = known
        .iter()
        .copied()
        .reduce(|a, b| if b.1 < a.1 { b } else { a });
    if let (Some((hl, hv)), Some((ll, lv))) = (high, low) {
        let _ = write!(
            desc,
            " Cao nhất: {hl}, {}; thấp nhất: {ll}, {}.",
            percent_vi(hv),
            percent_vi(lv)
        );
    }
    let missing = labels.len() - known.len();
    if known.is_empty() {
        let _ = write!(desc, " {NO_DATA}.");
    } else if missing > 0 {
        let _ = write!(desc, " {missing} mốc không có số liệu (đường bị ngắt).");
    }
    if let Some(t) = target {
        let _ = write!(desc, " Đường nét đứt: mục tiêu {}.", percent_vi(t));
    }

    let mut svg = open("line", base_y + bottom, title, &desc, "");
    svg.push_str("<g class=\"plot\">\n");
    svg.push_str(&body);
    svg.push_str("</g>\n</svg>\n");
    svg
}

/// Where to write the label of a horizontal line at `y` (its left end and baseline):
/// under or over the line, at the left or the right of the plot, the first of those
/// places that the data's lines `runs` do not cross (else the least crossed).
#[allow(clippy::cast_precision_loss)]
fn free_spot(runs: &[Vec<(f64, f64)>], width: f64, y: f64, left: f64) -> (f64, f64) {
    // The points, and along each segment a few more.
    let mut samples: Vec<(f64, f64)> = runs.iter().flatten().copied().collect();
    for pair in runs.iter().flat_map(|r| r.windows(2)) {
        if let [(x0, y0), (x1, y1)] = pair {
            samples.extend((1..16).map(|k| {
                let f = f64::from(k) / 16.0;
                (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)
            }));
        }
    }
    let (start, end) = (left + 6.0, W - RIGHT - 6.0 - width);
    let candidates = [
        (start, y + SMALL + 4.0),
        (end, y + SMALL + 4.0),
        (start, y - 6.0),
        (end, y - 6.0),
    ];
    let crossed = |(x, base): (f64, f64)| {
        samples
            .iter()
            .filter(|(px, py)| {
                *px >= x - 6.0
                    && *px <= x + width + 6.0
                    && *py >= base - SMALL - 6.0
                    && *py <= base + 6.0
            })
            .count()
    };
    candidates
        .iter()
        .copied()
        .min_by_key(|c| crossed(*c))
        .unwrap_or((start, y - 6.0))
}

// ---------------------------------------------------------------------------------
// Horizontal bars
// ---------------------------------------------------------------------------------

/// Horizontal bars, one per row (e.g. the on-time rate of each agency): the label on
/// its own line (long agency names fit a phone), under it the bar over a track that
/// stands for `max`, the value written at the end of the bar (`97,5`). Values are
/// clamped to `0..=max`; a `max` that is not positive becomes the largest value.
#[allow(clippy::cast_precision_loss)]
pub fn hbars(title: &str, rows: &[(String, f64)], max: f64) -> String {
    const LEFT: f64 = 8.0;
    const LABEL_H: f64 = 20.0;
    const BAR_H: f64 = 18.0;
    const ROW_H: f64 = LABEL_H + BAR_H + 14.0;
    let finite = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
    let largest = rows.iter().map(|(_, v)| finite(*v)).fold(0.0, f64::max);
    let scale = if max.is_finite() && max > 0.0 {
        max
    } else if largest > 0.0 {
        largest
    } else {
        1.0
    };
    let value_w = rows
        .iter()
        .map(|(_, v)| text_width(&number_vi(finite(*v)), FONT))
        .fold(text_width("100", FONT), f64::max)
        + 10.0;
    let track_w = W - RIGHT - LEFT - value_w;

    let mut body = String::new();
    let top = 8.0;
    for (i, (label, v)) in rows.iter().enumerate() {
        let v = finite(*v);
        let y = top + ROW_H * i as f64;
        let len = (v.min(scale) / scale * track_w).max(0.0);
        let shown = number_vi(v);
        let _ = writeln!(
            body,
            "<g class=\"h-row\"><title>{tip}</title>\
             <text x=\"{x}\" y=\"{ty}\">{label}</text>\
             <rect class=\"h-track\" x=\"{x}\" y=\"{by}\" width=\"{tw}\" height=\"{bh}\"/>\
             <rect class=\"h-bar\" x=\"{x}\" y=\"{by}\" width=\"{len}\" height=\"{bh}\"/>\
             <text x=\"{vx}\" y=\"{vy}\" dy=\"0.35em\">{shown}</text></g>",
            tip = esc(&format!("{label}: {shown}")),
            label = esc(&fit(label, W - RIGHT - LEFT, FONT)),
            x = n(LEFT),
            ty = n(y + FONT),
            by = n(y + LABEL_H),
            tw = n(track_w),
            bh = n(BAR_H),
            len = n(len),
            vx = n(LEFT + len + 6.0),
            vy = n(y + LABEL_H + BAR_H / 2.0),
        );
    }
    if rows.is_empty() {
        let _ = writeln!(
            body,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{NO_DATA}</text>",
            n(W / 2.0),
            n(top + FONT + 6.0),
        );
    }

    let high = rows
        .iter()
        .map(|(l, v)| (l, finite(*v)))
        .reduce(|a, b| if b.1 > a.1 { b } else { a });
    let low = rows
        .iter()
        .map(|(l, v)| (l, finite(*v)))
        .reduce(|a, b| if b.1 < a.1 { b } else { a });
    let desc = match (high, low) {
        (Some((hl, hv)), Some((ll, lv))) => format!(
            "Biểu đồ thanh ngang, {} dòng, thang từ 0 đến {}. Cao nhất: {hl}, {}; thấp nhất: {ll}, {}.",
            rows.len(),
            number_vi(scale),
            number_vi(hv),
            number_vi(lv)
        ),
        _ => format!("Biểu đồ thanh ngang: {}.", NO_DATA.to_lowercase()),
    };
    let height = top + ROW_H * rows.len().max(1) as f64;
    let mut svg = open("hbars", height, title, &desc, "");
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small well-formedness check: one root `<svg>`, every tag closed in order,
    /// quotes paired in tags, and `&` only as an entity.
    fn check_xml(svg: &str) {
        assert!(svg.starts_with("<svg "), "{svg}");
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        let mut roots = 0;
        while let Some(start) = rest.find('<') {
            check_text(&rest[..start]);
            let after = &rest[start..];
            let end = after.find('>').expect("unclosed tag");
            let tag = &after[1..end];
            assert_eq!(tag.matches('"').count() % 2, 0, "quotes in <{tag}>");
            assert!(!tag.contains('<'), "< in <{tag}>");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name.trim()), "closing </{name}>");
            } else {
                let name = tag
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap();
                if stack.is_empty() {
                    roots += 1;
                }
                if !tag.ends_with('/') {
                    stack.push(name);
                }
                for value in tag.split('"').skip(1).step_by(2) {
                    check_text(value);
                }
            }
            rest = &after[end + 1..];
        }
        check_text(rest);
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        assert_eq!(roots, 1);
    }

    fn check_text(text: &str) {
        for (i, _) in text.match_indices('&') {
            let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .iter()
                .any(|e| text[i..].starts_with(e));
            assert!(ok, "bare & in {text:?}");
        }
    }

    fn attr(tag: &str, name: &str) -> f64 {
        let key = format!(" {name}=\"");
        let start = tag.find(&key).unwrap() + key.len();
        tag[start..].split('"').next().unwrap().parse().unwrap()
    }

    /// The opening tags of the elements with all the given classes.
    fn tags<'a>(svg: &'a str, element: &str, class: &str) -> Vec<&'a str> {
        svg.split('<')
            .filter(|t| t.starts_with(&format!("{element} ")))
            .filter(|t| {
                t.split("class=\"")
                    .nth(1)
                    .and_then(|c| c.split('"').next())
                    .is_some_and(|c| class.split(' ').all(|want| c.split(' ').any(|c| c == want)))
            })
            .map(|t| t.split('>').next().unwrap())
            .collect()
    }

    fn months() -> Vec<String> {
        ["T9/2026", "T10/2026", "T11/2026"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn helpers() {
        assert_eq!(esc("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
        assert_eq!(esc("a\u{0}b\u{1b}c"), "abc");
        assert_eq!(class_name("s-late\" onload=\"x"), "s-lateonloadx");
        assert_eq!(n(125.0), "125");
        assert_eq!(n(62.5), "62.5");
        assert_eq!(n(1.0 / 3.0), "0.33");
        assert_eq!(number_vi(99.5), "99,5");
        assert_eq!(number_vi(100.0), "100");
        assert_eq!(number_vi(18_639.0), "18.639");
        assert_eq!(percent_vi(99.97), "99,97 %");
        assert_eq!(nice_axis(100.0, 1.0), (20.0, 100.0));
        assert_eq!(nice_axis(18_639.0, 1.0), (5_000.0, 20_000.0));
        assert_eq!(nice_axis(0.0, 1.0), (1.0, 1.0));
        assert_eq!(nice_axis(3.0, 1.0), (1.0, 3.0));
    }

    #[test]
    fn stacked_bars_are_proportional() {
        let series = vec![
            Series {
                name: "Trước hạn".into(),
                values: vec![50, 100, 20],
                class: "s-early",
            },
            Series {
                name: "Đúng hạn".into(),
                values: vec![25, 0, 10],
                class: "s-on-time",
            },
            Series {
                name: "Quá hạn".into(),
                values: vec![25],
                class: "s-late",
            },
        ];
        let svg = stacked_bars("Hồ sơ đã giải quyết theo tháng", &months(), &series);
        check_xml(&svg);
        assert!(
            svg.contains("role=\"img\"")
                && svg.contains("viewBox=\"0 0 600 ")
                && svg.contains("width=\"100%\"")
        );
        assert!(svg.contains("<title id=") && svg.contains("<desc id="));
        // Tallest total 100 → axis 0–100 by 20: 50 is half of the plot's 250, 25 a tenth.
        let early = tags(&svg, "rect", "bar-seg s-early");
        let heights: Vec<f64> = early.iter().map(|t| attr(t, "height")).collect();
        assert_eq!(heights, [125.0, 250.0, 50.0]);
        let on_time = tags(&svg, "rect", "bar-seg s-on-time");
        assert_eq!(on_time.len(), 2, "no segment for a zero");
        assert_eq!(attr(on_time[0], "height"), 62.5);
        let late = tags(&svg, "rect", "bar-seg s-late");
        assert_eq!(late.len(), 1, "missing values count as zero");
        // Stacked: each segment starts where the one under it ends.
        assert_eq!(attr(on_time[0], "y") + 62.5, attr(early[0], "y"));
        assert_eq!(attr(late[0], "y") + 62.5, attr(on_time[0], "y"));
        assert_eq!(attr(early[0], "y") + 125.0, attr(early[1], "y") + 250.0);
        // Default colours, overridable, and the legend and tooltips.
        assert!(svg.contains(".mc-chart .s-early{fill:#1a7f37}"));
        assert!(svg.contains(".mc-chart .s-late{fill:#c62828}"));
        assert!(svg.contains(">Trước hạn</text>"));
        assert!(svg.contains("<title>T9/2026 — Trước hạn: 50</title>"));
        // Totals over the bars, the axis in Vietnamese numbers.
        assert!(svg.contains(">100</text>"));
    }

    #[test]
    fn big_numbers_and_long_labels() {
        let labels: Vec<String> = (1..=12).map(|m| format!("Tháng {m}/2026")).collect();
        let series = vec![Series {
            name: "Đã giải quyết".into(),
            values: vec![18_639; 12],
            class: "custom class!",
        }];
        let svg = stacked_bars("Hồ sơ", &labels, &series);
        check_xml(&svg);
        assert!(svg.contains(">20.000</text>"), "{svg}");
        assert!(svg.contains("rotate(-45"), "long labels are turned");
        assert!(svg.contains(".mc-chart .customclass{fill:#0b5cad}"));
    }

    #[test]
    fn text_is_escaped() {
        let evil = "<script>alert('x')</script> & \"Sở\"".to_owned();
        let svg = stacked_bars(
            &evil,
            std::slice::from_ref(&evil),
            &[Series {
                name: evil.clone(),
                values: vec![1],
                class: "s-early",
            }],
        );
        check_xml(&svg);
        assert!(!svg.contains("<script"));
        assert!(
            svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Sở&quot;")
        );
        let svg = hbars(&evil, &[(evil.clone(), 50.0)], 100.0);
        check_xml(&svg);
        assert!(!svg.contains("<script"));
        let svg = rate_line(&evil, std::slice::from_ref(&evil), &[Some(50.0)], None);
        check_xml(&svg);
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn a_rate_line_breaks_where_there_is_no_data() {
        let labels: Vec<String> = ["T7", "T8", "T9", "T10", "T11"].map(String::from).to_vec();
        let rates = [Some(96.5), Some(98.0), None, Some(99.97), Some(100.0)];
        let svg = rate_line("Tỷ lệ đúng hạn", &labels, &rates, Some(95.0));
        check_xml(&svg);
        let paths = tags(&svg, "path", "rate-line");
        assert_eq!(paths.len(), 2, "{svg}");
        assert_eq!(paths[0].matches('L').count(), 1);
        assert_eq!(paths[1].matches('L').count(), 1);
        assert_eq!(tags(&svg, "circle", "rate-point").len(), 4);
        // 0–100 % over 250 units from y = 20: 100 % at 20, 98 % at 25, 95 % at 32.5.
        let target = tags(&svg, "line", "rate-target");
        assert_eq!(target.len(), 1);
        assert_eq!(attr(target[0], "y1"), 32.5);
        assert!(
            paths[1].ends_with(" 20\"/") || paths[1].contains(" 20\""),
            "{}",
            paths[1]
        );
        assert!(svg.contains("<title>T10: 99,97 %</title>"));
        assert!(svg.contains(">Mục tiêu 95 %</text>"));
        assert!(svg.contains("1 mốc không có số liệu"));
        assert!(svg.contains(">100 %</text>") && svg.contains(">0 %</text>"));
        // A lone point still shows; no data at all says so.
        let svg = rate_line("x", &labels, &[None, Some(50.0), None, None, None], None);
        assert_eq!(tags(&svg, "path", "rate-line").len(), 1);
        let svg = rate_line("x", &labels, &[], None);
        check_xml(&svg);
        assert!(tags(&svg, "path", "rate-line").is_empty());
        assert!(svg.contains(NO_DATA));
    }

    #[test]
    fn the_target_label_avoids_the_line() {
        // A line well above the target's (y = 100): the label goes under it, at the left.
        let above = vec![vec![(60.0, 50.0), (500.0, 50.0)]];
        assert_eq!(free_spot(&above, 80.0, 100.0, 50.0), (56.0, 116.0));
        // The data runs just under the target on the left: under it, at the right.
        let under_left = vec![vec![(60.0, 112.0), (200.0, 112.0)], vec![(400.0, 40.0)]];
        let end = W - RIGHT - 6.0 - 80.0;
        assert_eq!(free_spot(&under_left, 80.0, 100.0, 50.0), (end, 116.0));
    }

    #[test]
    fn hbars_scale_to_max_and_print_the_value() {
        let rows = vec![
            ("Sở Tư pháp".to_owned(), 97.5),
            ("UBND phường Nha Trang".to_owned(), 50.0),
            ("Sở Xây dựng".to_owned(), 120.0),
        ];
        let svg = hbars("Tỷ lệ đúng hạn theo cơ quan (%)", &rows, 100.0);
        check_xml(&svg);
        let track = attr(tags(&svg, "rect", "h-track")[0], "width");
        let bars: Vec<f64> = tags(&svg, "rect", "h-bar")
            .iter()
            .map(|t| attr(t, "width"))
            .collect();
        assert!((bars[1] - track / 2.0).abs() < 0.01, "{bars:?} of {track}");
        assert!((bars[0] - track * 0.975).abs() < 0.01);
        assert_eq!(bars[2], track, "clamped to max");
        assert!(svg.contains(">97,5</text>") && svg.contains(">50</text>"));
        assert!(svg.contains(">UBND phường Nha Trang</text>"));
        check_xml(&hbars("x", &[], 0.0));
    }
}
