//! Charts as inline SVG, drawn on the server: pure functions from numbers to markup, with no
//! script and nothing fetched. Every chart has a `<title>` and a `<desc>` (it is an image
//! with a name), a colour-blind-safe palette (Okabe–Ito), and a second cue besides colour:
//! line dashes and marker shapes, fill patterns, or position. The pages put the same numbers
//! in a table beside each chart. A suppressed cell is drawn as a gap, marked "fewer than N".

pub mod diverging;
pub mod line;
pub mod stacked;
pub mod steps;
pub mod svg;
