//! The chain as the checks see it, whatever it was read from: a synthesized CloudFormation template
//! (`chain-from-template`) or a live distribution (`chain-from-aws`).
//!
//! Values a template only knows symbolically are rendered the same way by every reader: a `Ref` as
//! `${LogicalId}`, a `Fn::GetAtt` as `${LogicalId.Attribute}`, a pseudo parameter as `${AWS::AccountId}`,
//! `Fn::Join`/`Fn::Sub` as the concatenation. So the distribution's ARN in a template reads
//! `arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${ApiDistribution2AD4699A}` and a
//! grant scoped to it carries the same string; a live distribution's ARN is the literal ARN.
//!
//! What a source could not read is [`Known::Unknown`] with the reason: the checks fail closed on it.

use serde::Serialize;

/// A fact a source read, or why it could not (e.g. `GetPolicy` was denied, or a template imports a
/// function it does not define). Checks never pass on [`Known::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "known", content = "value")]
pub enum Known<T> {
    /// Read.
    Read(T),
    /// Not readable, and why.
    Unknown(String),
}

impl<T> Known<T> {
    /// The value, if read.
    pub fn read(&self) -> Option<&T> {
        match self {
            Known::Read(v) => Some(v),
            Known::Unknown(_) => None,
        }
    }
}

/// Where a chain was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Source {
    /// A CloudFormation template file (one of a cloud assembly's, or given alone).
    Template {
        /// The template file.
        path: String,
    },
    /// A deployed distribution, read with the caller's credentials.
    Distribution {
        /// The distribution ID.
        id: String,
    },
}

/// One distribution and everything behind it that the checks look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    /// Where it was read from.
    pub source: Source,
    /// The distribution.
    pub distribution: Distribution,
    /// oac-kit's Cloudflare rule, when the source defines it (templates of the construct with `cloudflare`).
    pub cloudflare_rule: Option<CloudflareRule>,
}

/// A CloudFront distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Distribution {
    /// How the user finds it: `AWS::CloudFront::Distribution ApiDistribution2AD4699A` (template) or
    /// `distribution E2EXAMPLE` (live).
    pub resource: String,
    /// Its ARN, rendered as the module doc says (a grant's `AWS:SourceArn` must equal it).
    pub arn: String,
    /// Its origins.
    pub origins: Vec<Origin>,
    /// Its cache behaviours, the default one first (`path_pattern: None`).
    pub behaviors: Vec<Behavior>,
    /// The viewer certificate and TLS policy.
    pub viewer_certificate: ViewerCertificate,
    /// The HTTP versions viewers may use (`http2and3`, `http2`, …); `None` when the source leaves
    /// it out (CloudFront's default, `http2`).
    pub http_version: Option<String>,
    /// Viewer mTLS, when the distribution has a `ViewerMtlsConfig`.
    pub viewer_mtls: Option<ViewerMtls>,
}

/// A distribution's viewer mTLS settings (`ViewerMtlsConfig`, `ConnectionFunctionAssociation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViewerMtls {
    /// `required` or `optional` (CloudFront's default `required` when the source leaves it out).
    pub mode: String,
    /// The trust store's ID, rendered; `None` without one.
    pub trust_store: Option<String>,
    /// `IgnoreCertificateExpiry` (absent: false).
    pub ignore_certificate_expiry: bool,
    /// The associated Connection Function's ID, rendered; `None` without one.
    pub connection_function: Option<String>,
}

/// One origin of the distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The origin ID behaviours target.
    pub id: String,
    /// Its domain name, rendered (a Function URL's is `<url-id>.lambda-url.<region>.on.aws`, or in a
    /// template the `Fn::Select`/`Fn::Split` of `${Url.FunctionUrl}`, rendered as `${Url.FunctionUrl}`'s host).
    pub domain: String,
    /// What it is.
    pub kind: OriginKind,
    /// Its origin access control, if it has one (`Unknown` when the ID names one the source cannot read).
    pub oac: Option<Known<OriginAccessControl>>,
}

/// What an origin is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum OriginKind {
    /// A Lambda Function URL (`*.lambda-url.<region>.on.aws`, or `AWS::Lambda::Url` in a template).
    FunctionUrl(Known<FunctionUrl>),
    /// An S3 bucket.
    S3,
    /// Anything else (custom origin, VPC origin, …).
    Other,
}

/// An origin access control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginAccessControl {
    /// `AWS::CloudFront::OriginAccessControl <LogicalId>` or `origin access control <Id>`.
    pub resource: String,
    /// `lambda`, `s3`, `mediastore`, `mediapackagev2`.
    pub origin_type: String,
    /// `always`, `never`, `no-override` (or `always-amz-auth`).
    pub signing_behavior: String,
    /// `sigv4`.
    pub signing_protocol: String,
}

/// A Lambda Function URL and its function's resource-based policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionUrl {
    /// `AWS::Lambda::Url <LogicalId>` or the function's ARN.
    pub resource: String,
    /// `AWS_IAM` or `NONE`.
    pub auth_type: String,
    /// `BUFFERED` or `RESPONSE_STREAM`.
    pub invoke_mode: String,
    /// The statements of the function's resource-based policy that allow anything, one per action
    /// (a statement with two actions is two grants).
    pub grants: Known<Vec<Grant>>,
}

