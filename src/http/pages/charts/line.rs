//! A line chart of a mean over the check-in steps, one line per group, with the number of
//! respondents beside each point.

use super::svg::{DASHES, MUTED, RULE, SERIES, Svg, escape, marker};

/// One point of a line.
#[derive(Debug, Clone, PartialEq)]
pub enum Point {
    Value {
        mean: f64,
        n: u64,
    },
    /// Hidden to protect a small group: drawn as a gap, marked.
    Suppressed,
    /// Nobody in the group answered at this step.
    Missing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// One per step.
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    /// The x axis: one label per step.
    pub steps: Vec<String>,
    /// The y axis's range and its labelled values.
    pub y_min: f64,
    pub y_max: f64,
    pub y_axis: String,
    pub series: Vec<Series>,
    /// What a gap says, e.g. "fewer than 5".
    pub gap_label: String,
}

const WIDTH: f64 = 600.0;
const PLOT_HEIGHT: f64 = 260.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 24.0;
const LEGEND_ROW: f64 = 22.0;

pub fn render(c: &LineChart) -> String {
    let legend_rows = c.series.len().div_ceil(3);
    let height = TOP + PLOT_HEIGHT + 48.0 + legend_rows as f64 * LEGEND_ROW + 8.0;
    let mut svg = Svg::new(&c.id, &c.title, &c.desc, WIDTH, height);
    let plot_w = WIDTH - LEFT - RIGHT;
    let bottom = TOP + PLOT_HEIGHT;
    let steps = c.steps.len().max(1);
    let x = |i: usize| LEFT + plot_w * (i as f64 + 0.5) / steps as f64;
    let span = (c.y_max - c.y_min).max(f64::EPSILON);
    let y = |v: f64| bottom - PLOT_HEIGHT * (v - c.y_min) / span;

    // Grid and axes.
    let mut v = c.y_min.ceil();
    while v <= c.y_max {
        svg.line((LEFT, y(v)), (WIDTH - RIGHT, y(v)), RULE, "");
        svg.text(LEFT - 8.0, y(v) + 4.0, "end", "", &format!("{v}"));
        v += 1.0;
    }
    svg.push(&format!(
        "<text transform=\"translate(14 {}) rotate(-90)\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
        super::svg::at(TOP + PLOT_HEIGHT / 2.0),
        escape(&c.y_axis)
    ));
    for (i, step) in c.steps.iter().enumerate() {
        svg.text(x(i), bottom + 18.0, "middle", "", step);
    }

    // Lines: a segment between neighbouring points that both have a value.
    for (s, series) in c.series.iter().enumerate() {
        let colour = SERIES[s % SERIES.len()];
        let dash = DASHES[s % DASHES.len()];
        let mut segment: Vec<String> = Vec::new();
        let mut segments: Vec<Vec<String>> = Vec::new();
        for (i, p) in series.points.iter().enumerate() {
            match p {
                Point::Value { mean, .. } => segment.push(format!(
                    "{} {}",
                    super::svg::at(x(i)),
                    super::svg::at(y(*mean))
                )),
                _ => segments.push(std::mem::take(&mut segment)),
            }
        }
        segments.push(segment);
        for seg in segments.iter().filter(|s| s.len() > 1) {
            let dash = if dash.is_empty() {
                String::new()
            } else {
                format!(" stroke-dasharray=\"{dash}\"")
            };
            svg.push(&format!(
                "<path d=\"M{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>",
                seg.join(" L")
            ));
        }
        for (i, p) in series.points.iter().enumerate() {
            match p {
                Point::Value { mean, n } => {
                    svg.push(&marker(s, x(i), y(*mean), colour));
                    svg.text(
                        x(i) + 7.0,
                        y(*mean) - 7.0,
                        "start",
                        "muted",
                        &format!("n={n}"),
                    );
                }
                Point::Suppressed => {
                    // A hollow marker on the axis and the reason, one line per series.
                    let at_y = bottom - 10.0 - 14.0 * s as f64;
                    svg.push(&format!(
                        "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#ffffff\" stroke=\"{colour}\" stroke-width=\"1.5\" stroke-dasharray=\"2 2\"/>",
                        super::svg::at(x(i) - 8.0),
                        super::svg::at(at_y - 4.0)
                    ));
                    svg.text(x(i) - 1.0, at_y, "start", "muted", &c.gap_label);
                }
                Point::Missing => {}
            }
        }
    }

    // Legend: the line's colour, dash and marker with the group's name.
    let legend_top = bottom + 40.0;
    for (s, series) in c.series.iter().enumerate() {
        let colour = SERIES[s % SERIES.len()];
        let lx = LEFT + (s % 3) as f64 * 176.0;
        let ly = legend_top + (s / 3) as f64 * LEGEND_ROW;
        svg.line((lx, ly), (lx + 28.0, ly), colour, DASHES[s % DASHES.len()]);
        svg.push(&marker(s, lx + 14.0, ly, colour));
        svg.text(lx + 36.0, ly + 4.0, "start", "", &series.name);
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn belonging_by_site() {
        let chart = LineChart {
            id: "belonging".into(),
            title: "Belonging over the first year, by site".into(),
            desc: "Mean answer to \"I feel I belong on my unit\" from 1 to 5 at each check-in."
                .into(),
            steps: vec!["Month 1".into(), "Month 3".into(), "Month 6".into()],
            y_min: 1.0,
            y_max: 5.0,
            y_axis: "Mean (1 = strongly disagree, 5 = strongly agree)".into(),
            series: vec![
                Series {
                    name: "North Campus".into(),
                    points: vec![
                        Point::Value { mean: 3.5, n: 14 },
                        Point::Value { mean: 3.8, n: 12 },
                        Point::Value { mean: 4.1, n: 9 },
                    ],
                },
                Series {
                    name: "South <Campus> & co".into(),
                    points: vec![
                        Point::Value { mean: 2.9, n: 8 },
                        Point::Suppressed,
                        Point::Missing,
                    ],
                },
            ],
            gap_label: "fewer than 5".into(),
        };
        let svg = render(&chart);
        assert!(svg.contains("South &lt;Campus&gt; &amp; co"));
        insta::assert_snapshot!(svg);
    }
}
