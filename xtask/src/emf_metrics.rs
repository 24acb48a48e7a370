//! The metrics oac-kit's functions publish (`target/edge/emf-metrics.json`): one row per
//! namespace, metric and dimension set, with its unit, from the `emf` crate the functions build
//! their log lines with. `infra/cdk/test/emf-metrics.test.ts` checks every metric the CDK app's
//! alarms and dashboard name in an `OacKit/` namespace against it, so a metric renamed (or a
//! dimension changed) on either side fails a test.

use anyhow::Result;
use serde_json::{Value, json};

/// Where the table is written.
pub const OUTPUT: &str = "target/edge/emf-metrics.json";

/// The table's rows.
pub fn rows() -> Vec<Value> {
    emf::catalogue()
        .into_iter()
        .map(|p| {
            json!({
                "namespace": p.namespace,
                "metric": p.metric,
                "dimensions": p.dimensions,
                "unit": p.unit.as_str(),
            })
        })
        .collect()
}

/// Writes the table for the CDK app's test.
pub fn write() -> Result<()> {
    crate::header_name_cases::write_table(OUTPUT, &rows(), "EMF metrics table")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_names_a_namespace_a_metric_its_dimension_set_and_unit() {
        let rows = rows();
        let alarmed = rows
            .iter()
            .find(|r| r["metric"] == "IdentityChecks")
            .expect("the api's identity checks are in the table");
        assert_eq!(alarmed["namespace"], "OacKit/Api");
        assert_eq!(alarmed["dimensions"], json!(["Outcome"]));
        assert_eq!(alarmed["unit"], "Count");
        assert!(
            rows.iter()
                .any(|r| r["namespace"] == "OacKit/RangeSync" && r["dimensions"] == json!([]))
        );
    }
}