/// One allowed action of a function's resource-based policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// `AWS::Lambda::Permission <LogicalId>` or the statement's `Sid`.
    pub resource: String,
    /// The principal (`cloudfront.amazonaws.com`, an account, `*`).
    pub principal: String,
    /// The action (`lambda:InvokeFunctionUrl`, `lambda:InvokeFunction`, `lambda:*`).
    pub action: String,
    /// `AWS:SourceArn` (from `ArnLike`, `ArnEquals` or `StringEquals`), rendered; `None` if unscoped.
    pub source_arn: Option<String>,
    /// The `lambda:FunctionUrlAuthType` condition, if any.
    pub function_url_auth_type: Option<String>,
    /// The `lambda:InvokedViaFunctionUrl` condition, if any.
    pub invoked_via_function_url: Option<bool>,
}

/// One cache behaviour (the default one has no path pattern).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Behavior {
    /// `None` for the default behaviour.
    pub path_pattern: Option<String>,
    /// The origin it sends requests to.
    pub target_origin_id: String,
    /// `AllowedMethods`, upper case.
    pub allowed_methods: Vec<String>,
    /// `allow-all`, `redirect-to-https`, `https-only`.
    pub viewer_protocol_policy: String,
    /// What is cached and keyed on (a cache policy, or legacy `ForwardedValues` + TTLs).
    pub cache: Known<CachePolicy>,
    /// What is forwarded to the origin beyond the cache key (`None`: no origin request policy).
    pub origin_request: Known<Option<OriginRequestPolicy>>,
    /// CloudFront Functions associations.
    pub function_associations: Vec<FunctionAssociation>,
    /// Lambda@Edge associations.
    pub lambda_associations: Vec<LambdaAssociation>,
}

/// Which viewer headers a policy includes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "headers")]
pub enum Headers {
    /// None.
    None,
    /// Every viewer header (an origin request policy's `allViewer`, legacy `*`).
    AllViewer,
    /// Every viewer header and these CloudFront headers (`allViewerAndWhitelistCloudFront`).
    AllViewerAndCloudFront(Vec<String>),
    /// Every viewer header except these (`allExcept`).
    AllExcept(Vec<String>),
    /// Exactly these (`whitelist`), lower case.
    Only(Vec<String>),
}

/// A cache policy, or what legacy cache settings amount to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CachePolicy {
    /// `Managed-CachingDisabled`, `AWS::CloudFront::CachePolicy <LogicalId>`, `legacy cache settings`, …
    pub name: String,
    /// Whether anything is cached (a TTL above zero).
    pub caches: bool,
    /// The headers in the cache key.
    pub key_headers: Headers,
    /// Whether the cache key normalises `Accept-Encoding` for gzip or Brotli (CloudFront then
    /// forwards it to the origin).
    pub accept_encoding: bool,
}

/// An origin request policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginRequestPolicy {
    /// `Managed-AllViewerExceptHostHeader`, `AWS::CloudFront::OriginRequestPolicy <LogicalId>`, …
    pub name: String,
    /// The viewer headers it forwards.
    pub headers: Headers,
}

/// A CloudFront Functions association.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionAssociation {
    /// `viewer-request` or `viewer-response`.
    pub event_type: String,
    /// The function.
    pub function: Known<CloudFrontFunction>,
}

/// A CloudFront Function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloudFrontFunction {
    /// `AWS::CloudFront::Function <LogicalId>` or its name.
    pub resource: String,
    /// `cloudfront-js-1.0` or `cloudfront-js-2.0`.
    pub runtime: String,
    /// Its code, when the source has it.
    pub code: Option<String>,
    /// The KeyValueStore ARNs associated with it, rendered.
    pub key_value_stores: Vec<String>,
}

/// A Lambda@Edge association.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LambdaAssociation {
    /// `viewer-request`, `origin-request`, `origin-response`, `viewer-response`.
    pub event_type: String,
    /// `IncludeBody`.
    pub include_body: bool,
    /// The associated ARN, rendered (it must be a numbered version's).
    pub arn: String,
    /// The function version it names.
    pub function: Known<EdgeFunction>,
}

/// A Lambda@Edge function version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EdgeFunction {
    /// `AWS::Lambda::Version <LogicalId>` (in the support stack) or the version's ARN.
    pub resource: String,
    /// Its region (`us-east-1` required), if known.
    pub region: Option<String>,
    /// `Some("3")` for a numbered version (in a template, an `AWS::Lambda::Version`'s rendered
    /// `${Logical.Version}`), `Some("$LATEST")`, an alias name, or `None` (unqualified).
    pub qualifier: Option<String>,
    /// `nodejs22.x`, `python3.13`, …
    pub runtime: String,
    /// The configuration baked into an oac-kit bundle (`config.json`), when the source has it.
    pub baked_config: Option<serde_json::Value>,
}

/// The viewer certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViewerCertificate {
    /// The default `*.cloudfront.net` certificate (its TLS policy cannot be chosen).
    pub cloudfront_default: bool,
    /// `MinimumProtocolVersion` (`TLSv1.2_2021`, `TLSv1.3_2025`, …), when a certificate is given.
    pub minimum_protocol_version: Option<String>,
}

/// The Cloudflare half as the chain configures it (oac-kit's `Zone` custom resource), when the
/// source shows it: the header Cloudflare's rule sets must be the one the viewer function reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloudflareRule {
    /// `Custom::… <LogicalId>`.
    pub resource: String,
    /// The header name the rule sets.
    pub header: String,
}
