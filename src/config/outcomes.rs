//! `[outcomes]`: what published outcomes are compared with.

use serde::Deserialize;

use super::{ConfigError, invalid};

#[derive(Debug, Clone, Copy)]
pub struct OutcomesSettings {
    /// First-year retention to draw the curve against, 0 to 1.
    pub retention_benchmark: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOutcomes {
    retention_benchmark: f64,
}

impl TryFrom<RawOutcomes> for OutcomesSettings {
    type Error = ConfigError;

    fn try_from(o: RawOutcomes) -> Result<Self, ConfigError> {
        let benchmark = o.retention_benchmark;
        if !(0.0..=1.0).contains(&benchmark) {
            return Err(invalid(
                "outcomes.retention_benchmark",
                "must be a share from 0 to 1, e.g. 0.825",
            ));
        }
        Ok(OutcomesSettings {
            retention_benchmark: benchmark,
        })
    }
}
