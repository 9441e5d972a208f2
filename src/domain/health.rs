//! Pair health: the early-warning rules that read a pair's check-ins and answers.

/// Every threshold the rules use, from `[health]` in configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    pub first_meeting_days: u32,
    pub first_meeting_escalate_days: u32,
    pub no_meeting_days: u32,
    pub fit_at_most: f64,
    pub belonging_drop: f64,
    pub belonging_at_most: f64,
    pub intent_to_stay_at_most: f64,
    pub burnout_at_least: f64,
    pub unanswered_in_a_row: u32,
}
