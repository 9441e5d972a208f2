//! A Kaplan–Meier step curve: the share still employed over the days after hire, dropping on
//! each day someone left, with the benchmark as a dashed line.

use super::svg::{
    BLUE, DASHES, GREY, INK, MUTED, RULE, Svg, VERMILLION, at, percent, percent_tenths,
};

#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub name: String,
    /// (day, share still employed after that day), in day order.
    pub drops: Vec<(u32, f64)>,
    /// The last day observed: the curve stops there.
    pub until: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub curves: Vec<Curve>,
    /// The share to compare with, drawn across the chart.
    pub benchmark: Option<f64>,
    /// Days on the x axis.
    pub window: u32,
    /// Shown instead of curves when the group is suppressed.
    pub gap_label: Option<String>,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 340.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 64.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 84.0;

const COLOURS: [&str; 2] = [BLUE, VERMILLION];

pub fn render(c: &StepChart) -> String {
    let mut svg = Svg::new(&c.id, &c.title, &c.desc, WIDTH, HEIGHT);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let bottom = TOP + plot_h;
    let window = f64::from(c.window.max(1));
    let x = |day: u32| LEFT + plot_w * f64::from(day.min(c.window)) / window;
    let y = |share: f64| bottom - plot_h * share.clamp(0.0, 1.0);

    for tenth in (0..=10).step_by(2) {
        let share = f64::from(tenth) / 10.0;
        svg.line((LEFT, y(share)), (WIDTH - RIGHT, y(share)), RULE, "");
        svg.text(LEFT - 8.0, y(share) + 4.0, "end", "", &percent(share));
    }
    for month in [0u32, 3, 6, 9, 12] {
        let day = (f64::from(month) * window / 12.0).round() as u32;
        svg.line((x(day), bottom), (x(day), bottom + 5.0), INK, "");
        let label = if month == 0 {
            "Hire".to_string()
        } else {
            format!("{month} months")
        };
        svg.text(x(day), bottom + 18.0, "middle", "", &label);
    }

    if let Some(gap) = &c.gap_label {
        svg.push(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" stroke=\"{GREY}\" stroke-dasharray=\"4 3\"/>",
            at(LEFT + 1.0),
            at(TOP + 1.0),
            at(plot_w - 2.0),
            at(plot_h - 2.0)
        ));
        svg.text(
            LEFT + plot_w / 2.0,
            TOP + plot_h / 2.0,
            "middle",
            "muted",
            gap,
        );
    }

    if let Some(b) = c.benchmark {
        svg.line((LEFT, y(b)), (WIDTH - RIGHT, y(b)), MUTED, "3 3");
        svg.text(
            WIDTH - RIGHT - 4.0,
            y(b) - 6.0,
            "end",
            "muted",
            &format!("Benchmark {}", percent_tenths(b)),
        );
    }

    if c.gap_label.is_none() {
        for (i, curve) in c.curves.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let mut d = format!("M{} {}", at(x(0)), at(y(1.0)));
            let mut level = 1.0;
            for &(day, share) in &curve.drops {
                d.push_str(&format!(" H{} V{}", at(x(day)), at(y(share))));
                level = share;
            }
            d.push_str(&format!(" H{}", at(x(curve.until))));
            let dash = DASHES[i % DASHES.len()];
            let dash = if dash.is_empty() {
                String::new()
            } else {
                format!(" stroke-dasharray=\"{dash}\"")
            };
            svg.push(&format!(
                "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>"
            ));
            svg.text(
                x(curve.until) + 6.0,
                y(level) + 4.0,
                "start",
                "",
                &percent(level),
            );
        }
    }

    let legend = bottom + 44.0;
    let sample = |svg: &mut Svg, lx: f64, colour: &str, dash: &str| {
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        svg.push(&format!(
            "<path d=\"M{} {} H{}\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>",
            at(lx),
            at(legend),
            at(lx + 32.0)
        ));
    };
    for (i, curve) in c.curves.iter().enumerate() {
        let lx = LEFT + i as f64 * 230.0;
        sample(
            &mut svg,
            lx,
            COLOURS[i % COLOURS.len()],
            DASHES[i % DASHES.len()],
        );
        svg.text(lx + 40.0, legend + 4.0, "start", "", &curve.name);
    }
    if c.benchmark.is_some() {
        let lx = LEFT + c.curves.len() as f64 * 230.0;
        sample(&mut svg, lx, MUTED, "3 3");
        svg.text(lx + 40.0, legend + 4.0, "start", "", "Benchmark");
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(gap: Option<&str>) -> StepChart {
        StepChart {
            id: "retention".into(),
            title: "Still employed after hire".into(),
            desc: "Kaplan–Meier retention over the first year; benchmark 82.5%.".into(),
            curves: vec![
                Curve {
                    name: "Any leaving".into(),
                    drops: vec![(30, 0.875), (60, 0.625), (150, 0.5)],
                    until: 212,
                },
                Curve {
                    name: "Voluntary leaving".into(),
                    drops: vec![(30, 0.875), (60, 0.75), (150, 0.6)],
                    until: 212,
                },
            ],
            benchmark: Some(0.825),
            window: 365,
            gap_label: gap.map(String::from),
        }
    }

    #[test]
    fn retention_curves_with_the_benchmark() {
        insta::assert_snapshot!(render(&chart(None)));
    }

    #[test]
    fn a_suppressed_cohort_is_a_marked_gap() {
        let svg = render(&chart(Some("fewer than 5 people hired in this month")));
        assert!(!svg.contains("<path d=\"M56 20 "), "no curve drawn");
        insta::assert_snapshot!(svg);
    }
}
