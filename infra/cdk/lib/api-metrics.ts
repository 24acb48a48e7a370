// The api's own CloudWatch metrics (Embedded Metric Format, emitted by functions/api/src/metrics, documented
// in docs/metrics.md) that the construct alarms on. Names only: the api owns them (the Rust `emf` crate);
// test/emf-metrics.test.ts checks every metric the alarms and dashboards name against what it publishes.

/** The api's metric namespace (`METRICS_NAMESPACE`'s default). */
export const API_METRICS_NAMESPACE = 'OacKit/Api';
/** One data point per identity check, by outcome. */
export const IDENTITY_CHECKS_METRIC = 'IdentityChecks';
/** The dimension of {@link IDENTITY_CHECKS_METRIC} naming the outcome. */
export const IDENTITY_OUTCOME_DIMENSION = 'Outcome';
/** The outcome when STS could not be asked (every X-Fluid-Identity caller is refused meanwhile). */
export const STS_UNAVAILABLE_OUTCOME = 'sts-unavailable';
