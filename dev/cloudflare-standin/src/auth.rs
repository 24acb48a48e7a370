//! Tokens and what they may do, as Cloudflare's API token permission groups name them.

use std::collections::BTreeMap;

/// A token permission (an `Edit` implies its `Read`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Permission {
    /// Zone / DNS / Read
    DnsRead,
    /// Zone / DNS / Edit
    DnsEdit,
    /// Zone / Zone Settings / Read
    ZoneSettingsRead,
    /// Zone / Zone Settings / Edit
    ZoneSettingsEdit,
    /// Zone / Transform Rules / Read
    TransformRulesRead,
    /// Zone / Transform Rules / Edit
    TransformRulesEdit,
    /// Zone / SSL and Certificates / Read (the schema's `#ssl:read`)
    SslRead,
    /// Zone / SSL and Certificates / Edit (the schema's `#ssl:edit`)
    SslEdit,
}

impl Permission {
    /// Every permission: a token for everything oac-kit does.
    pub const ALL: [Permission; 8] = [
        Permission::DnsRead,
        Permission::DnsEdit,
        Permission::ZoneSettingsRead,
        Permission::ZoneSettingsEdit,
        Permission::TransformRulesRead,
        Permission::TransformRulesEdit,
        Permission::SslRead,
        Permission::SslEdit,
    ];

    /// `dns:read`, `dns:edit`, `zone_settings:read`, ... (the stand-in's command line).
    pub fn parse(name: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Permission::DnsRead => "dns:read",
            Permission::DnsEdit => "dns:edit",
            Permission::ZoneSettingsRead => "zone_settings:read",
            Permission::ZoneSettingsEdit => "zone_settings:edit",
            Permission::TransformRulesRead => "transform_rules:read",
            Permission::TransformRulesEdit => "transform_rules:edit",
            Permission::SslRead => "ssl:read",
            Permission::SslEdit => "ssl:edit",
        }
    }

    fn implied_by(self, granted: Permission) -> bool {
        use Permission::*;
        granted == self
            || matches!(
                (self, granted),
                (DnsRead, DnsEdit)
                    | (ZoneSettingsRead, ZoneSettingsEdit)
                    | (TransformRulesRead, TransformRulesEdit)
                    | (SslRead, SslEdit)
            )
    }
}

/// The tokens the stand-in accepts.
#[derive(Debug, Clone, Default)]
pub struct Tokens(BTreeMap<String, Vec<Permission>>);

impl Tokens {
    /// Adds `token` with `permissions`.
    pub fn grant(&mut self, token: &str, permissions: &[Permission]) {
        self.0.insert(token.to_owned(), permissions.to_vec());
    }

    /// Whether the `Authorization` header value lets its bearer do what `needed` allows.
    pub fn allows(&self, authorization: Option<&str>, needed: Permission) -> bool {
        let token = authorization.and_then(|a| a.strip_prefix("Bearer "));
        token
            .and_then(|t| self.0.get(t))
            .is_some_and(|granted| granted.iter().any(|g| needed.implied_by(*g)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_implies_read_and_nothing_else() {
        let mut tokens = Tokens::default();
        tokens.grant("t", &[Permission::DnsEdit]);
        assert!(tokens.allows(Some("Bearer t"), Permission::DnsRead));
        assert!(!tokens.allows(Some("Bearer t"), Permission::ZoneSettingsRead));
        assert!(!tokens.allows(Some("t"), Permission::DnsRead));
        assert!(!tokens.allows(Some("Bearer u"), Permission::DnsRead));
        assert!(!tokens.allows(None, Permission::DnsRead));
        assert_eq!(
            Permission::parse("transform_rules:edit"),
            Some(Permission::TransformRulesEdit)
        );
    }
}
