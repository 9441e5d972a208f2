//! What every chart shares: escaping, the palette, patterns, the frame with its title and
//! description.

use std::fmt::Write;

/// Okabe & Ito's colours, distinguishable with every common form of colour blindness.
pub const BLUE: &str = "#0072B2";
pub const ORANGE: &str = "#E69F00";
pub const GREEN: &str = "#009E73";
pub const VERMILLION: &str = "#D55E00";
pub const PURPLE: &str = "#CC79A7";
pub const SKY: &str = "#56B4E9";
pub const YELLOW: &str = "#F0E442";
pub const BLACK: &str = "#000000";
/// For neutral parts: not one of the data colours.
pub const GREY: &str = "#BBBBBB";
pub const INK: &str = "#1f2328";
pub const MUTED: &str = "#4a525c";
pub const RULE: &str = "#c9c4bc";

/// Series colours in order, the darker ones first so that lines read well on white.
pub const SERIES: [&str; 8] = [BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, BLACK, YELLOW];

/// Dash patterns, so that two lines differ even without colour.
pub const DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];

/// Text for XML: `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate, to a tenth of a pixel.
pub fn at(v: f64) -> String {
    let v = (v * 10.0).round() / 10.0;
    if v == v.trunc() {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// A share as a whole percentage, e.g. `83%`.
pub fn percent(share: f64) -> String {
    format!("{}%", (share * 100.0).round() as i64)
}

/// A share as a percentage to a tenth, e.g. `82.5%`.
pub fn percent_tenths(share: f64) -> String {
    let tenths = (share * 1000.0).round() / 10.0;
    if tenths == tenths.trunc() {
        format!("{}%", tenths as i64)
    } else {
        format!("{tenths:.1}%")
    }
}

/// A chart in the making: the `<svg>` element with its accessible name and description.
pub struct Svg {
    out: String,
}

impl Svg {
    /// Opens a chart `width` × `height`; `id` must be unique on the page.
    pub fn new(id: &str, title: &str, desc: &str, width: f64, height: f64) -> Svg {
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {w} {h}\" \
             width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
             font-family=\"system-ui, sans-serif\" font-size=\"12\">\n\
             <title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
            escape(title),
            escape(desc),
            w = at(width),
            h = at(height),
            id = escape(id),
        );
        Svg { out }
    }

    /// Adds raw markup (already escaped).
    pub fn push(&mut self, markup: &str) {
        self.out.push_str(markup);
        self.out.push('\n');
    }

    /// Text at (x, y); `anchor` is start, middle or end.
    pub fn text(&mut self, x: f64, y: f64, anchor: &str, class: &str, text: &str) {
        let class = if class.is_empty() {
            String::new()
        } else {
            format!(" class=\"{class}\"")
        };
        let fill = if class.contains("muted") { MUTED } else { INK };
        let _ = writeln!(
            self.out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"{fill}\"{class}>{}</text>",
            at(x),
            at(y),
            escape(text)
        );
    }

    /// A straight line.
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, dash: &str) {
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        let _ = writeln!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\"{dash}/>",
            at(x1),
            at(y1),
            at(x2),
            at(y2)
        );
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// A fill pattern over a colour, so that areas differ without colour too. `kind` is one of
/// `solid`, `hatch` (diagonal lines), `dots` or `cross`.
pub fn pattern(id: &str, colour: &str, kind: &str) -> String {
    let marks = match kind {
        "hatch" => {
            "<path d=\"M-1 1 L1 -1 M0 8 L8 0 M7 9 L9 7\" stroke=\"#1f2328\" stroke-width=\"1.2\"/>"
        }
        "dots" => "<circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"#1f2328\"/>",
        "cross" => "<path d=\"M0 4 H8 M4 0 V8\" stroke=\"#1f2328\" stroke-width=\"1\"/>",
        _ => "",
    };
    format!(
        "<pattern id=\"{}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">\
         <rect width=\"8\" height=\"8\" fill=\"{colour}\"/>{marks}</pattern>",
        escape(id)
    )
}

/// A marker shape centred on (x, y), one per series: circle, square, triangle, diamond…
pub fn marker(shape: usize, x: f64, y: f64, colour: &str) -> String {
    let (x, y) = (at(x), at(y));
    match shape % 4 {
        0 => format!("<circle cx=\"{x}\" cy=\"{y}\" r=\"4.5\" fill=\"{colour}\"/>"),
        1 => format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"8\" height=\"8\" transform=\"translate(-4 -4)\" fill=\"{colour}\"/>"
        ),
        2 => format!(
            "<path d=\"M0 -5.5 L5 3.5 L-5 3.5 Z\" transform=\"translate({x} {y})\" fill=\"{colour}\"/>"
        ),
        _ => format!(
            "<path d=\"M0 -5.5 L5 0 L0 5.5 L-5 0 Z\" transform=\"translate({x} {y})\" fill=\"{colour}\"/>"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<b>O'Brien & co</b>"),
            "&lt;b&gt;O&#39;Brien &amp; co&lt;/b&gt;"
        );
        assert_eq!(at(1.04), "1");
        assert_eq!(at(2.25), "2.3");
        assert_eq!(percent(0.825), "83%");
        assert_eq!(percent_tenths(0.825), "82.5%");
        assert_eq!(percent_tenths(0.8), "80%");
    }
}
