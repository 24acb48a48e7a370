//! The one order of an `X-Fluid-Identity` URL's query parameters, shared by the signer (which
//! assembles its URL in it) and the verifier (which accepts exactly these names and rebuilds the
//! outgoing URL in it): the operation, then SigV4's auth parameters in botocore's order, so a
//! value is byte-identical to botocore's presign of the same request.

/// Every query parameter accepted, in URL order.
pub(crate) const QUERY_PARAMS: [&str; 9] = [
    "Action",
    "Version",
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

/// The SigV4 query-auth parameters (`X-Amz-*`), in URL order: the tail of [`QUERY_PARAMS`].
#[cfg(feature = "sign")]
pub(crate) const AUTH_PARAMS: &[&str] = QUERY_PARAMS.split_at(2).1;

/// The position of `name` in [`QUERY_PARAMS`] (exact, case-sensitive match).
pub(crate) fn position(name: &str) -> Option<usize> {
    QUERY_PARAMS.iter().position(|p| *p == name)
}

#[cfg(all(test, feature = "sign"))]
mod tests {
    use super::*;

    #[test]
    fn the_auth_parameters_are_exactly_the_x_amz_ones() {
        assert!(AUTH_PARAMS.iter().all(|p| p.starts_with("X-Amz-")));
        let x_amz = QUERY_PARAMS.iter().filter(|p| p.starts_with("X-Amz-"));
        assert_eq!(x_amz.count(), AUTH_PARAMS.len());
    }
}
