//! Which operation a request is (method and path under `/client/v4`), and the permission it
//! needs. Pure.

use crate::auth::Permission;

/// The operations served, by Cloudflare's operationId (the keys of `request-shapes.json`).
pub const OPERATION_IDS: [&str; 17] = [
    "dns-records-for-a-zone-list-dns-records",
    "dns-records-for-a-zone-create-dns-record",
    "dns-records-for-a-zone-patch-dns-record",
    "dns-records-for-a-zone-delete-dns-record",
    "zone-settings-get-ssl-setting",
    "zone-settings-change-ssl-setting",
    "getZoneEntrypointRuleset",
    "updateZoneEntrypointRuleset",
    "createZoneRulesetRule",
    "updateZoneRulesetRule",
    "deleteZoneRulesetRule",
    "per-hostname-authenticated-origin-pull-list-certificates",
    "per-hostname-authenticated-origin-pull-upload-a-hostname-client-certificate",
    "per-hostname-authenticated-origin-pull-get-the-hostname-client-certificate",
    "per-hostname-authenticated-origin-pull-delete-hostname-client-certificate",
    "per-hostname-authenticated-origin-pull-enable-or-disable-a-hostname-for-client-authentication",
    "per-hostname-authenticated-origin-pull-get-the-hostname-status-for-client-authentication",
];

/// The path segment of Authenticated Origin Pulls.
const AOP: &str = "origin_tls_client_auth";

/// A request, routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `GET /zones/{zone}/dns_records`
    ListDns,
    /// `POST /zones/{zone}/dns_records`
    CreateDns,
    /// `PATCH /zones/{zone}/dns_records/{id}`
    PatchDns(String),
    /// `DELETE /zones/{zone}/dns_records/{id}`
    DeleteDns(String),
    /// `GET /zones/{zone}/settings/ssl`
    GetSsl,
    /// `PATCH /zones/{zone}/settings/ssl`
    PatchSsl,
    /// `GET /zones/{zone}/rulesets/phases/{phase}/entrypoint`
    GetEntrypoint(String),
    /// `PUT /zones/{zone}/rulesets/phases/{phase}/entrypoint`
    PutEntrypoint(String),
    /// `POST /zones/{zone}/rulesets/{ruleset}/rules`
    CreateRule(String),
    /// `PATCH /zones/{zone}/rulesets/{ruleset}/rules/{rule}`
    PatchRule(String, String),
    /// `DELETE /zones/{zone}/rulesets/{ruleset}/rules/{rule}`
    DeleteRule(String, String),
    /// `GET /zones/{zone}/origin_tls_client_auth/hostnames/certificates`
    ListAopCertificates,
    /// `POST /zones/{zone}/origin_tls_client_auth/hostnames/certificates`
    UploadAopCertificate,
    /// `GET /zones/{zone}/origin_tls_client_auth/hostnames/certificates/{id}`
    GetAopCertificate(String),
    /// `DELETE /zones/{zone}/origin_tls_client_auth/hostnames/certificates/{id}`
    DeleteAopCertificate(String),
    /// `PUT /zones/{zone}/origin_tls_client_auth/hostnames`
    PutAopHostnames,
    /// `GET /zones/{zone}/origin_tls_client_auth/hostnames/{hostname}`
    GetAopHostname(String),
}

impl Route {
    /// Routes `method` and the path after `/client/v4/zones/`: the zone id and the route, or
    /// `None` (no such endpoint here).
    pub fn parse(method: &str, path: &str) -> Option<(String, Route)> {
        let segments: Vec<&str> = path.split('/').collect();
        let (zone, rest) = segments.split_first()?;
        let own = |s: &&str| (*s).to_owned();
        let route = match (method, rest) {
            ("GET", ["dns_records"]) => Route::ListDns,
            ("POST", ["dns_records"]) => Route::CreateDns,
            ("PATCH", ["dns_records", id]) => Route::PatchDns(own(id)),
            ("DELETE", ["dns_records", id]) => Route::DeleteDns(own(id)),
            ("GET", ["settings", "ssl"]) => Route::GetSsl,
            ("PATCH", ["settings", "ssl"]) => Route::PatchSsl,
            ("GET", ["rulesets", "phases", phase, "entrypoint"]) => {
                Route::GetEntrypoint(own(phase))
            }
            ("PUT", ["rulesets", "phases", phase, "entrypoint"]) => {
                Route::PutEntrypoint(own(phase))
            }
            ("POST", ["rulesets", set, "rules"]) => Route::CreateRule(own(set)),
            ("PATCH", ["rulesets", set, "rules", rule]) => Route::PatchRule(own(set), own(rule)),
            ("DELETE", ["rulesets", set, "rules", rule]) => Route::DeleteRule(own(set), own(rule)),
            ("GET", [AOP, "hostnames", "certificates"]) => Route::ListAopCertificates,
            ("POST", [AOP, "hostnames", "certificates"]) => Route::UploadAopCertificate,
            ("GET", [AOP, "hostnames", "certificates", id]) => Route::GetAopCertificate(own(id)),
            ("DELETE", [AOP, "hostnames", "certificates", id]) => {
                Route::DeleteAopCertificate(own(id))
            }
            ("PUT", [AOP, "hostnames"]) => Route::PutAopHostnames,
            ("GET", [AOP, "hostnames", host]) => Route::GetAopHostname(own(host)),
            _ => return None,
        };
        Some(((*zone).to_owned(), route))
    }

