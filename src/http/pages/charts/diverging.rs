//! Diverging bars for answers on a scale: the lower answers to the left of a centre line,
//! the higher to the right, a neutral middle answer split across it. Position says which
//! side an answer is on; colour and pattern say which answer.

use super::svg::{BLUE, GREY, INK, ORANGE, SKY, Svg, VERMILLION, at, escape, pattern, percent};

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    /// One count per choice, lowest first; none when suppressed.
    pub counts: Option<Vec<u64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diverging {
    pub id: String,
    pub title: String,
    pub desc: String,
    /// The answers as the legend names them, lowest first.
    pub choices: Vec<String>,
    pub rows: Vec<Row>,
    /// What a suppressed row says, e.g. "fewer than 5 answers".
    pub gap_label: String,
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 150.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 24.0;
const ROW: f64 = 30.0;
const BAR: f64 = 20.0;
const LABEL: f64 = 40.0;

/// Colours and patterns from the low end to the high end.
fn styles(choices: usize) -> Vec<(&'static str, &'static str)> {
    match choices {
        2 => vec![(VERMILLION, "hatch"), (BLUE, "solid")],
        3 => vec![(VERMILLION, "hatch"), (GREY, "dots"), (BLUE, "solid")],
        4 => vec![
            (VERMILLION, "hatch"),
            (ORANGE, "dots"),
            (SKY, "cross"),
            (BLUE, "solid"),
        ],
        _ => vec![
            (VERMILLION, "hatch"),
            (ORANGE, "dots"),
            (GREY, "solid"),
            (SKY, "cross"),
            (BLUE, "solid"),
        ],
    }
}

pub fn render(c: &Diverging) -> String {
    let k = c.choices.len();
    let styles = styles(k);
    let style = |i: usize| styles[(i * styles.len()) / k.max(1)];
    let legend_rows = k.div_ceil(3);
    let height = TOP + ROW * c.rows.len() as f64 + 14.0 + legend_rows as f64 * 22.0 + 8.0;
    let mut svg = Svg::new(&c.id, &c.title, &c.desc, WIDTH, height);
    svg.push(&format!(
        "<defs>{}</defs>",
        (0..k)
            .map(|i| pattern(&format!("{}-choice{i}", c.id), style(i).0, style(i).1))
            .collect::<String>()
    ));
    let fill = |i: usize| format!("url(#{}-choice{i})", escape(&c.id));
    // Room for the percentages beside the bars.
    let plot_w = WIDTH - LEFT - RIGHT - 2.0 * LABEL;
    let centre = LEFT + LABEL + plot_w / 2.0;
    let half = plot_w / 2.0;
    svg.text(
        LEFT + LABEL,
        TOP - 10.0,
        "start",
        "muted",
        "← lower answers",
    );
    svg.text(
        WIDTH - RIGHT - LABEL,
        TOP - 10.0,
        "end",
        "muted",
        "higher answers →",
    );
    for (r, row) in c.rows.iter().enumerate() {
        let top = TOP + r as f64 * ROW;
        svg.text(LEFT - 8.0, top + BAR / 2.0 + 4.0, "end", "", &row.label);
        let Some(counts) = &row.counts else {
            svg.text(
                centre,
                top + BAR / 2.0 + 4.0,
                "middle",
                "muted",
                &c.gap_label,
            );
            continue;
        };
        let n: u64 = counts.iter().sum();
        if n == 0 {
            continue;
        }
        let share = |i: usize| counts.get(i).copied().unwrap_or(0) as f64 / n as f64;
        // The low side grows leftwards from the centre, starting with the answer nearest it.
        let neutral = (k % 2 == 1).then_some(k / 2);
        let low_end = k / 2;
        let mut segments: Vec<(usize, f64, f64)> = Vec::new();
        let mut left = centre;
        if let Some(m) = neutral {
            left -= half * share(m) / 2.0;
        }
        for i in (0..low_end).rev() {
            let w = half * share(i);
            left -= w;
            segments.push((i, left, w));
        }
        let mut right = centre;
        if let Some(m) = neutral {
            let w = half * share(m);
            segments.push((m, centre - w / 2.0, w));
            right += w / 2.0;
        }
        for i in (k - low_end)..k {
            let w = half * share(i);
            segments.push((i, right, w));
            right += w;
        }
        for (i, x, w) in segments {
            if w <= 0.0 {
                continue;
            }
            svg.push(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\"/>",
                at(x),
                at(top),
                at(w),
                at(BAR),
                fill(i)
            ));
        }
        let low: f64 = (0..low_end).map(share).sum();
        let high: f64 = ((k - low_end)..k).map(share).sum();
        svg.text(left - 4.0, top + BAR / 2.0 + 4.0, "end", "", &percent(low));
        svg.text(
            right + 4.0,
            top + BAR / 2.0 + 4.0,
            "start",
            "",
            &percent(high),
        );
    }
    let bottom = TOP + ROW * c.rows.len() as f64;
    svg.line(
        (centre, TOP - 4.0),
        (centre, bottom - ROW + BAR + 4.0),
        INK,
        "",
    );
    let legend = bottom + 14.0;
    for (i, choice) in c.choices.iter().enumerate() {
        let lx = 16.0 + (i % 3) as f64 * 236.0;
        let ly = legend + (i / 3) as f64 * 22.0;
        svg.push(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"16\" fill=\"{}\" stroke=\"#1f2328\" stroke-width=\"0.5\"/>",
            at(lx),
            at(ly - 12.0),
            fill(i)
        ));
        let short: String = choice.chars().take(32).collect();
        let short = if short.len() < choice.len() {
            format!("{}…", short.trim_end())
        } else {
            short
        };
        svg.text(lx + 22.0, ly, "start", "", &short);
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_five_point_scale_and_a_suppressed_row() {
        let chart = Diverging {
            id: "q-belonging".into(),
            title: "I feel I belong on my unit".into(),
            desc: "Answers per check-in, from strongly disagree to strongly agree.".into(),
            choices: [
                "1 Strongly disagree",
                "2 Disagree",
                "3 Neither agree nor disagree",
                "4 Agree",
                "5 Strongly agree",
            ]
            .map(String::from)
            .into(),
            rows: vec![
                Row {
                    label: "Month 1, mentees".into(),
                    counts: Some(vec![1, 2, 3, 6, 4]),
                },
                Row {
                    label: "Month 3, mentees".into(),
                    counts: None,
                },
            ],
            gap_label: "fewer than 5 answers".into(),
        };
        insta::assert_snapshot!(render(&chart));
    }

    #[test]
    fn yes_or_no() {
        let chart = Diverging {
            id: "q-met".into(),
            title: "Met since the last check-in".into(),
            desc: "No to the left, yes to the right.".into(),
            choices: vec!["No".into(), "Yes".into()],
            rows: vec![Row {
                label: "Day 14, mentors".into(),
                counts: Some(vec![3, 9]),
            }],
            gap_label: "fewer than 5 answers".into(),
        };
        let svg = render(&chart);
        assert!(svg.contains(">25%<") && svg.contains(">75%<"), "{svg}");
        insta::assert_snapshot!(svg);
    }
}
