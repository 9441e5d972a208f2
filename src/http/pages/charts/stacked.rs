//! Stacked horizontal bars: each step's check-ins split by where they are (answered, waiting
//! for an answer, expired, not yet sent), each part with its own colour and fill pattern.

use super::svg::{GREY, Svg, at, escape, pattern};

/// One part of every bar: its name, colour and pattern (`solid`, `hatch`, `dots`, `cross`).
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub colour: String,
    pub pattern: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// One count per part; none when the row is suppressed.
    pub counts: Option<Vec<u64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StackedBars {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub parts: Vec<Part>,
    pub bars: Vec<Bar>,
    /// What a suppressed row says, e.g. "fewer than 5 invited".
    pub gap_label: String,
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 96.0;
const RIGHT: f64 = 110.0;
const TOP: f64 = 12.0;
const ROW: f64 = 34.0;
const BAR: f64 = 22.0;

pub fn render(c: &StackedBars) -> String {
    let legend_rows = c.parts.len().div_ceil(4);
    let height = TOP + ROW * c.bars.len() as f64 + 16.0 + legend_rows as f64 * 22.0 + 8.0;
    let mut svg = Svg::new(&c.id, &c.title, &c.desc, WIDTH, height);
    let fill = |i: usize| format!("url(#{}-part{i})", escape(&c.id));
    svg.push(&format!(
        "<defs>{}</defs>",
        c.parts
            .iter()
            .enumerate()
            .map(|(i, p)| pattern(&format!("{}-part{i}", c.id), &p.colour, &p.pattern))
            .collect::<String>()
    ));
    let most = c
        .bars
        .iter()
        .filter_map(|b| b.counts.as_ref().map(|c| c.iter().sum::<u64>()))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let plot_w = WIDTH - LEFT - RIGHT;
    for (r, bar) in c.bars.iter().enumerate() {
        let top = TOP + r as f64 * ROW;
        svg.text(LEFT - 8.0, top + BAR / 2.0 + 4.0, "end", "", &bar.label);
        let Some(counts) = &bar.counts else {
            svg.push(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" stroke=\"{GREY}\" stroke-dasharray=\"4 3\"/>",
                at(LEFT),
                at(top),
                at(plot_w),
                at(BAR)
            ));
            svg.text(
                LEFT + 8.0,
                top + BAR / 2.0 + 4.0,
                "start",
                "muted",
                &c.gap_label,
            );
            continue;
        };
        let mut x = LEFT;
        for (i, &n) in counts.iter().enumerate() {
            let w = plot_w * n as f64 / most;
            if n == 0 {
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
            x += w;
        }
        let total: u64 = counts.iter().sum();
        svg.text(
            x + 6.0,
            top + BAR / 2.0 + 4.0,
            "start",
            "",
            &format!("{total}"),
        );
    }
    let legend = TOP + ROW * c.bars.len() as f64 + 16.0;
    for (i, part) in c.parts.iter().enumerate() {
        let lx = LEFT + (i % 4) as f64 * 130.0;
        let ly = legend + (i / 4) as f64 * 22.0;
        svg.push(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"16\" fill=\"{}\" stroke=\"#1f2328\" stroke-width=\"0.5\"/>",
            at(lx),
            at(ly - 12.0),
            fill(i)
        ));
        svg.text(lx + 22.0, ly, "start", "", &part.name);
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_in_funnel() {
        let part = |name: &str, colour: &str, pattern: &str| Part {
            name: name.into(),
            colour: colour.into(),
            pattern: pattern.into(),
        };
        let chart = StackedBars {
            id: "funnel".into(),
            title: "Check-ins per step".into(),
            desc: "Answered, waiting, expired and not yet sent.".into(),
            parts: vec![
                part("Answered", "#0072B2", "solid"),
                part("Waiting", "#56B4E9", "hatch"),
                part("Expired", "#D55E00", "dots"),
                part("Not yet sent", "#BBBBBB", "cross"),
            ],
            bars: vec![
                Bar {
                    label: "Day 14".into(),
                    counts: Some(vec![6, 2, 8, 0]),
                },
                Bar {
                    label: "Month 1".into(),
                    counts: None,
                },
                Bar {
                    label: "Month 3".into(),
                    counts: Some(vec![0, 0, 0, 14]),
                },
            ],
            gap_label: "fewer than 5 invited".into(),
        };
        insta::assert_snapshot!(render(&chart));
    }
}
