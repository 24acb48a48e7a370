//! Every check, in the order the report prints them.

use crate::Check;

/// Every check.
pub fn all() -> &'static [Check] {
    &[]
}
