//! What more than one console page shows: a proposed pair with its explanation, and names.

use std::collections::HashMap;

use uuid::Uuid;

use super::errors::ConsoleError;
use crate::app::{App, console};
use crate::domain::matching::score::Explained;

/// One line of a score's explanation.
pub struct LineView {
    pub criterion: &'static str,
    pub points: String,
    pub max: String,
    pub detail: String,
}

/// A proposed pair (or a candidate mentor) with its score and explanation.
pub struct ProposalView {
    pub id: String,
    pub mentee: String,
    pub mentor: String,
    pub score: String,
    pub lines: Vec<LineView>,
}

pub fn lines(explanation: &[Explained]) -> Vec<LineView> {
    explanation
        .iter()
        .map(|e| LineView {
            criterion: e.criterion.as_str(),
            points: e.points.to_string(),
            max: e.max_points.to_string(),
            detail: e.detail.clone(),
        })
        .collect()
}

/// The names of the people with these ids (the erased have none).
pub async fn names(
    app: &App,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>, ConsoleError> {
    Ok(console::names(app, ids.into_iter().collect()).await?)
}