    /// Cloudflare's operationId for this route.
    pub fn operation_id(&self) -> &'static str {
        let index = match self {
            Route::ListDns => 0,
            Route::CreateDns => 1,
            Route::PatchDns(_) => 2,
            Route::DeleteDns(_) => 3,
            Route::GetSsl => 4,
            Route::PatchSsl => 5,
            Route::GetEntrypoint(_) => 6,
            Route::PutEntrypoint(_) => 7,
            Route::CreateRule(_) => 8,
            Route::PatchRule(..) => 9,
            Route::DeleteRule(..) => 10,
            Route::ListAopCertificates => 11,
            Route::UploadAopCertificate => 12,
            Route::GetAopCertificate(_) => 13,
            Route::DeleteAopCertificate(_) => 14,
            Route::PutAopHostnames => 15,
            Route::GetAopHostname(_) => 16,
        };
        OPERATION_IDS[index]
    }

    /// The token permission the route needs.
    pub fn permission(&self) -> Permission {
        match self {
            Route::ListDns => Permission::DnsRead,
            Route::CreateDns | Route::PatchDns(_) | Route::DeleteDns(_) => Permission::DnsEdit,
            Route::GetSsl => Permission::ZoneSettingsRead,
            Route::PatchSsl => Permission::ZoneSettingsEdit,
            Route::GetEntrypoint(_) => Permission::TransformRulesRead,
            Route::ListAopCertificates | Route::GetAopCertificate(_) | Route::GetAopHostname(_) => {
                Permission::SslRead
            }
            Route::UploadAopCertificate
            | Route::DeleteAopCertificate(_)
            | Route::PutAopHostnames => Permission::SslEdit,
            _ => Permission::TransformRulesEdit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_route_to_their_operations() {
        let z = "023e105f4ecef8ad9ca31a8372d0c353";
        let cases = [
            ("GET", "dns_records", Route::ListDns),
            ("DELETE", "dns_records/r1", Route::DeleteDns("r1".into())),
            ("PATCH", "settings/ssl", Route::PatchSsl),
            (
                "PUT",
                "rulesets/phases/http_request_late_transform/entrypoint",
                Route::PutEntrypoint("http_request_late_transform".into()),
            ),
            (
                "PATCH",
                "rulesets/s/rules/r",
                Route::PatchRule("s".into(), "r".into()),
            ),
        ];
        for (method, rest, route) in cases {
            assert_eq!(
                Route::parse(method, &format!("{z}/{rest}")),
                Some((z.to_owned(), route))
            );
        }
        assert_eq!(
            Route::parse(
                "GET",
                &format!("{z}/origin_tls_client_auth/hostnames/certificates")
            ),
            Some((z.to_owned(), Route::ListAopCertificates))
        );
        assert_eq!(
            Route::parse(
                "GET",
                &format!("{z}/origin_tls_client_auth/hostnames/a.example.com")
            ),
            Some((z.to_owned(), Route::GetAopHostname("a.example.com".into())))
        );
        assert_eq!(Route::ListAopCertificates.permission(), Permission::SslRead);
        assert_eq!(Route::PutAopHostnames.permission(), Permission::SslEdit);
        assert_eq!(Route::parse("PUT", &format!("{z}/dns_records")), None);
        assert_eq!(
            Route::parse("GET", &format!("{z}/settings/ssl/extra")),
            None
        );
    }
}
